package io.github.statesync.boot.actuate;

import java.util.Random;

import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The JSON Patch generator: its patches, applied by an RFC 6902 applier (a small one
 * here), turn the source into the target.
 */
class JsonPatchTests {

	private static final JsonMapper mapper = JsonMapper.shared();

	@Test
	void equalDocumentsNeedNoOperation() {
		assertThat(JsonPatch.diff(json("{\"a\":[1,{\"b\":null}]}"), json("{\"a\":[1,{\"b\":null}]}"))).isEmpty();
	}

	@Test
	void membersAreReplacedRemovedAndAddedWithEscapedPointers() {
		ArrayNode patch = JsonPatch.diff(json("{\"a/b\":1,\"c~d\":2,\"keep\":true}"),
				json("{\"a/b\":3,\"keep\":true,\"new\":{\"x\":1}}"));
		assertThat(mapper.writeValueAsString(patch)).isEqualTo("[{\"op\":\"replace\",\"path\":\"/a~1b\",\"value\":3},"
				+ "{\"op\":\"remove\",\"path\":\"/c~0d\"},{\"op\":\"add\",\"path\":\"/new\",\"value\":{\"x\":1}}]");
	}

	@Test
	void shorterArraysLoseTheirTailFromTheEnd() {
		ArrayNode patch = JsonPatch.diff(json("[1,2,3,4]"), json("[1,9]"));
		assertThat(mapper.writeValueAsString(patch)).isEqualTo("[{\"op\":\"replace\",\"path\":\"/1\",\"value\":9},"
				+ "{\"op\":\"remove\",\"path\":\"/3\"},{\"op\":\"remove\",\"path\":\"/2\"}]");
	}

	@Test
	void aDocumentOfAnotherTypeIsReplacedWhole() {
		assertThat(mapper.writeValueAsString(JsonPatch.diff(json("{\"a\":1}"), json("[1]"))))
			.isEqualTo("[{\"op\":\"replace\",\"path\":\"\",\"value\":[1]}]");
	}

	@Test
	void patchesOfRandomDocumentsTurnTheSourceIntoTheTarget() {
		Random random = new Random(17);
		for (int i = 0; i < 2000; i++) {
			JsonNode source = randomNode(random, 0);
			JsonNode target = (random.nextInt(4) == 0) ? randomNode(random, 0) : mutate(source, random);
			ArrayNode patch = JsonPatch.diff(source, target);
			assertThat(apply(source, patch)).as("patch %s of %s", patch, source).isEqualTo(target);
		}
	}

	private static JsonNode json(String text) {
		return mapper.readTree(text);
	}

	private static JsonNode randomNode(Random random, int depth) {
		int kind = (depth > 3) ? random.nextInt(3) : random.nextInt(5);
		JsonNodeFactory nodes = JsonNodeFactory.instance;
		switch (kind) {
			case 0:
				return nodes.numberNode(random.nextInt(5));
			case 1:
				return nodes.stringNode(Character.toString('a' + random.nextInt(3)));
			case 2:
				return random.nextBoolean() ? nodes.nullNode() : nodes.booleanNode(random.nextBoolean());
			case 3: {
				ObjectNode object = nodes.objectNode();
				for (int i = random.nextInt(4); i > 0; i--) {
					object.set(new String[] { "a", "b/c", "d~e", "f" }[random.nextInt(4)],
							randomNode(random, depth + 1));
				}
				return object;
			}
			default: {
				ArrayNode array = nodes.arrayNode();
				for (int i = random.nextInt(4); i > 0; i--) {
					array.add(randomNode(random, depth + 1));
				}
				return array;
			}
		}
	}

	private static JsonNode mutate(JsonNode node, Random random) {
		JsonNode copy = node.deepCopy();
		if (copy instanceof ObjectNode object && !object.isEmpty() && random.nextBoolean()) {
			String name = object.propertyNames().iterator().next();
			object.set(name, mutate(object.get(name), random));
			return object;
		}
		if (copy instanceof ArrayNode array && !array.isEmpty() && random.nextBoolean()) {
			array.set(0, mutate(array.get(0), random));
			if (random.nextBoolean()) {
				array.add(randomNode(random, 2));
			}
			return array;
		}
		return randomNode(random, 1);
	}

	/**
	 * A minimal RFC 6902 applier for add, remove and replace.
	 */
	private static JsonNode apply(JsonNode document, ArrayNode patch) {
		JsonNode result = document.deepCopy();
		for (JsonNode operation : patch) {
			String op = operation.get("op").asString();
			String path = operation.get("path").asString();
			JsonNode value = operation.get("value");
			if (path.isEmpty()) {
				result = value.deepCopy();
				continue;
			}
			int slash = path.lastIndexOf('/');
			JsonNode parent = result.at(path.substring(0, slash));
			String token = path.substring(slash + 1).replace("~1", "/").replace("~0", "~");
			if (parent instanceof ObjectNode object) {
				if ("remove".equals(op)) {
					object.remove(token);
				}
				else {
					object.set(token, value.deepCopy());
				}
			}
			else if (parent instanceof ArrayNode array) {
				int index = Integer.parseInt(token);
				switch (op) {
					case "remove" -> array.remove(index);
					case "add" -> array.insert(index, value.deepCopy());
					default -> array.set(index, value.deepCopy());
				}
			}
		}
		return result;
	}

}
