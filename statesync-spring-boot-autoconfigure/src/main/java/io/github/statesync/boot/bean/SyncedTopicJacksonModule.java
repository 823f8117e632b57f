package io.github.statesync.boot.bean;

import tools.jackson.core.JsonGenerator;
import tools.jackson.databind.SerializationContext;
import tools.jackson.databind.module.SimpleModule;
import tools.jackson.databind.ser.std.StdSerializer;

/**
 * Writes the proxy injected for a {@code @SyncedTopic} bean as the snapshot object it
 * stands for, exactly as that object would be written, rather than as the proxy's own
 * properties ({@code advisorCount}, {@code targetSource}, ...): a controller may return
 * the injected bean.
 *
 * @author statesync
 * @since 0.1.0
 */
public class SyncedTopicJacksonModule extends SimpleModule {

	private static final long serialVersionUID = 1L;

	/**
	 * Create the module.
	 */
	public SyncedTopicJacksonModule() {
		super("statesync-synced-topic-proxy");
		addSerializer(SyncedTopicProxy.class, new ProxySerializer());
	}

	/**
	 * Writes a proxy's current target with the serializer of the target's own class.
	 */
	static final class ProxySerializer extends StdSerializer<SyncedTopicProxy> {

		ProxySerializer() {
			super(SyncedTopicProxy.class);
		}

		@Override
		public void serialize(SyncedTopicProxy value, JsonGenerator generator, SerializationContext context) {
			// one read of the target: the whole object comes from one snapshot
			context.writeValue(generator, SyncedTopicProxy.currentTarget(value));
		}

	}

}
