package io.github.statesync.boot.sync;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Function;
import java.util.function.Supplier;

import io.github.statesync.boot.SnapshotMigration;
import io.github.statesync.boot.StateSyncStatusChangedEvent;
import io.github.statesync.boot.topic.SnapshotValidator;
import io.github.statesync.boot.topic.StateSyncStartupException;
import io.github.statesync.boot.topic.StateSyncTransport;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.boot.topic.TopicSettingsResolver;
import io.github.statesync.core.engine.RetryPolicy;
import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.engine.SyncListener;
import io.github.statesync.core.engine.SyncScheduler;
import io.github.statesync.core.engine.SyncStatus;
import io.github.statesync.core.spi.SnapshotArchive;
import io.github.statesync.core.spi.SnapshotProvider;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;

/**
 * Starts a sync handle for every topic before the web server accepts requests, and stops
 * them after it stopped. Start waits, at most the startup timeout, for every topic's
 * first snapshot; a required topic without one fails the start, the others start on their
 * defaults and keep trying.
 *
 * @author statesync
 * @since 0.1.0
 */
public final class StateSyncLifecycle implements SmartLifecycle {

	/**
	 * The phase: {@code SmartLifecycle.DEFAULT_PHASE - 4096}, below the web server's
	 * start/stop phase ({@code DEFAULT_PHASE - 2048}), so topics start before it and stop
	 * after it.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 4096;

	private static final Logger logger = LoggerFactory.getLogger(StateSyncLifecycle.class);

	private final SyncedTopicRegistry registry;

	private final TopicSettingsResolver settingsResolver;

	private final StateSyncTransport transport;

	private final @Nullable Function<TopicSettings, SnapshotProvider<JsonNode>> restProviders;

	private final SyncScheduler scheduler;

	private final List<SyncListener> listeners;

	private final JsonMapper mapper;

	private final @Nullable SnapshotValidator validator;

	private final ApplicationEventPublisher events;

	private final Duration startupTimeout;

	private final Supplier<@Nullable SnapshotArchive<JsonNode>> archive;

	private final AtomicBoolean running = new AtomicBoolean();

	private final SnapshotMigrations migrations;

	// one for every topic: it holds nothing of a topic's own
	private final StatusEvents statusEvents;

	/**
	 * Create the lifecycle.
	 * @param registry the topics
	 * @param settingsResolver resolves each topic's settings
	 * @param transport the transport
	 * @param restProviders makes providers for topics fetched over HTTP, or {@code null}
	 * if HTTP is not available
	 * @param scheduler the scheduler every handle shares
	 * @param listeners observers of every handle
	 * @param mapper binds snapshots to beans
	 * @param validator validates candidate states, or {@code null}
	 * @param events publishes {@link io.github.statesync.boot.StateSyncAppliedEvent} and
	 * {@link StateSyncStatusChangedEvent}
	 * @param startupTimeout how long start waits for first snapshots
	 * @param archive supplies the last-known-good archive, asked only if a topic enables
	 * it, and answering {@code null} if none is available
	 */
	public StateSyncLifecycle(SyncedTopicRegistry registry, TopicSettingsResolver settingsResolver,
			StateSyncTransport transport, @Nullable Function<TopicSettings, SnapshotProvider<JsonNode>> restProviders,
			SyncScheduler scheduler, List<SyncListener> listeners, JsonMapper mapper,
			@Nullable SnapshotValidator validator, ApplicationEventPublisher events, Duration startupTimeout,
			Supplier<@Nullable SnapshotArchive<JsonNode>> archive) {
		this(registry, settingsResolver, transport, restProviders, scheduler, listeners, mapper, validator, events,
				startupTimeout, archive, List.of());
	}

