package io.github.statesync.boot.actuate;

import io.github.statesync.boot.actuate.StateSyncEndpoint.RefreshDescriptor;

import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.actuate.endpoint.web.annotation.EndpointWebExtension;

/**
 * The HTTP answers of the {@link StateSyncEndpoint}'s refresh: {@code 202 Accepted} with
 * the topic's refresh status, as the refresh runs in the background, and {@code 404} for
 * a topic this node does not follow (a write operation answering nothing would be
 * {@code 204}).
 *
 * @author statesync
 * @since 0.1.0
 */
@EndpointWebExtension(endpoint = StateSyncEndpoint.class)
public class StateSyncEndpointWebExtension {

	private static final int STATUS_ACCEPTED = 202;

	private final StateSyncEndpoint delegate;

	/**
	 * Create the extension.
	 * @param delegate the endpoint
	 */
	public StateSyncEndpointWebExtension(StateSyncEndpoint delegate) {
		this.delegate = delegate;
	}

	/**
	 * Ask for a refresh of a topic; see {@link StateSyncEndpoint#refresh(String)}.
	 * @param topic the topic
	 * @return {@code 202} with the topic's refresh status, or {@code 404} if this node
	 * does not follow it
	 */
	@WriteOperation
	public WebEndpointResponse<RefreshDescriptor> refresh(@Selector String topic) {
		RefreshDescriptor requested = this.delegate.refresh(topic);
		return (requested != null) ? new WebEndpointResponse<>(requested, STATUS_ACCEPTED)
				: new WebEndpointResponse<>(WebEndpointResponse.STATUS_NOT_FOUND);
	}

}
