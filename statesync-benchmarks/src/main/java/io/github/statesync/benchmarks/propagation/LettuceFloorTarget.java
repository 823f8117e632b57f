package io.github.statesync.benchmarks.propagation;

import java.util.concurrent.TimeUnit;

import io.github.statesync.benchmarks.support.Documents;
import io.github.statesync.benchmarks.support.LatencyRecorder;
import io.github.statesync.benchmarks.support.RedisTarget;
import io.lettuce.core.RedisClient;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.pubsub.RedisPubSubAdapter;
import io.lettuce.core.pubsub.StatefulRedisPubSubConnection;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import org.jspecify.annotations.Nullable;

/**
 * The floor, written by hand with Lettuce: one Lua script stores the document and
 * publishes on the topic's channel. In {@link Variant#FETCH} the message is a small
 * invalidation and the reader {@code GET}s the document on each message (the least any
 * invalidate-then-fetch design can do); in {@link Variant#PUSH} the message is the
 * document itself. The reader does no JSON decoding and runs on Lettuce's event loop.
 *
 * @author statesync
 */
public final class LettuceFloorTarget implements PropagationTarget {

	private static final String SCRIPT = "redis.call('SET', KEYS[1], ARGV[1]) "
			+ "return redis.call('PUBLISH', ARGV[2], ARGV[3])";

	private static final String KEY = "floor:{bench}:snapshot";

	private static final String CHANNEL = "floor:{bench}:events";

	private final RedisTarget redis;

	private final Variant variant;

	private final ClientResources writerResources = DefaultClientResources.create();

	private final ClientResources readerResources = DefaultClientResources.create();

	private @Nullable RedisClient writerClient;

	private @Nullable RedisClient readerClient;

	private @Nullable RedisCommands<String, String> writer;

	private @Nullable String scriptSha;

	/**
	 * Create the target.
	 * @param redis the server
	 * @param variant whether the reader fetches or the message carries the document
	 */
	public LettuceFloorTarget(RedisTarget redis, Variant variant) {
		this.redis = redis;
		this.variant = variant;
	}

	@Override
	public String name() {
		return (this.variant == Variant.FETCH) ? "floor" : "floor-push";
	}

	@Override
	public void open(LatencyRecorder recorder) throws Exception {
		this.writerClient = RedisClient.create(this.writerResources, this.redis.uri());
		this.readerClient = RedisClient.create(this.readerResources, this.redis.uri());
		StatefulRedisConnection<String, String> writerConnection = this.writerClient.connect();
		this.writer = writerConnection.sync();
		this.scriptSha = this.writer.scriptLoad(SCRIPT);
		RedisAsyncCommands<String, String> fetcher = this.readerClient.connect().async();
		StatefulRedisPubSubConnection<String, String> subscription = this.readerClient.connectPubSub();
		subscription.addListener(new RedisPubSubAdapter<>() {

			@Override
			public void message(String channel, String message) {
				if (LettuceFloorTarget.this.variant == Variant.PUSH) {
					recorder.observed(Documents.sequenceOf(message));
				}
				else {
					fetcher.get(KEY).thenAccept((document) -> recorder.observed(Documents.sequenceOf(document)));
				}
			}

		});
		subscription.sync().subscribe(CHANNEL);
		write(0);
		recorder.await(0, TimeUnit.SECONDS.toMillis(10));
	}

	@Override
	public void write(int index) {
		String document = Documents.envelope(index);
		String message = (this.variant == Variant.PUSH) ? document
				: "{\"topic\":\"bench\",\"revision\":\"" + index + "\"}";
		this.writer.evalsha(this.scriptSha, ScriptOutputType.INTEGER, new String[] { KEY }, document, CHANNEL, message);
	}

	@Override
	public void close() {
		if (this.writerClient != null) {
			this.writerClient.shutdown();
		}
		if (this.readerClient != null) {
			this.readerClient.shutdown();
		}
		this.writerResources.shutdown();
		this.readerResources.shutdown();
	}

	/**
	 * What travels in the message.
	 */
	public enum Variant {

		/** An invalidation; the reader fetches the document. */
		FETCH,

		/** The document itself. */
		PUSH

	}

}
