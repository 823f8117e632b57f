package io.github.statesync.boot.actuate;

import java.util.Map;

import org.jspecify.annotations.Nullable;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes an RFC 6902 JSON Patch that turns one JSON document into another: {@code add},
 * {@code remove} and {@code replace} operations with RFC 6901 pointers. Objects are
 * compared member by member; arrays element by element on their common length, then
 * shortened from the end or extended at the end (an element inserted at the front shows
 * as replaces, a correct if not minimal patch). Any RFC 6902 implementation (the
 * TypeScript and Rust clients' ecosystems have several) applies it.
 *
 * @author statesync
 */
final class JsonPatch {

	private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

	private JsonPatch() {
	}

	/**
	 * Return the patch that turns {@code source} into {@code target}.
	 * @param source the document before
	 * @param target the document after
	 * @return the operations, empty if the documents are equal
	 */
	static ArrayNode diff(JsonNode source, JsonNode target) {
		ArrayNode operations = NODES.arrayNode();
		diff("", source, target, operations);
		return operations;
	}

	private static void diff(String path, JsonNode source, JsonNode target, ArrayNode operations) {
		if (source.equals(target)) {
			return;
		}
		if (source.isObject() && target.isObject()) {
			for (Map.Entry<String, JsonNode> member : source.properties()) {
				String child = path + "/" + escape(member.getKey());
				JsonNode after = target.get(member.getKey());
				if (after == null) {
					operations.add(operation("remove", child, null));
				}
				else {
					diff(child, member.getValue(), after, operations);
				}
			}
			for (Map.Entry<String, JsonNode> member : target.properties()) {
				if (!source.has(member.getKey())) {
					operations.add(operation("add", path + "/" + escape(member.getKey()), member.getValue()));
				}
			}
			return;
		}
		if (source.isArray() && target.isArray()) {
			int common = Math.min(source.size(), target.size());
			for (int i = 0; i < common; i++) {
				diff(path + "/" + i, source.get(i), target.get(i), operations);
			}
			// from the end, so that each index is still the one meant
			for (int i = source.size() - 1; i >= common; i--) {
				operations.add(operation("remove", path + "/" + i, null));
			}
			for (int i = common; i < target.size(); i++) {
				operations.add(operation("add", path + "/" + i, target.get(i)));
			}
			return;
		}
		operations.add(operation("replace", path, target));
	}

	private static ObjectNode operation(String op, String path, @Nullable JsonNode value) {
		ObjectNode operation = NODES.objectNode();
		operation.put("op", op);
		operation.put("path", path);
		if (value != null) {
			operation.set("value", value);
		}
		return operation;
	}

	/**
	 * Escape a member name for a JSON Pointer (RFC 6901): {@code ~} first, then
	 * {@code /}.
	 */
	static String escape(String name) {
		return name.replace("~", "~0").replace("/", "~1");
	}

}
