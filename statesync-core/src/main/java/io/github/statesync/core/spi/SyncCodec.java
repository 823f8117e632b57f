package io.github.statesync.core.spi;

import java.lang.reflect.Type;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.SnapshotEnvelope;

/**
 * Turns protocol messages into bytes and back, for transports that carry bytes. Decoding
 * is strict: anything that breaks the protocol, exceeds the codec's limits or does not
 * fit the requested type is a
 * {@link io.github.statesync.core.protocol.ProtocolException}.
 *
 * @author statesync
 * @since 0.1.0
 */
public interface SyncCodec {

	/**
	 * Decode an invalidation event.
	 * @param payload the encoded event
	 * @return the event
	 * @throws io.github.statesync.core.protocol.ProtocolException if the payload is
	 * malformed
	 */
	InvalidationEvent decodeEvent(byte[] payload);

	/**
	 * Encode an invalidation event.
	 * @param event the event
	 * @return the encoded event
	 */
	byte[] encodeEvent(InvalidationEvent event);

	/**
	 * Decode a snapshot envelope, binding its data to the given type.
	 * @param <T> the type of the data
	 * @param payload the encoded envelope
	 * @param dataType the type to bind the data to
	 * @return the envelope
	 * @throws io.github.statesync.core.protocol.ProtocolException if the payload is
	 * malformed or its data does not fit the type
	 */
	<T> SnapshotEnvelope<T> decodeSnapshot(byte[] payload, Type dataType);

	/**
	 * Bind the data an invalidation carried inline ({@link InvalidationEvent#data()}, in
	 * this codec's representation) to a type.
	 * @param <T> the type of the data
	 * @param data the inline data
	 * @param dataType the type to bind the data to
	 * @return the bound data
	 * @throws io.github.statesync.core.protocol.ProtocolException if the data does not
	 * fit the type, or this codec never decodes inline data (the default)
	 */
	default <T> T bindInlineData(Object data, Type dataType) {
		throw new ProtocolException(getClass().getSimpleName() + " does not decode inline snapshot data");
	}

	/**
	 * Encode snapshot data (the {@code data} member of an envelope).
	 * @param data the data
	 * @return the encoded data
	 * @throws IllegalArgumentException if the data cannot be encoded
	 */
	byte[] encodeData(Object data);

	/**
	 * Return the largest payload this codec decodes; writers refuse anything larger,
	 * since no reader would accept it.
	 * @return the limit in bytes
	 */
	default int maxPayloadBytes() {
		return Integer.MAX_VALUE;
	}

}
