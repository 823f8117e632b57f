package io.github.statesync.core.engine;

import java.io.IOException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

import io.github.statesync.core.protocol.InvalidationEvent;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.spi.InvalidationListener;
import io.github.statesync.core.spi.InvalidationSubscriber;
import io.github.statesync.core.spi.Subscription;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * How a handle's start waits for the subscriber to confirm the subscription: one fetch
 * when the confirmation comes first, a resync when the fetch had to leave before it, and
 * a resync on every later confirmation. Virtual time only.
 */
class SyncHandleStartConfirmationTests {

	private static final String TOPIC = "settings";

	private final ManualScheduler scheduler = new ManualScheduler();

	private final TestSource<String> source = new TestSource<>();

	private final ConfirmingSubscriber subscriber = new ConfirmingSubscriber();

	private final RecordingApplier<String> applier = new RecordingApplier<>();

	private final RecordingListener listener = new RecordingListener();

	private SyncHandle<String> handle() {
		return SyncHandle.builder(TOPIC, this.subscriber, this.source, this.applier)
			.scheduler(this.scheduler)
			.listener(this.listener)
			.build();
	}

	@Test
	void startFetchesOnceWhenTheConfirmationComesFirst() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		assertThat(this.source.fetches.get()).isZero();
		assertThat(start).isNotDone();
		this.subscriber.confirm();
		assertThat(start).isCompleted();
		assertThat(this.source.fetches.get()).isOne();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
		assertThat(this.scheduler.pendingTasks()).as("the wait's timer is cancelled").isZero();
	}

	@Test
	void laterConfirmationsResync() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		handle.start();
		this.subscriber.confirm();
		// the connection dropped and came back: a write meanwhile was lost
		this.source.put(TOPIC, 2, "v2");
		this.subscriber.reconfirm();
		assertThat(this.source.fetches.get()).isEqualTo(2);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
	}

	@Test
	void writeBetweenSubscribeAndConfirmationIsNeverMissed() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		// written before the subscription is confirmed: its event is lost
		this.source.put(TOPIC, 2, "v2");
		this.subscriber.event(2);
		this.subscriber.confirm();
		assertThat(start).isCompleted();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		assertThat(this.source.fetches.get()).isOne();
	}

	@Test
	void startFetchesWhenTheWaitRunsOutAndTheConfirmationResyncs() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		this.scheduler.advance(SyncHandle.CONFIRMATION_WAIT.minusNanos(1));
		assertThat(this.source.fetches.get()).isZero();
		this.scheduler.advance(SyncHandle.CONFIRMATION_WAIT);
		assertThat(start).isCompleted();
		assertThat(this.source.fetches.get()).isOne();
		// written after the fetch left, before the confirmation: its event is lost
		this.source.put(TOPIC, 2, "v2");
		this.subscriber.event(2);
		this.subscriber.confirm();
		assertThat(this.source.fetches.get()).isEqualTo(2);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
	}

	@Test
	void refusedSubscriptionFetchesAtOnceAndItsLaterConfirmationResyncs() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		this.subscriber.listener().onSubscriptionFailed(new IOException("NOPERM"));
		assertThat(start).isCompleted();
		assertThat(this.source.fetches.get()).isOne();
		assertThat(this.listener.errors(SyncPhase.SUBSCRIBE)).hasSize(1);
		this.source.put(TOPIC, 2, "v2");
		this.subscriber.confirm();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		assertThat(this.source.fetches.get()).isEqualTo(2);
	}

	@Test
	void confirmationToldOnlyToTheListenerStillStartsTheFetch() {
		this.source.put(TOPIC, 1, "v1");
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		this.subscriber.listener().onConfirmed();
		assertThat(start).isCompleted();
		assertThat(this.source.fetches.get()).isOne();
		this.subscriber.confirm();
		assertThat(this.source.fetches.get()).isOne();
		assertThat(handle.localRevision()).isEqualTo(Revision.of(1));
	}

	@Test
	void stopWhileWaitingForTheConfirmationNeverFetches() {
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		handle.stop();
		assertThat(start).isCompleted();
		this.subscriber.confirm();
		this.scheduler.advance(SyncHandle.CONFIRMATION_WAIT);
		assertThat(this.source.fetches.get()).isZero();
		assertThat(this.scheduler.pendingTasks()).isZero();
	}

	@Test
	void confirmationThatStartsTheHandleBeforeSubscribeReturnsKeepsTheSubscription() {
		this.source.put(TOPIC, 1, "v1");
		// Redis's reply can confirm (and the start's fetch complete) on another thread
		// before subscribe() returned
		this.subscriber.confirmWhileSubscribing = true;
		SyncHandle<String> handle = handle();
		CompletableFuture<Void> start = handle.start();
		assertThat(start).isCompleted();
		assertThat(this.source.fetches.get()).isOne();
		assertThat(this.subscriber.cancels).as("the running handle's subscription is kept").isZero();
		this.source.put(TOPIC, 2, "v2");
		this.subscriber.event(2);
		assertThat(handle.localRevision()).isEqualTo(Revision.of(2));
		handle.stop();
		assertThat(this.subscriber.cancels).isOne();
	}

	/**
	 * A subscriber that confirms when the test says so, like Redis: events published
	 * before the confirmation are lost, the first confirmation completes
	 * {@link Subscription#confirmed()} and calls
	 * {@link InvalidationListener#onConfirmed()}, later ones call
	 * {@link InvalidationListener#onResync()}.
	 */
	static final class ConfirmingSubscriber implements InvalidationSubscriber {

		private final CompletableFuture<Void> confirmed = new CompletableFuture<>();

		private @Nullable InvalidationListener listener;

		/** Whether subscribe() confirms before it returns. */
		boolean confirmWhileSubscribing;

		int cancels;

		@Override
		public Subscription subscribe(String topic, InvalidationListener listener) {
			this.listener = listener;
			if (this.confirmWhileSubscribing) {
				confirm();
			}
			return new Subscription() {

				@Override
				public void cancel() {
					ConfirmingSubscriber.this.cancels++;
					ConfirmingSubscriber.this.listener = null;
				}

				@Override
				public CompletionStage<Void> confirmed() {
					return ConfirmingSubscriber.this.confirmed;
				}

			};
		}

		InvalidationListener listener() {
			InvalidationListener current = this.listener;
			assertThat(current).isNotNull();
			return current;
		}

		void confirm() {
			InvalidationListener current = this.listener;
			if (this.confirmed.complete(null) && current != null) {
				current.onConfirmed();
			}
		}

		void reconfirm() {
			listener().onResync();
		}

		void event(long revision) {
			InvalidationListener current = this.listener;
			if (current != null && this.confirmed.isDone()) {
				current.onInvalidation(InvalidationEvent.of(TOPIC, Revision.of(revision)));
			}
		}

	}

}
