package io.github.statesync.benchmarks.propagation;

import java.util.Locale;
import java.util.concurrent.TimeUnit;

import io.github.statesync.benchmarks.support.Documents;
import io.github.statesync.benchmarks.support.LatencyRecorder;
import io.github.statesync.benchmarks.support.RedisTarget;
import org.jspecify.annotations.Nullable;
import org.redisson.Redisson;
import org.redisson.api.RLocalCachedMap;
import org.redisson.api.RedissonClient;
import org.redisson.api.listener.LocalCacheInvalidateListener;
import org.redisson.api.listener.LocalCacheUpdateListener;
import org.redisson.api.options.LocalCachedMapOptions;
import org.redisson.api.options.LocalCachedMapOptions.SyncStrategy;
import org.redisson.client.codec.StringCodec;
import org.redisson.config.Config;

/**
 * Redisson's {@code RLocalCachedMap}: the writer {@code fastPut}s the document under one
 * key (Redisson's script stores it and publishes the change); the reader, another
 * Redisson client, is driven by its local-cache listeners. With
 * {@link SyncStrategy#INVALIDATE} the reader is told the key changed and reads it again
 * (from Redis, as the local copy was dropped); with {@link SyncStrategy#UPDATE} the
 * message carries the new value.
 *
 * @author statesync
 */
public final class RedissonTarget implements PropagationTarget {

	private static final String KEY = "state";

	private final RedisTarget redis;

	private final SyncStrategy strategy;

	private @Nullable RedissonClient writerClient;

	private @Nullable RedissonClient readerClient;

	private @Nullable RLocalCachedMap<String, String> writer;

	/**
	 * Create the target.
	 * @param redis the server
	 * @param strategy {@link SyncStrategy#INVALIDATE} or {@link SyncStrategy#UPDATE}
	 */
	public RedissonTarget(RedisTarget redis, SyncStrategy strategy) {
		this.redis = redis;
		this.strategy = strategy;
	}

	@Override
	public String name() {
		return "redisson-" + this.strategy.name().toLowerCase(Locale.ROOT);
	}

	@Override
	public void open(LatencyRecorder recorder) throws Exception {
		this.writerClient = Redisson.create(config());
		this.readerClient = Redisson.create(config());
		this.writer = this.writerClient.getLocalCachedMap(options());
		RLocalCachedMap<String, String> reader = this.readerClient.getLocalCachedMap(options());
		if (this.strategy == SyncStrategy.UPDATE) {
			reader.addListener((LocalCacheUpdateListener<String, String>) (key, value) -> recorder
				.observed(Documents.sequenceOf(value)));
		}
		else {
			reader.addListener((LocalCacheInvalidateListener<String, String>) (key, value) -> reader.getAsync(KEY)
				.thenAccept((document) -> recorder.observed(Documents.sequenceOf(document))));
		}
		write(0);
		recorder.observed(Documents.sequenceOf(reader.get(KEY)));
		recorder.await(0, TimeUnit.SECONDS.toMillis(10));
	}

	private Config config() {
		Config config = new Config();
		config.useSingleServer().setAddress("redis://" + this.redis.host() + ":" + this.redis.port());
		return config;
	}

	private LocalCachedMapOptions<String, String> options() {
		return LocalCachedMapOptions.<String, String>name("redisson:" + name())
			.codec(StringCodec.INSTANCE)
			.syncStrategy(this.strategy);
	}

	@Override
	public void write(int index) {
		this.writer.fastPut(KEY, Documents.envelope(index));
	}

	@Override
	public void close() {
		if (this.writerClient != null) {
			this.writerClient.shutdown();
		}
		if (this.readerClient != null) {
			this.readerClient.shutdown();
		}
	}

}
