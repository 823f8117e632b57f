package io.github.statesync.boot.sync;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonAnySetter;
import com.fasterxml.jackson.annotation.JsonIgnore;
import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonTypeInfo;
import com.fasterxml.jackson.annotation.JsonUnwrapped;
import com.fasterxml.jackson.annotation.JsonValue;
import io.github.statesync.boot.ApplyMode;
import io.github.statesync.boot.topic.SnapshotRejectedException;
import io.github.statesync.boot.topic.TopicSettings;
import io.github.statesync.core.engine.SyncOptions;
import io.github.statesync.core.protocol.Revision;
import org.jspecify.annotations.Nullable;
import org.junit.jupiter.api.Test;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A bean topic's snapshot binds to what merging it into the current state's tree (the way
 * every earlier version bound it) gives: compared, object for object, over many snapshots
 * (every property, some, none, unknown keys, nulls, nested objects, values of the wrong
 * type) for both apply modes, picked and omitted keys, and bean types the applier can
 * bind without the merge and types it cannot.
 */
class TopicApplierBindTests {

	private static final JsonNodeFactory nodes = JsonNodeFactory.instance;

	private static final List<JsonMapper> mappers = List.of(JsonMapper.builder().build(),
			JsonMapper.builder()
				.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
				.enable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
				.build());

	private final Random random = new Random(18);

	private int whole;

	private int partial;

	private int rejected;

	@Test
	void plainBeanBindsAsTheMergeDoes() {
		Plain defaults = new Plain();
		defaults.setTheme("dark");
		defaults.setLimits(new Limits());
		compare(Plain.class, defaults,
				Map.of("theme", this::string, "locale", this::string, "maxUploadMb", this::integer, "sequence",
						this::integer, "features", this::flags, "regions", this::strings, "banner", this::string,
						"limits", this::limits));
	}

	@Test
	void beanThatLeavesOutNullsAndIgnoresPropertiesBindsAsTheMergeDoes() {
		Sparse defaults = new Sparse();
		defaults.setNote("from the bean");
		compare(Sparse.class, defaults,
				Map.of("name", this::string, "note", this::string, "max_size", this::integer, "maxSize", this::integer,
						"secret", this::string, "password", this::string, "limits", this::limits, "tags",
						this::strings));
	}

	@Test
	void recordBindsAsTheMergeDoes() {
		compare(Frozen.class, new Frozen("bean", 3, List.of("a")),
				Map.of("name", this::string, "size", this::integer, "tags", this::strings));
	}

	@Test
	void beanWithAnyGetterBindsAsTheMergeDoes() {
		WithAny defaults = new WithAny();
		defaults.setName("bean");
		defaults.extra("color", "red");
		compare(WithAny.class, defaults,
				Map.of("name", this::string, "color", this::string, "size", this::integer, "limits", this::limits));
	}

	@Test
	void beanWithUnwrappedPropertyBindsAsTheMergeDoes() {
		Unwrapped defaults = new Unwrapped();
		defaults.setName("bean");
		compare(Unwrapped.class, defaults,
				Map.of("name", this::string, "max", this::integer, "unit", this::string, "limits", this::limits));
	}

	@Test
	void beanWithTypeIdBindsAsTheMergeDoes() {
		Typed defaults = new Typed();
		defaults.setName("bean");
		compare(Typed.class, defaults, Map.of("name", this::string, "size", this::integer, "@class",
				() -> nodes.stringNode(Typed.class.getName())));
	}

