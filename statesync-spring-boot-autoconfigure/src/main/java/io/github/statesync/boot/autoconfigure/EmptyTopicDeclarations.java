package io.github.statesync.boot.autoconfigure;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import io.github.statesync.boot.autoconfigure.StateSyncProperties.Topic;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.PropertySourcesPlaceholdersResolver;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;
import org.springframework.boot.context.properties.source.ConfigurationPropertySource;
import org.springframework.boot.context.properties.source.ConfigurationPropertySources;
import org.springframework.boot.context.properties.source.IterableConfigurationPropertySource;
import org.springframework.core.env.Environment;

/**
 * Keeps a topic declared without settings from swallowing its settings from other
 * property sources. {@code pricing: {}} in YAML reaches the environment as
 * {@code statesync.topics.pricing=""}, and Spring Boot's binder binds a map entry from
 * such a value of its own name, in whichever source, instead of from the entry's
 * properties: {@code --statesync.topics.pricing.url=...} would be ignored without a word.
 * Those topics are bound again here with the empty values left out.
 *
 * @author statesync
 */
final class EmptyTopicDeclarations {

	private static final ConfigurationPropertyName TOPICS = ConfigurationPropertyName.of("statesync.topics");

	private EmptyTopicDeclarations() {
	}

	/**
	 * Bind every topic that some property source declares with an empty value again, from
	 * its own properties in every source.
	 * @param properties the bound properties, whose topics are replaced
	 * @param environment the environment they were bound from
	 */
	static void rebind(StateSyncProperties properties, Environment environment) {
		Iterable<ConfigurationPropertySource> sources = ConfigurationPropertySources.get(environment);
		Set<ConfigurationPropertyName> declared = new LinkedHashSet<>();
		for (ConfigurationPropertySource source : sources) {
			if (source instanceof IterableConfigurationPropertySource iterable) {
				iterable.stream().filter(TOPICS::isParentOf).forEach((name) -> {
					ConfigurationProperty property = source.getConfigurationProperty(name);
					if (property != null && property.getValue() instanceof CharSequence value
							&& value.toString().isBlank()) {
						declared.add(name);
					}
				});
			}
		}
		if (declared.isEmpty()) {
			return;
		}
		List<ConfigurationPropertySource> withoutDeclarations = new ArrayList<>();
		for (ConfigurationPropertySource source : sources) {
			withoutDeclarations.add(source.filter((name) -> !declared.contains(name)));
		}
		Binder binder = new Binder(withoutDeclarations, new PropertySourcesPlaceholdersResolver(environment));
		for (ConfigurationPropertyName name : declared) {
			Topic topic = binder.bind(name, Bindable.of(Topic.class)).orElseGet(Topic::new);
			properties.getTopics().put(name.getLastElement(Form.ORIGINAL), topic);
		}
	}

}
