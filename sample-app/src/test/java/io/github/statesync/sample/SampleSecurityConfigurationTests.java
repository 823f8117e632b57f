package io.github.statesync.sample;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.crypto.factory.PasswordEncoderFactories;
import org.springframework.security.crypto.password.PasswordEncoder;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample's users: passwords from properties, a warning for the demo ones.
 */
@ExtendWith(OutputCaptureExtension.class)
class SampleSecurityConfigurationTests {

	private final PasswordEncoder encoder = PasswordEncoderFactories.createDelegatingPasswordEncoder();

	@Test
	void warnsAtStartForEachUserOnItsDemoPassword(CapturedOutput output) {
		InMemoryUserDetailsManager users = new SampleSecurityConfiguration()
			.sampleUsers(new SampleSecurityProperties());

		assertThat(output).contains("User 'writer' has the demo password")
			.contains("SAMPLE_SECURITY_WRITER_PASSWORD")
			.contains("User 'operator' has the demo password")
			.contains("SAMPLE_SECURITY_OPERATOR_PASSWORD")
			.doesNotContain(SampleSecurityProperties.DEMO_WRITER_PASSWORD);
		assertThat(matches(users.loadUserByUsername("writer"), "demo-only-writer")).isTrue();
		assertThat(users.loadUserByUsername("writer").getAuthorities()).extracting("authority")
			.containsExactly("ROLE_WRITER");
		assertThat(users.loadUserByUsername("operator").getAuthorities()).extracting("authority")
			.containsExactly("ROLE_OPERATOR");
	}

	@Test
	void takesConfiguredPasswordsPlainOrEncodedWithoutWarning(CapturedOutput output) {
		SampleSecurityProperties properties = new SampleSecurityProperties();
		properties.getWriter().setName("alice");
		properties.getWriter().setPassword("correct horse battery staple");
		properties.getOperator().setPassword(this.encoder.encode("operator secret"));

		InMemoryUserDetailsManager users = new SampleSecurityConfiguration().sampleUsers(properties);

		assertThat(output).doesNotContain("demo password");
		assertThat(matches(users.loadUserByUsername("alice"), "correct horse battery staple")).isTrue();
		assertThat(users.userExists("writer")).isFalse();
		assertThat(matches(users.loadUserByUsername("operator"), "operator secret")).isTrue();
	}

	private boolean matches(UserDetails user, String password) {
		return this.encoder.matches(password, user.getPassword());
	}

}