	@Test
	void writablePropertiesAreKnownOnlyWhenTheClassAloneDecidesThem() {
		JsonMapper mapper = mappers.get(0);
		assertThat(WritableProperties.of(mapper, Plain.class)).containsExactlyInAnyOrder("theme", "locale",
				"maxUploadMb", "sequence", "features", "regions", "banner", "limits");
		assertThat(WritableProperties.of(mapper, Sparse.class)).containsExactlyInAnyOrder("name", "note", "max_size",
				"limits", "tags");
		assertThat(WritableProperties.of(mapper, Frozen.class)).containsExactlyInAnyOrder("name", "size", "tags");
		assertThat(WritableProperties.of(mapper, WithAny.class)).isNull();
		assertThat(WritableProperties.of(mapper, Unwrapped.class)).isNull();
		assertThat(WritableProperties.of(mapper, Typed.class)).isNull();
		assertThat(WritableProperties.of(mapper, Valued.class)).isNull();
	}

	private <T> void compare(Class<T> type, T defaults, Map<String, Supplier<JsonNode>> keys) {
		List<String> names = new ArrayList<>(new TreeSet<>(keys.keySet()));
		List<Set<String>> picks = List.of(Set.of(), Set.of(names.get(0), names.get(1)), Set.copyOf(names));
		List<Set<String>> omits = List.of(Set.of(), Set.of(names.get(1)), Set.of("unknown"));
		for (JsonMapper mapper : mappers) {
			for (ApplyMode mode : ApplyMode.values()) {
				for (Set<String> pick : picks) {
					for (Set<String> omit : omits) {
						TopicSettings settings = new TopicSettings("bind", type, SyncOptions.DEFAULTS, false, mode,
								pick, omit, null, 1 << 20, 0, false);
						compare(settings, mapper, defaults, keys);
					}
				}
			}
		}
		// each way of binding was taken, and refused, many times
		if (WritableProperties.of(mappers.get(0), type) != null) {
			assertThat(this.whole).isGreaterThan(100);
		}
		assertThat(this.partial).isGreaterThan(100);
		assertThat(this.rejected).isGreaterThan(10);
	}

	private void compare(TopicSettings settings, JsonMapper mapper, Object defaults,
			Map<String, Supplier<JsonNode>> keys) {
		TopicValue<Object> value = new TopicValue<>("bind");
		value.initialize(defaults, null);
		TopicApplier applier = new TopicApplier(settings, value, true, mapper, null, (event) -> {
		});
		TopicApplier valueApplier = new TopicApplier(settings, new TopicValue<>("bind"), false, mapper, null,
				(event) -> {
				});
		Set<String> writable = WritableProperties.of(mapper, settings.type());
		for (int i = 1; i <= 60; i++) {
			ObjectNode data = snapshot(keys);
			Object current = value.get();
			JsonNode currentTree = mapper.valueToTree(current);
			Object expected = merged(settings, mapper, defaults, data, current);
			Object actual = bound(applier, data);
			String context = settings.mode() + " pick=" + settings.pickKeys() + " omit=" + settings.omitKeys()
					+ " current=" + currentTree + " data=" + data;
			if (expected == null) {
				assertThat(actual).as(context).isNull();
				this.rejected++;
			}
			else {
				assertThat(actual).as(context).isNotNull().usingRecursiveComparison().isEqualTo(expected);
				assertThat((JsonNode) mapper.valueToTree(actual)).as(context).isEqualTo(mapper.valueToTree(expected));
				if (writable != null && writable.stream().allMatch(data::has)) {
					this.whole++;
				}
				else {
					this.partial++;
				}
				// the next snapshot merges into this one, or into the defaults again
				value.swap(Revision.of(i), (this.random.nextInt(5) == 0) ? defaults : expected);
			}
			// a topic without a bean binds the snapshot alone, as treeToValue does
			Object direct = read(mapper, data, settings.type());
			Object valueBound = bound(valueApplier, data);
			if (direct == null) {
				assertThat(valueBound).as(context).isNull();
			}
			else {
				assertThat(valueBound).as(context).isNotNull().usingRecursiveComparison().isEqualTo(direct);
			}
			// the live object is never written to
			assertThat((JsonNode) mapper.valueToTree(current)).as(context).isEqualTo(currentTree);
		}
	}