	/**
	 * Create the lifecycle with the steps that upgrade older snapshots of topics that
	 * declare a schema version.
	 * @param registry the topics
	 * @param settingsResolver resolves each topic's settings
	 * @param transport the transport
	 * @param restProviders makes providers for topics fetched over HTTP, or {@code null}
	 * if HTTP is not available
	 * @param scheduler the scheduler every handle shares
	 * @param listeners observers of every handle
	 * @param mapper binds snapshots to beans
	 * @param validator validates candidate states, or {@code null}
	 * @param events publishes {@link io.github.statesync.boot.StateSyncAppliedEvent} and
	 * {@link StateSyncStatusChangedEvent}
	 * @param startupTimeout how long start waits for first snapshots
	 * @param archive supplies the last-known-good archive, asked only if a topic enables
	 * it, and answering {@code null} if none is available
	 * @param migrations every migration step; a topic whose declared schema version
	 * cannot be reached from version 1 fails start
	 * @since 0.1.0
	 */
	public StateSyncLifecycle(SyncedTopicRegistry registry, TopicSettingsResolver settingsResolver,
			StateSyncTransport transport, @Nullable Function<TopicSettings, SnapshotProvider<JsonNode>> restProviders,
			SyncScheduler scheduler, List<SyncListener> listeners, JsonMapper mapper,
			@Nullable SnapshotValidator validator, ApplicationEventPublisher events, Duration startupTimeout,
			Supplier<@Nullable SnapshotArchive<JsonNode>> archive, List<SnapshotMigration> migrations) {
		this.migrations = new SnapshotMigrations(migrations);
		this.registry = registry;
		this.settingsResolver = settingsResolver;
		this.transport = transport;
		this.restProviders = restProviders;
		this.scheduler = scheduler;
		this.listeners = List.copyOf(listeners);
		this.mapper = mapper;
		this.validator = validator;
		this.events = events;
		this.startupTimeout = startupTimeout;
		this.archive = archive;
		this.statusEvents = new StatusEvents(events);
	}

