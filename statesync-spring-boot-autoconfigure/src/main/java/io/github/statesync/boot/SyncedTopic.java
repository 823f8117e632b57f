package io.github.statesync.boot;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.springframework.core.annotation.AliasFor;

/**
 * Keeps a bean in sync with a topic: every newer snapshot is bound into a new object of
 * the bean's type, validated, and swapped in behind the bean. Put it on a bean class or
 * on a {@code @Bean} method. The bean's own initial state is the default used until the
 * first snapshot arrives (and, in {@link ApplyMode#REPLACE}, for properties a snapshot
 * lacks).
 * <p>
 * Injection points receive a proxy whose every call goes to the current snapshot object,
 * so a single getter never sees a half-applied state. To read several properties from one
 * snapshot, take the snapshot once: inject {@link SyncedValue SyncedValue&lt;T&gt;} and
 * call {@link SyncedValue#get()}. Records and final classes work only this way, since
 * they cannot be proxied: injecting one directly fails start-up, naming the injection
 * point. Access properties through methods, never public fields. Jackson writes the proxy
 * as its current snapshot object.
 * <p>
 * {@code statesync.topics.<topic>.*} in the application's configuration overrides and
 * extends what this annotation says.
 *
 * @author statesync
 * @since 0.1.0
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface SyncedTopic {

	/**
	 * Alias for {@link #topic()}.
	 * @return the topic
	 */
	@AliasFor("topic")
	String value() default "";

	/**
	 * The topic to follow; defaults to the bean name.
	 * @return the topic
	 */
	@AliasFor("value")
	String topic() default "";

	/**
	 * How a snapshot is applied.
	 * @return the apply mode
	 */
	ApplyMode mode() default ApplyMode.PATCH;

	/**
	 * The only top-level properties to sync; empty means all.
	 * @return the properties to sync
	 */
	String[] pickKeys() default {};

	/**
	 * Top-level properties never to sync (local-only state).
	 * @return the properties to skip
	 */
	String[] omitKeys() default {};

	/**
	 * Whether the application fails to start when the topic's first snapshot cannot be
	 * loaded. When {@code false} it starts on the bean's defaults and keeps trying.
	 * @return whether the topic is required
	 */
	boolean required() default false;

	/**
	 * The version of the topic's schema that the bean's type has. Raise it, with a
	 * {@link SnapshotMigration} bean for each step, when a change of the type would make
	 * older snapshots bind wrongly; a change that older snapshots still bind to (a new
	 * property with a default) needs no new version. Snapshots of older versions are
	 * migrated before they bind, newer ones are refused, and every publish of this node
	 * is stamped with it. {@code statesync.topics.<topic>.schema-version} overrides it.
	 * @return the schema version, 1 or more
	 * @since 0.1.0
	 */
	int schemaVersion() default 1;

}
