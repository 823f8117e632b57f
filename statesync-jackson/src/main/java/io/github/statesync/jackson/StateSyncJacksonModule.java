package io.github.statesync.jackson;

import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.publish.PublishResult;
import tools.jackson.core.JsonGenerator;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.deser.std.StdScalarDeserializer;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdScalarSerializer;

/**
 * Writes and reads the protocol's types in their wire forms with any Jackson 3 mapper: a
 * {@link Revision} as its canonical decimal string ({@code "42"}, also above
 * {@link Long#MAX_VALUE}), so a {@link PublishResult} reads
 * {@code {"published":true,"revision":"42"}}. Reading is as strict as the protocol: a
 * revision must be a canonical JSON string, never a number.
 * <p>
 * Spring Boot's auto-configured mapper picks it up as a bean; register it on a mapper of
 * your own with {@code JsonMapper.builder().addModule(new StateSyncJacksonModule())}.
 *
 * @author statesync
 * @since 0.1.0
 */
public class StateSyncJacksonModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the module.
	 */
	public StateSyncJacksonModule() {
		super("statesync-protocol");
		addSerializer(Revision.class, new RevisionSerializer());
		addDeserializer(Revision.class, new RevisionDeserializer());
	}

	/**
	 * Writes a revision as its canonical string.
	 */
	static final class RevisionSerializer extends StdScalarSerializer<Revision> {

		RevisionSerializer() {
			super(Revision.class);
		}

		@Override
		public void serialize(Revision value, JsonGenerator generator, SerializationContext context) {
			generator.writeString(value.toString());
		}

	}

	/**
	 * Reads a revision from its canonical string, refusing anything else with the
	 * protocol's reason.
	 */
	static final class RevisionDeserializer extends StdScalarDeserializer<Revision> {

		RevisionDeserializer() {
			super(Revision.class);
		}

		@Override
		public Revision deserialize(JsonParser parser, DeserializationContext context) {
			if (!parser.hasToken(JsonToken.VALUE_STRING)) {
				throw MismatchedInputException.from(parser, context.constructType(Revision.class),
						"revision must be a JSON string in the protocol's canonical decimal form, for example \"42\", "
								+ "was " + parser.currentToken());
			}
			String text = parser.getString();
			try {
				return Revision.parse(text);
			}
			catch (ProtocolException ex) {
				throw context.weirdStringException(text, Revision.class, ex.getMessage());
			}
		}

	}

}
