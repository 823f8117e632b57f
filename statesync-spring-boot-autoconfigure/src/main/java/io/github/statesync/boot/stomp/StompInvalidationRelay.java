package io.github.statesync.boot.stomp;

import io.github.statesync.boot.StateSyncAppliedEvent;
import io.github.statesync.boot.web.ServedTopics;
import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.jackson.JacksonSyncCodec;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.context.ApplicationListener;
import org.springframework.messaging.MessageHeaders;
import org.springframework.messaging.simp.SimpMessageSendingOperations;
import org.springframework.messaging.support.MessageBuilder;
import org.springframework.util.MimeTypeUtils;

/**
 * Sends each revision this node applies of a served topic to the STOMP destination
 * {@value #DESTINATION_PREFIX}{@code <topic>} as the protocol's invalidation JSON
 * ({@code application/json}), the same payload as the event stream's {@code data}. Like
 * the event stream it announces applied revisions, so a client that fetches this node's
 * snapshot on a message is served that revision or a newer one. Who may subscribe is the
 * broker's security to decide.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class StompInvalidationRelay implements ApplicationListener<StateSyncAppliedEvent<?>> {

	/** The destination of a topic's invalidations, followed by the topic. */
	public static final String DESTINATION_PREFIX = "/topic/statesync.";

	private static final Logger logger = LoggerFactory.getLogger(StompInvalidationRelay.class);

	private final SimpMessageSendingOperations messaging;

	private final ServedTopics served;

	private final JacksonSyncCodec codec = new JacksonSyncCodec();

	/**
	 * Create the relay.
	 * @param messaging sends to the broker
	 * @param served the topics relayed
	 */
	public StompInvalidationRelay(SimpMessageSendingOperations messaging, ServedTopics served) {
		this.messaging = messaging;
		this.served = served;
	}

	@Override
	public void onApplicationEvent(StateSyncAppliedEvent<?> event) {
		String topic = event.getTopic();
		if (!this.served.isServed(topic)) {
			return;
		}
		byte[] json = this.codec.encodeEvent(InvalidationEvent.of(topic, event.getRevision()));
		try {
			this.messaging.send(DESTINATION_PREFIX + topic,
					MessageBuilder.withPayload(json)
						.setHeader(MessageHeaders.CONTENT_TYPE, MimeTypeUtils.APPLICATION_JSON)
						.build());
		}
		catch (RuntimeException ex) {
			// the revision is applied; a broker that cannot take it must not fail the
			// apply
			logger.warn("Could not relay revision {} of topic '{}' to STOMP: {}", event.getRevision(), topic,
					ex.toString());
		}
	}

}
