package io.github.statesync.boot.rest;

import java.net.URI;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;

import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import io.github.statesync.core.spi.SnapshotProvider;
import io.github.statesync.core.spi.SyncCodec;
import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.ResponseEntity;
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
public final class RestSnapshotProvider implements SnapshotProvider<JsonNode> {

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
		ResponseEntity<byte[]> response = this.client.get()
			.uri(this.baseUrl.toString().replaceAll("/+$", "") + TopicSnapshotEndpoint.PATH, topic)
			.headers((headers) -> {
				if (!knownRevision.equals(Revision.ZERO)) {
					headers.set(HttpHeaders.IF_NONE_MATCH, TopicSnapshotEndpoint.etag(knownRevision));
				}
			})
			.retrieve()
			.toEntity(byte[].class);
		if (response.getStatusCode().isSameCodeAs(HttpStatus.NOT_MODIFIED) || response.getBody() == null) {
			return null;
		}
		return this.codec.decodeSnapshot(response.getBody(), JsonNode.class);
	}

}
