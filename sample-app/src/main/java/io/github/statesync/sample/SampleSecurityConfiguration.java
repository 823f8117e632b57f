package io.github.statesync.sample;

import java.util.Locale;
import java.util.regex.Pattern;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.security.autoconfigure.actuate.web.servlet.EndpointRequest;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.http.HttpMethod;
import org.springframework.security.config.Customizer;
import org.springframework.security.config.annotation.web.builders.HttpSecurity;
import org.springframework.security.config.http.SessionCreationPolicy;
import org.springframework.security.core.userdetails.User;
import org.springframework.security.core.userdetails.UserDetails;
import org.springframework.security.provisioning.InMemoryUserDetailsManager;
import org.springframework.security.web.SecurityFilterChain;

/**
 * Who may do what in the sample, the setup to copy: reading the settings and the overall
 * health is open, and so are the live page ({@code /live.html}), the event stream and the
 * snapshot envelope of {@code settings} it follows; changing the settings needs the role
 * {@code WRITER}; everything else the Actuator offers (the {@code statesync} endpoint and
 * its refresh, metrics, Prometheus, health details) needs the role {@code OPERATOR};
 * anything not listed is closed. Clients authenticate with HTTP Basic, no session is
 * kept.
 *
 * @author statesync
 */
@Configuration(proxyBeanMethods = false)
@EnableConfigurationProperties(SampleSecurityProperties.class)
class SampleSecurityConfiguration {

	static final String WRITER = "WRITER";

	static final String OPERATOR = "OPERATOR";

	/**
	 * The live page's files, served from {@code static/}.
	 */
	static final String[] LIVE_PAGE = { "/live.html", "/live.js", "/live.css" };

	static final String CONTENT_SECURITY_POLICY = "default-src 'self'; img-src 'self' data:; "
			+ "frame-ancestors 'none'; form-action 'none'; base-uri 'none'";

	private static final Logger logger = LoggerFactory.getLogger(SampleSecurityConfiguration.class);

	private static final Pattern ENCODED = Pattern.compile("^\\{.+}.*$");

	@Bean
	SecurityFilterChain sampleSecurityFilterChain(HttpSecurity http) throws Exception {
		http.authorizeHttpRequests((requests) -> requests
			// health's status is open (load balancers, the end-to-end test); its details
			// are shown to OPERATOR only (management.endpoint.health.roles)
			.requestMatchers(EndpointRequest.to("health"))
			.permitAll()
			.requestMatchers(EndpointRequest.toAnyEndpoint())
			.hasRole(OPERATOR)
			.requestMatchers(HttpMethod.GET, "/settings")
			.permitAll()
			.requestMatchers(HttpMethod.PUT, "/settings")
			.hasRole(WRITER)
			// the live page and what it reads, open like GET /settings on purpose: the
			// page itself (static, no data), the invalidation stream and the snapshot
			// envelope of the one topic the sample serves (statesync.rest.topics)
			.requestMatchers(HttpMethod.GET, LIVE_PAGE)
			.permitAll()
			.requestMatchers(HttpMethod.GET, "/statesync/events", "/statesync/topics/settings")
			.permitAll()
			// where errors are rendered; the request that failed was authorized already
			.requestMatchers("/error")
			.permitAll()
			.anyRequest()
			.denyAll())
			.httpBasic(Customizer.withDefaults())
			// the page loads its script, style and data from this origin only, and
			// nothing may frame it
			.headers((headers) -> headers.contentSecurityPolicy((csp) -> csp.policyDirectives(CONTENT_SECURITY_POLICY)))
			// A stateless API: no session and no cookie, every request carries its
			// credentials in the Authorization header, which a cross-site page cannot
			// make a browser add on its own, so there is no ambient authority for CSRF to
			// abuse. An application with a browser login (form, session cookie) keeps
			// CSRF protection on.
			.csrf((csrf) -> csrf.disable())
			.sessionManagement((sessions) -> sessions.sessionCreationPolicy(SessionCreationPolicy.STATELESS));
		return http.build();
	}

	@Bean
	InMemoryUserDetailsManager sampleUsers(SampleSecurityProperties properties) {
		SampleSecurityProperties.User writer = properties.getWriter();
		SampleSecurityProperties.User operator = properties.getOperator();
		warnIfDemoPassword("writer", writer, SampleSecurityProperties.DEMO_WRITER_PASSWORD);
		warnIfDemoPassword("operator", operator, SampleSecurityProperties.DEMO_OPERATOR_PASSWORD);
		return new InMemoryUserDetailsManager(user(writer, WRITER), user(operator, OPERATOR));
	}

	private static UserDetails user(SampleSecurityProperties.User user, String role) {
		String password = user.getPassword();
		// like Boot's spring.security.user.password: plain text unless an encoder is
		// named
		return User.withUsername(user.getName())
			.password(ENCODED.matcher(password).matches() ? password : "{noop}" + password)
			.roles(role)
			.build();
	}

	private static void warnIfDemoPassword(String property, SampleSecurityProperties.User user, String demo) {
		if (demo.equals(user.getPassword())) {
			logger.warn(
					"User '{}' has the demo password from the README: fine on a laptop, never elsewhere. Set "
							+ "sample.security.{}.password (environment: SAMPLE_SECURITY_{}_PASSWORD)",
					user.getName(), property, property.toUpperCase(Locale.ROOT));
		}
	}

}
