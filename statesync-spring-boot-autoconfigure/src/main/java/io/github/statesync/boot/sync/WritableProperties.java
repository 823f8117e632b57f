package io.github.statesync.boot.sync;

import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.Set;

import org.jspecify.annotations.Nullable;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.SerializationConfig;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.ValueSerializer;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.ser.BeanPropertyWriter;
import tools.jackson.databind.ser.BeanSerializer;
import tools.jackson.databind.ser.PropertyWriter;
import tools.jackson.databind.ser.UnrolledBeanSerializer;
import tools.jackson.databind.ser.bean.BeanSerializerBase;

/**
 * The keys a mapper can write for an object of a bean type, known in advance: the names
 * of the properties of a plain {@link BeanSerializer} (or its
 * {@link UnrolledBeanSerializer} variant for beans of a few properties). An object writes
 * a subset of them (inclusion rules such as {@code @JsonInclude(NON_NULL)} and views only
 * leave keys out); ignored and write-only properties are not among them.
 *
 * @author statesync
 */
final class WritableProperties {

	private WritableProperties() {
	}

	/**
	 * Return the keys {@code mapper.valueToTree} can write for an object whose class is
	 * exactly {@code type}.
	 * @param mapper the mapper
	 * @param type the object's class
	 * @return the keys, or {@code null} when the object's keys can depend on more than
	 * its class: a custom serializer, {@code @JsonValue}, type ids, object ids, filters,
	 * {@code @JsonAnyGetter}, {@code @JsonUnwrapped}, virtual or module-made properties,
	 * a root name, or a serializer that cannot be found
	 */
	static @Nullable Set<String> of(JsonMapper mapper, Class<?> type) {
		SerializationConfig config = mapper.serializationConfig();
		if (config.isEnabled(SerializationFeature.WRAP_ROOT_VALUE) || config.getFullRootName() != null) {
			return null;
		}
		ValueSerializer<Object> serializer;
		try {
			// the serializer valueToTree uses for an object of this class
			serializer = mapper._serializationContext().findTypedValueSerializer(type, true);
		}
		catch (JacksonException | IllegalArgumentException ex) {
			return null;
		}
		if (serializer.getClass() != BeanSerializer.class && serializer.getClass() != UnrolledBeanSerializer.class) {
			return null;
		}
		BeanSerializerBase bean = (BeanSerializerBase) serializer;
		if (bean.usesObjectId() || bean.getFilterId() != null) {
			return null;
		}
		Set<String> keys = new LinkedHashSet<>();
		for (Iterator<PropertyWriter> writers = bean.properties(); writers.hasNext();) {
			PropertyWriter writer = writers.next();
			// an any-getter, unwrapping or virtual writer is a subclass: its keys vary
			if (writer.getClass() != BeanPropertyWriter.class || ((BeanPropertyWriter) writer).isUnwrapping()) {
				return null;
			}
			keys.add(writer.getName());
		}
		return Set.copyOf(keys);
	}

}
