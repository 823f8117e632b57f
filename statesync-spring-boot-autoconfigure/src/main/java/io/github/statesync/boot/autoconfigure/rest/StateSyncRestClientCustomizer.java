package io.github.statesync.boot.autoconfigure.rest;

import org.springframework.web.client.RestClient;

/**
 * Callback that tunes the {@link RestClient} with which a topic fetches its snapshots
 * from its owning service, for example to add an OAuth2 interceptor
 * ({@code builder.requestInterceptor(...)}), a tenant header or a custom request factory.
 * Customizers run, in their order, after the properties were applied (timeouts and
 * {@code statesync.topics.<topic>.auth.*}), so code has the last word.
 *
 * @author statesync
 * @since 0.1.0
 */
@FunctionalInterface
public interface StateSyncRestClientCustomizer {

	/**
	 * Customize the client of one topic.
	 * @param topic the topic whose snapshots the client fetches
	 * @param builder the builder, already set up from the properties
	 */
	void customize(String topic, RestClient.Builder builder);

}
