package io.github.statesync.boot.autoconfigure.rest;

import io.github.statesync.boot.autoconfigure.StateSyncProperties;
import io.github.statesync.boot.rest.TopicSnapshotEndpoint;
import io.github.statesync.boot.web.EventStreamEndpoint;

import org.springframework.http.HttpHeaders;
import org.springframework.web.cors.CorsConfiguration;
import org.springframework.web.cors.UrlBasedCorsConfigurationSource;
import org.springframework.web.filter.CorsFilter;

/**
 * Maps {@code statesync.rest.cors.*} to a CORS filter on the snapshot endpoint and the
 * event stream only, ordered before Spring Security's filter chain so that a preflight
 * (which carries no credentials) is answered without authentication.
 *
 * @author statesync
 */
final class StateSyncCors {

	/** The URL patterns of the filter's registration. */
	static final String[] URL_PATTERNS = { "/statesync/topics/*", EventStreamEndpoint.PATH };

	/**
	 * Before Spring Security's filter chain
	 * ({@code SecurityProperties.DEFAULT_FILTER_ORDER}, -100).
	 */
	static final int FILTER_ORDER = -110;

	private StateSyncCors() {
	}

	static CorsFilter filter(StateSyncProperties.Rest.Cors cors) {
		CorsConfiguration configuration = configuration(cors);
		UrlBasedCorsConfigurationSource source = new UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration(TopicSnapshotEndpoint.PATH, configuration);
		source.registerCorsConfiguration(EventStreamEndpoint.PATH, configuration);
		return new CorsFilter(source);
	}

	static org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource reactiveSource(
			StateSyncProperties.Rest.Cors cors) {
		CorsConfiguration configuration = configuration(cors);
		org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource source = new org.springframework.web.cors.reactive.UrlBasedCorsConfigurationSource();
		source.registerCorsConfiguration(TopicSnapshotEndpoint.PATH, configuration);
		source.registerCorsConfiguration(EventStreamEndpoint.PATH, configuration);
		return source;
	}

	private static CorsConfiguration configuration(StateSyncProperties.Rest.Cors cors) {
		CorsConfiguration configuration = new CorsConfiguration();
		configuration.setAllowedOrigins(cors.getAllowedOrigins().isEmpty() ? null : cors.getAllowedOrigins());
		configuration.setAllowedOriginPatterns(
				cors.getAllowedOriginPatterns().isEmpty() ? null : cors.getAllowedOriginPatterns());
		configuration.setAllowedMethods(cors.getAllowedMethods());
		configuration.setAllowedHeaders(cors.getAllowedHeaders());
		configuration.addExposedHeader(HttpHeaders.ETAG);
		configuration.setMaxAge(cors.getMaxAge());
		configuration.setAllowCredentials(cors.isAllowCredentials());
		return configuration;
	}

}
