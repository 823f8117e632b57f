package io.github.statesync.boot.rest;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.github.statesync.core.protocol.ProtocolException;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotMissingException;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.SyncCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.client.ClientHttpResponse;
import org.springframework.web.client.RestClient;

/**
 * Fetches a topic's snapshot from its owning service: {@code GET
 * {baseUrl}/statesync/topics/{topic}} with {@code If-None-Match} set to the revision
 * held, so an unchanged topic costs a {@code 304} and no body. The blocking call runs on
 * the given executor.
 *
 * @author statesync
 * @since 0.1.0
 */
final class RestSnapshotProvider implements SnapshotProvider<JsonNode> {

	private final RestClient client;

	private final URI baseUrl;

	private final SyncCodec codec;

	private final Executor executor;

	/**
	 * Create a provider.
	 * @param client the client, with its timeouts
	 * @param baseUrl the owning service's base URL
	 * @param codec decodes the envelope
	 * @param executor runs the blocking calls
	 */
	public RestSnapshotProvider(RestClient client, URI baseUrl, SyncCodec codec, Executor executor) {
		this.client = client;
		this.baseUrl = baseUrl;
		this.codec = codec;
		this.executor = executor;
	}

	@Override
	public CompletableFuture<@Nullable SnapshotEnvelope<JsonNode>> fetch(String topic, Revision knownRevision) {
		return CompletableFuture.supplyAsync(() -> get(topic, knownRevision), this.executor);
	}

	private @Nullable SnapshotEnvelope<JsonNode> get(String topic, Revision knownRevision) {
		return this.client.get()
			.uri(this.baseUrl.toString().replaceAll("/+$", "") + TopicSnapshotEndpoint.PATH, topic)
			.headers((headers) -> {
				if (!knownRevision.equals(Revision.ZERO)) {
					headers.set(HttpHeaders.IF_NONE_MATCH, TopicSnapshotEndpoint.etag(knownRevision));
				}
			})
			.exchange((request, response) -> {
				if (response.getStatusCode().isSameCodeAs(HttpStatus.NOT_MODIFIED)) {
					return null;
				}
				if (!response.getStatusCode().is2xxSuccessful()) {
					throw response.createException();
				}
				SnapshotEnvelope<JsonNode> snapshot = this.codec.decodeSnapshot(readBounded(topic, response),
						JsonNode.class);
				if (snapshot.revision().equals(Revision.ZERO)) {
					// revision 0: the owner has nothing yet (its data is only its
					// defaults)
					if (!knownRevision.equals(Revision.ZERO)) {
						throw new SnapshotMissingException(topic, knownRevision);
					}
					return null;
				}
				return snapshot;
			});
	}

	/**
	 * Read the body, but never more than the codec accepts: an owner that answers a huge
	 * body costs at most the payload limit in memory.
	 */
	private byte[] readBounded(String topic, ClientHttpResponse response) throws IOException {
		int limit = this.codec.maxPayloadBytes();
		long declared = response.getHeaders().getContentLength();
		if (declared > limit) {
			throw new ProtocolException("snapshot of topic '" + topic + "' is " + declared
					+ " bytes, over the payload limit of " + limit + " bytes");
		}
		try (InputStream body = response.getBody()) {
			byte[] payload = body.readNBytes((limit == Integer.MAX_VALUE) ? limit : limit + 1);
			if (payload.length > limit) {
				throw new ProtocolException(
						"snapshot of topic '" + topic + "' is over the payload limit of " + limit + " bytes");
			}
			return payload;
		}
	}

}
