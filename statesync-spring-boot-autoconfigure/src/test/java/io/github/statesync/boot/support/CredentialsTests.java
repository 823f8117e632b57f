package io.github.statesync.boot.support;

import java.net.URI;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CredentialsTests {

	@Test
	void masksTheWholeUserInfoOfAUrl() {
		assertThat(Credentials.mask(URI.create("http://admin:S3cretPass@pricing:8080/base?x=1")))
			.isEqualTo("http://******@pricing:8080/base?x=1");
		assertThat(Credentials.mask(URI.create("https://t0ken@pricing"))).isEqualTo("https://******@pricing");
	}

	@Test
	void leavesUrlsWithoutUserInfoAlone() {
		assertThat(Credentials.mask(URI.create("http://pricing:8080/a@b"))).isEqualTo("http://pricing:8080/a@b");
		assertThat(Credentials.hasUserInfo(URI.create("http://pricing:8080/a@b"))).isFalse();
	}

	@Test
	void masksEveryUrlInAMessage() {
		assertThat(Credentials.mask("I/O error on GET request for \"http://admin:p@ss@owner/statesync/topics/x\": "
				+ "refused; retried https://u:p@other"))
			.isEqualTo("I/O error on GET request for \"http://******@owner/statesync/topics/x\": refused; retried "
					+ "https://******@other");
		assertThat(Credentials.mask((String) null)).isNull();
	}

	@Test
	void detectsUserInfo() {
		assertThat(Credentials.hasUserInfo(URI.create("http://admin:S3cretPass@pricing"))).isTrue();
		assertThat(Credentials.hasUserInfo(URI.create("http://admin@pricing"))).isTrue();
		assertThat(Credentials.hasUserInfo(URI.create("http://pricing"))).isFalse();
	}

}