	@Override
	public void start() {
		if (!this.running.compareAndSet(false, true)) {
			return;
		}
		long started = System.nanoTime();
		Set<String> topics = new LinkedHashSet<>();
		this.registry.beanTopics().forEach((bean) -> topics.add(bean.topic()));
		topics.addAll(this.settingsResolver.configuredTopics());
		Map<String, TopicSettings> settings = new LinkedHashMap<>();
		SnapshotArchive<JsonNode> lastKnownGood;
		// everything that can refuse the configuration, before any handle starts
		try {
			this.settingsResolver.validateTopics(topics);
			for (String topic : topics) {
				settings.put(topic, this.settingsResolver.resolve(topic, this.registry.beanTopic(topic)));
			}
			settings.values().forEach((topic) -> this.migrations.requireSteps(topic.topic(), topic.schemaVersion()));
			lastKnownGood = settings.values().stream().anyMatch(TopicSettings::lastKnownGood) ? archive() : null;
		}
		catch (RuntimeException ex) {
			this.running.set(false);
			throw ex;
		}
		Map<SyncHandle<JsonNode>, CompletableFuture<Void>> starts = new LinkedHashMap<>();
		for (TopicSettings topic : settings.values()) {
			TopicApplier applier = new TopicApplier(topic, this.registry.topicValue(topic.topic()),
					this.registry.beanTopic(topic.topic()) != null, this.mapper, this.validator, this.events,
					this.migrations);
			SyncHandle<JsonNode> handle = createHandle(topic, applier, lastKnownGood);
			this.registry.registerHandle(handle, topic, applier);
			starts.put(handle, handle.start());
		}
		awaitQuietly(starts.values());
		List<String> missing = new ArrayList<>();
		StringBuilder details = new StringBuilder();
		for (Map.Entry<SyncHandle<JsonNode>, CompletableFuture<Void>> entry : starts.entrySet()) {
			SyncHandle<JsonNode> handle = entry.getKey();
			if (settings.get(handle.topic()).required() && !handle.hasSnapshot()) {
				missing.add(handle.topic());
				details.append(System.lineSeparator())
					.append("  - '")
					.append(handle.topic())
					.append("': ")
					.append(reason(entry.getValue()));
			}
		}
		if (!missing.isEmpty()) {
			stop();
			throw new StateSyncStartupException(missing,
					"Required statesync topics have no snapshot after start-up:" + details);
		}
		starts.forEach((handle, start) -> {
			if (start.isCompletedExceptionally() || handle.state() == SyncHandle.State.NEW) {
				// Not required, or start-up would have failed above. Keep trying:
				// the topic must not stay unsubscribed.
				restartLater(handle, 1);
			}
		});
		long withSnapshot = starts.keySet().stream().filter(SyncHandle::hasSnapshot).count();
		logger.info("Started statesync on transport '{}': {} topics, {} with a snapshot, in {} ms",
				this.transport.name(), starts.size(), withSnapshot,
				TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started));
	}

	private void restartLater(SyncHandle<JsonNode> handle, int attempt) {
		Duration delay = RetryPolicy.RECOVERY.delay(attempt, ThreadLocalRandom.current());
		this.scheduler.schedule(() -> {
			if (!this.running.get() || handle.state() != SyncHandle.State.NEW) {
				return;
			}
			handle.start().whenComplete((result, failure) -> {
				if (failure != null || handle.state() == SyncHandle.State.NEW) {
					restartLater(handle, attempt + 1);
				}
				else {
					logger.info("Topic '{}' started after {} retries", handle.topic(), attempt);
				}
			});
		}, delay);
	}

	private SnapshotArchive<JsonNode> archive() {
		SnapshotArchive<JsonNode> archive = this.archive.get();
		if (archive == null) {
			throw new IllegalStateException("Topics keep their last-known-good snapshot but no unique "
					+ "SnapshotArchive<JsonNode> bean is available: define exactly one archive bean");
		}
		return archive;
	}

	private SyncHandle<JsonNode> createHandle(TopicSettings settings, TopicApplier applier,
			@Nullable SnapshotArchive<JsonNode> lastKnownGood) {
		SnapshotProvider<JsonNode> provider;
		if (settings.restUrl() != null) {
			if (this.restProviders == null) {
				throw new IllegalStateException("Topic '" + settings.topic()
						+ "' fetches over HTTP but no RestClient is available: add spring-boot-starter-restclient");
			}
			provider = this.restProviders.apply(settings);
		}
		else {
			provider = this.transport.provider(settings);
		}
		SyncHandle.Builder<JsonNode> builder = SyncHandle
			.builder(settings.topic(), this.transport.subscriber(), provider, applier)
			.options(settings.options())
			.scheduler(this.scheduler);
		this.listeners.forEach(builder::listener);
		builder.listener(this.statusEvents);
		if (settings.lastKnownGood() && lastKnownGood != null) {
			builder.archive(lastKnownGood);
		}
		return builder.build();
	}

	private void awaitQuietly(Iterable<CompletableFuture<Void>> starts) {
		List<CompletableFuture<Void>> all = new ArrayList<>();
		starts.forEach(all::add);
		try {
			CompletableFuture.allOf(all.toArray(CompletableFuture[]::new))
				.get(this.startupTimeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		catch (ExecutionException | TimeoutException ex) {
			// each topic's outcome is read from its own future and handle
		}
	}

	private String reason(CompletableFuture<Void> start) {
		if (!start.isDone()) {
			return "no snapshot within the startup timeout of " + this.startupTimeout.toMillis() + " ms";
		}
		if (start.isCompletedExceptionally()) {
			try {
				start.join();
			}
			catch (RuntimeException ex) {
				Throwable cause = (ex.getCause() != null) ? ex.getCause() : ex;
				return describe(cause);
			}
		}
		return "the source holds no snapshot yet (publish one first, or make the topic not required)";
	}

	/**
	 * Describe a failure with the first line of each message in its cause chain: the
	 * server's own answer ({@code WRONGPASS ...}, {@code NOPERM ...}) is often a cause of
	 * a generic "Unable to connect".
	 */
	private static String describe(Throwable failure) {
		StringBuilder description = new StringBuilder(failure.getClass().getSimpleName());
		Set<Throwable> seen = Collections.newSetFromMap(new IdentityHashMap<>());
		for (Throwable current = failure; current != null && seen.add(current); current = current.getCause()) {
			String message = current.getMessage();
			if (message != null) {
				String line = message.lines().findFirst().orElse("");
				if (!line.isBlank() && description.indexOf(line) < 0) {
					description.append((current == failure) ? ": " : "; ").append(line);
				}
			}
		}
		return description.toString();
	}

	@Override
	public void stop() {
		if (!this.running.compareAndSet(true, false)) {
			return;
		}
		for (SyncHandle<JsonNode> handle : this.registry.handles()) {
			handle.stop();
			this.registry.removeHandle(handle);
		}
		logger.info("Stopped statesync");
	}

	@Override
	public boolean isRunning() {
		return this.running.get();
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

	/**
	 * Publishes a {@link StateSyncStatusChangedEvent} for every status change of a topic.
	 * A listener that throws is logged by the engine, never breaking it.
	 */
	private static final class StatusEvents implements SyncListener {

		private final ApplicationEventPublisher events;

		StatusEvents(ApplicationEventPublisher events) {
			this.events = events;
		}

		@Override
		public void onStatusChanged(String topic, SyncStatus previous, SyncStatus current) {
			this.events.publishEvent(new StateSyncStatusChangedEvent(this, topic, previous, current));
		}

	}

}