	private static @Nullable Object bound(TopicApplier applier, JsonNode data) {
		try {
			return applier.check(data);
		}
		catch (SnapshotRejectedException ex) {
			return null;
		}
	}

	/**
	 * The bind of every version before the merge could be skipped: the current state
	 * written to a tree, the snapshot's synced properties merged into it, the tree bound.
	 */
	private static @Nullable Object merged(TopicSettings settings, JsonMapper mapper, Object defaultsValue,
			JsonNode data, Object current) {
		try {
			ObjectNode merged = mapper.valueToTree(current);
			ObjectNode defaults = (settings.mode() == ApplyMode.REPLACE) ? mapper.valueToTree(defaultsValue) : null;
			Set<String> keys = new LinkedHashSet<>(merged.propertyNames());
			keys.addAll(data.propertyNames());
			for (String key : keys) {
				boolean synced = (settings.pickKeys().isEmpty() || settings.pickKeys().contains(key))
						&& !settings.omitKeys().contains(key);
				if (!synced) {
					continue;
				}
				JsonNode incoming = data.get(key);
				if (incoming != null) {
					merged.set(key, incoming);
				}
				else if (defaults != null) {
					JsonNode fallback = defaults.get(key);
					if (fallback != null) {
						merged.set(key, fallback);
					}
					else {
						merged.remove(key);
					}
				}
			}
			return mapper.treeToValue(merged, settings.type());
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private static @Nullable Object read(JsonMapper mapper, JsonNode data, Class<?> type) {
		try {
			return mapper.treeToValue(data, type);
		}
		catch (JacksonException ex) {
			return null;
		}
	}

	private ObjectNode snapshot(Map<String, Supplier<JsonNode>> keys) {
		ObjectNode data = nodes.objectNode();
		int shape = this.random.nextInt(10);
		List<String> names = new ArrayList<>(new TreeSet<>(keys.keySet()));
		if (shape > 0) {
			// shuffled, so that the snapshot's order is not the bean's
			Collections.shuffle(names, this.random);
		}
		for (String name : names) {
			// every key in half the snapshots, about two thirds of them in the rest
			if (shape < 5 || this.random.nextInt(3) > 0) {
				data.set(name, (this.random.nextInt(8) == 0) ? nodes.nullNode() : keys.get(name).get());
			}
		}
		if (this.random.nextInt(6) == 0) {
			data.put("unknown", "?");
		}
		return data;
	}

	private JsonNode string() {
		return (this.random.nextInt(40) == 0) ? nodes.objectNode() : nodes.stringNode("s" + this.random.nextInt(5));
	}

	private JsonNode integer() {
		return (this.random.nextInt(30) == 0) ? nodes.stringNode("not a number")
				: nodes.numberNode(this.random.nextInt(100));
	}

	private JsonNode flags() {
		ObjectNode flags = nodes.objectNode();
		for (int i = this.random.nextInt(3); i > 0; i--) {
			flags.put("f" + this.random.nextInt(4), this.random.nextBoolean());
		}
		return flags;
	}

	private JsonNode strings() {
		return nodes.arrayNode().add("r" + this.random.nextInt(3)).add("r" + this.random.nextInt(3));
	}

	private JsonNode limits() {
		ObjectNode limits = nodes.objectNode();
		if (this.random.nextBoolean()) {
			limits.put("max", this.random.nextInt(9));
		}
		if (this.random.nextBoolean()) {
			limits.put("unit", "u" + this.random.nextInt(3));
		}
		return limits;
	}

	public static class Limits {

		private int max = 1;

		private String unit = "MB";

		public int getMax() {
			return this.max;
		}

		public void setMax(int max) {
			this.max = max;
		}

		public String getUnit() {
			return this.unit;
		}

		public void setUnit(String unit) {
			this.unit = unit;
		}

	}

	public static class Plain {

		private String theme = "light";

		private String locale = "en-GB";

		private int maxUploadMb = 10;

		private long sequence = -1;

		private Map<String, Boolean> features = new LinkedHashMap<>();

		private List<String> regions = List.of();

		private @Nullable String banner = "";

		private @Nullable Limits limits;

		public String getTheme() {
			return this.theme;
		}

		public void setTheme(String theme) {
			this.theme = theme;
		}

		public String getLocale() {
			return this.locale;
		}

		public void setLocale(String locale) {
			this.locale = locale;
		}

		public int getMaxUploadMb() {
			return this.maxUploadMb;
		}

		public void setMaxUploadMb(int maxUploadMb) {
			this.maxUploadMb = maxUploadMb;
		}

		public long getSequence() {
			return this.sequence;
		}

		public void setSequence(long sequence) {
			this.sequence = sequence;
		}

		public Map<String, Boolean> getFeatures() {
			return this.features;
		}

		public void setFeatures(Map<String, Boolean> features) {
			this.features = features;
		}

		public List<String> getRegions() {
			return this.regions;
		}

		public void setRegions(List<String> regions) {
			this.regions = regions;
		}

		public @Nullable String getBanner() {
			return this.banner;
		}

		public void setBanner(@Nullable String banner) {
			this.banner = banner;
		}

		public @Nullable Limits getLimits() {
			return this.limits;
		}

		public void setLimits(@Nullable Limits limits) {
			this.limits = limits;
		}

	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	public static class Sparse {

		private String name = "n";

		private @Nullable String note;

		@JsonIgnore
		private String secret = "kept out";

		@JsonProperty("max_size")
		private @Nullable Integer maxSize = 5;

		@JsonProperty(access = JsonProperty.Access.WRITE_ONLY)
		private @Nullable String password;

		private @Nullable Limits limits;

		@JsonInclude(JsonInclude.Include.NON_EMPTY)
		private @Nullable List<String> tags;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public @Nullable String getNote() {
			return this.note;
		}

		public void setNote(@Nullable String note) {
			this.note = note;
		}

		public String getSecret() {
			return this.secret;
		}

		public void setSecret(String secret) {
			this.secret = secret;
		}

		public @Nullable Integer getMaxSize() {
			return this.maxSize;
		}

		public void setMaxSize(@Nullable Integer maxSize) {
			this.maxSize = maxSize;
		}

		public @Nullable String getPassword() {
			return this.password;
		}

		public void setPassword(@Nullable String password) {
			this.password = password;
		}

		public @Nullable Limits getLimits() {
			return this.limits;
		}

		public void setLimits(@Nullable Limits limits) {
			this.limits = limits;
		}

		public @Nullable List<String> getTags() {
			return this.tags;
		}

		public void setTags(@Nullable List<String> tags) {
			this.tags = tags;
		}

	}

	@JsonInclude(JsonInclude.Include.NON_NULL)
	public record Frozen(@Nullable String name, @Nullable Integer size, @Nullable List<String> tags) {
	}

	public static class WithAny {

		private String name = "n";

		private final Map<String, Object> extra = new LinkedHashMap<>();

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		@JsonAnyGetter
		public Map<String, Object> getExtra() {
			return this.extra;
		}

		@JsonAnySetter
		public void extra(String key, Object value) {
			this.extra.put(key, value);
		}

	}

	public static class Unwrapped {

		private String name = "n";

		@JsonUnwrapped
		private Limits limits = new Limits();

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public Limits getLimits() {
			return this.limits;
		}

		public void setLimits(Limits limits) {
			this.limits = limits;
		}

	}

	@JsonTypeInfo(use = JsonTypeInfo.Id.CLASS)
	public static class Typed {

		private String name = "n";

		private int size;

		public String getName() {
			return this.name;
		}

		public void setName(String name) {
			this.name = name;
		}

		public int getSize() {
			return this.size;
		}

		public void setSize(int size) {
			this.size = size;
		}

	}

	public static class Valued {

		private String name = "n";

		@JsonValue
		public String getName() {
			return this.name;
		}

	}

}
