package io.github.statesync.jackson;

import java.util.Map;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishResult;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.core.type.TypeReference;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

class StateSyncJacksonModuleTests {

	private final JsonMapper mapper = JsonMapper.builder().addModule(new StateSyncJacksonModule()).build();

	@Test
	void writesARevisionAsItsCanonicalString() {
		assertThat(this.mapper.writeValueAsString(Revision.of(42))).isEqualTo("\"42\"");
		assertThat(this.mapper.writeValueAsString(Revision.MAX)).isEqualTo("\"18446744073709551615\"");
		assertThat(this.mapper.writeValueAsString(Map.of("revision", Revision.ZERO))).isEqualTo("{\"revision\":\"0\"}");
	}

	@Test
	void writesAPublishResultInTheProtocolsForm() {
		assertThat(this.mapper.writeValueAsString(new PublishResult(true, Revision.of(123))))
			.isEqualTo("{\"published\":true,\"revision\":\"123\"}");
	}

	@Test
	void readsWhatItWrites() {
		assertThat(this.mapper.readValue("\"18446744073709551615\"", Revision.class)).isEqualTo(Revision.MAX);
		assertThat(this.mapper.readValue("{\"published\":false,\"revision\":\"7\"}", PublishResult.class))
			.isEqualTo(new PublishResult(false, Revision.of(7)));
		assertThat(this.mapper.readValue("{\"a\":\"1\"}", new TypeReference<Map<String, Revision>>() {
		})).containsEntry("a", Revision.of(1));
	}

	@Test
	void refusesANonCanonicalRevisionWithTheProtocolsReason() {
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.mapper.readValue("\"042\"", Revision.class))
			.withMessageContaining("leading zeros are not allowed");
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.mapper.readValue("\"18446744073709551616\"", Revision.class))
			.withMessageContaining("exceeds the unsigned 64-bit maximum");
	}

	@Test
	void refusesARevisionWrittenAsANumber() {
		assertThatExceptionOfType(JacksonException.class)
			.isThrownBy(() -> this.mapper.readValue("{\"published\":true,\"revision\":42}", PublishResult.class));
	}

}
