package io.github.statesync.test.engine;

import io.github.statesync.core.engine.SyncHandle;
import io.github.statesync.core.protocol.Revision;
import io.github.statesync.core.protocol.SnapshotEnvelope;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

class PriceCacheTests {

	@RegisterExtension
	final SyncEngineExtension engine = new SyncEngineExtension();

	@Test
	void everyNodeHoldsThePublishedPrices() {
		PriceCache first = new PriceCache();
		PriceCache second = new PriceCache();
		SyncHandle<Prices> firstNode = this.engine.start("prices", Prices.class, first::apply);
		SyncHandle<Prices> secondNode = this.engine.start("prices", Prices.class, second::apply);

		Revision revision = this.engine.publish("prices", new Prices("EUR", 4200));

		assertThat(first.current()).isEqualTo(second.current()).isEqualTo(new Prices("EUR", 4200));
		assertThat(firstNode.localRevision()).isEqualTo(secondNode.localRevision()).isEqualTo(revision);
	}

	record Prices(String currency, long cents) {

	}

	/** The code under test: applies each snapshot of the topic it follows. */
	static final class PriceCache {

		private volatile Prices current = new Prices("EUR", 0);

		void apply(SnapshotEnvelope<Prices> snapshot) {
			this.current = snapshot.data();
		}

		Prices current() {
			return this.current;
		}

	}

}
