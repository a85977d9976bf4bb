package io.gridcast.ingest.grid;

import java.io.Serializable;
import java.util.Arrays;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A CF {@code grid_mapping} variable: its name and attributes, carried unchanged from the input files to
 * the forecast files so that the projection is never re-derived. Attributes are kept sorted by name, so
 * two mappings read anywhere serialise identically; equality compares numeric values, not array identity.
 *
 * @param variable         the grid-mapping variable's name in the source file (e.g. {@code proj})
 * @param textAttributes   string attributes (e.g. {@code grid_mapping_name})
 * @param numberAttributes numeric attributes, each an array (CF allows vectors, e.g. {@code standard_parallel})
 */
public record GridMapping(String variable, Map<String, String> textAttributes, Map<String, double[]> numberAttributes)
        implements Serializable {

    public GridMapping {
        textAttributes = Collections.unmodifiableSortedMap(new TreeMap<>(textAttributes));
        SortedMap<String, double[]> numbers = new TreeMap<>();
        numberAttributes.forEach((name, values) -> numbers.put(name, values.clone()));
        numberAttributes = Collections.unmodifiableSortedMap(numbers);
    }

    public String mappingName() {
        return textAttributes.getOrDefault("grid_mapping_name", "");
    }

    @Override
    public boolean equals(Object o) {
        if (!(o instanceof GridMapping m) || !variable.equals(m.variable) || !textAttributes.equals(m.textAttributes)
                || !numberAttributes.keySet().equals(m.numberAttributes.keySet())) {
            return false;
        }
        return numberAttributes.entrySet().stream()
                .allMatch(e -> Arrays.equals(e.getValue(), m.numberAttributes.get(e.getKey())));
    }

    @Override
    public int hashCode() {
        int h = variable.hashCode() * 31 + textAttributes.hashCode();
        for (Map.Entry<String, double[]> e : numberAttributes.entrySet()) {
            h = h * 31 + e.getKey().hashCode() * 17 + Arrays.hashCode(e.getValue());
        }
        return h;
    }
}
