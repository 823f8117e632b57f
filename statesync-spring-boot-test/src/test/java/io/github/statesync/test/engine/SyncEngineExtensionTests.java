package io.github.statesync.test.engine;

import java.io.IOException;
import java.time.Duration;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * A user's tests of code that follows a topic with the plain engine: a price cache
 * applied by a {@link SyncHandle}.
 */
class SyncEngineExtensionTests {

	@RegisterExtension
	final SyncEngineExtension engine = new SyncEngineExtension();

	@RegisterExtension
	final SyncEngineExtension impatient = new SyncEngineExtension().withTimeout(Duration.ofMillis(300));

	@Test
	void everyHandleOfATopicAppliesWhatIsPublished() {
		PriceCache first = new PriceCache();
		PriceCache second = new PriceCache();
		this.engine.start("prices", Prices.class, first::apply);
		this.engine.start("prices", Prices.class, second::apply);

		Revision revision = this.engine.publish("prices", new Prices("EUR", 4200));

		assertThat(first.current()).isEqualTo(second.current()).isEqualTo(new Prices("EUR", 4200));
		assertThat(first.revision()).isEqualTo(second.revision()).isEqualTo(revision);
	}

	@Test
	void aHandleStartedAfterAPublishStartsOnTheCurrentSnapshot() {
		this.engine.publish("prices", new Prices("EUR", 100));
		PriceCache cache = new PriceCache();

		SyncHandle<Prices> handle = this.engine.start("prices", Prices.class, cache::apply);

		assertThat(cache.current()).isEqualTo(new Prices("EUR", 100));
		assertThat(handle.localRevision()).isEqualTo(this.engine.source().revision("prices"));
	}

	@Test
	void aSnapshotWhoseInvalidationWasLostIsAppliedOnTheNextRefresh() {
		PriceCache cache = new PriceCache();
		SyncHandle<Prices> handle = this.engine.start("prices", Prices.class, cache::apply);
		Revision first = this.engine.publish("prices", new Prices("EUR", 1));

		Revision lost = this.engine.source().publishWithoutEvent("prices", new Prices("EUR", 2));

		assertThat(handle.localRevision()).isEqualTo(first);
		handle.refresh().join();
		assertThat(handle.localRevision()).isEqualTo(lost);
		assertThat(cache.current()).isEqualTo(new Prices("EUR", 2));
	}

	@Test
	void aFailedFetchIsRetriedUntilTheSnapshotIsApplied() {
		PriceCache cache = new PriceCache();
		this.engine.start("prices", Prices.class, cache::apply);
		this.engine.source().failNextFetch("prices", new IOException("source unreachable"));

		this.engine.publish("prices", new Prices("USD", 7));

		assertThat(cache.current()).isEqualTo(new Prices("USD", 7));
	}

	@Test
	void aHandleThatDoesNotApplyFailsTheWaitNamingItsRevisionAndTheError() {
		PriceCache cache = new PriceCache();
		this.impatient.start("prices", Prices.class, cache::apply);
		Revision accepted = this.impatient.publish("prices", new Prices("EUR", 1));

		assertThatExceptionOfType(AssertionError.class)
			.isThrownBy(() -> this.impatient.publish("prices", new Prices("EUR", -1)))
			.withMessageContaining("not every handle applied revision " + accepted.next())
			.withMessageContaining("handle 1 of 1 holds revision " + accepted)
			.withMessageContaining("last error: APPLY at revision " + accepted.next())
			.withMessageContaining("negative price");
		assertThat(cache.current()).isEqualTo(new Prices("EUR", 1));
	}

	@Test
	void aSnapshotOfAnotherTypeIsNeverApplied() {
		PriceCache cache = new PriceCache();
		SyncHandle<Prices> handle = this.impatient.start("prices", Prices.class, cache::apply);

		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> this.impatient.publish("prices", "not prices"))
			.withMessageContaining("holds a java.lang.String, not a " + Prices.class.getName());
		assertThat(handle.hasSnapshot()).isFalse();
	}

	@Test
	void afterEachTestEveryHandleIsStoppedAndTheSourceCleared() {
		SyncEngineExtension extension = new SyncEngineExtension();
		SyncHandle<Prices> handle = extension.start("prices", Prices.class, new PriceCache()::apply);
		extension.publish("prices", new Prices("EUR", 1));

		extension.afterEach(null);

		assertThat(handle.state()).isEqualTo(SyncHandle.State.STOPPED);
		assertThat(extension.source().subscribers("prices")).isZero();
		assertThat(extension.source().revision("prices")).isEqualTo(Revision.ZERO);
	}

	record Prices(String currency, long cents) {

	}

	static final class PriceCache {

		private volatile @Nullable SnapshotEnvelope<Prices> applied;

		void apply(SnapshotEnvelope<Prices> snapshot) {
			Prices prices = snapshot.data();
			if (prices != null && prices.cents() < 0) {
				throw new IllegalArgumentException("negative price: " + prices.cents());
			}
			this.applied = snapshot;
		}

		@Nullable Prices current() {
			SnapshotEnvelope<Prices> snapshot = this.applied;
			return (snapshot != null) ? snapshot.data() : null;
		}

		@Nullable Revision revision() {
			SnapshotEnvelope<Prices> snapshot = this.applied;
			return (snapshot != null) ? snapshot.revision() : null;
		}

	}

}
