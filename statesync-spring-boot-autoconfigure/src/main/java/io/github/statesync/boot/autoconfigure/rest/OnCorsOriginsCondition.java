package io.github.statesync.boot.autoconfigure.rest;

import java.util.List;

import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Matches when {@code statesync.rest.cors.allowed-origins} or
 * {@code statesync.rest.cors.allowed-origin-patterns} lists an origin: nothing is allowed
 * cross-origin until then.
 *
 * @author statesync
 */
class OnCorsOriginsCondition extends SpringBootCondition {

	@Override
	public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
		Binder binder = Binder.get(context.getEnvironment());
		for (String property : List.of("statesync.rest.cors.allowed-origins",
				"statesync.rest.cors.allowed-origin-patterns")) {
			List<String> origins = binder.bind(property, Bindable.listOf(String.class)).orElse(List.of());
			if (!origins.isEmpty()) {
				return ConditionOutcome.match(property + " lists " + origins);
			}
		}
		return ConditionOutcome.noMatch("no statesync.rest.cors origins are listed");
	}

}
