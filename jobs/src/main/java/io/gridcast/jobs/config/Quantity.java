package io.gridcast.jobs.config;

import com.fasterxml.jackson.annotation.JsonCreator;
import io.gridcast.ingest.catalog.Units;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A configured value with optional units: a bare number ({@code 0.5}, taken in the variable's own units) or a
 * number and UDUNITS units in one string ({@code "1 mm/h"}, {@code "0.5 kg m-2"}), converted to the variable's units.
 */
public record Quantity(double value, String units) {

    private static final Pattern NUMBER_AND_UNITS = Pattern.compile(
            "\\s*([-+]?(?:\\d+\\.?\\d*|\\.\\d+)(?:[eE][-+]?\\d+)?)\\s*(.*?)\\s*");

    @JsonCreator
    public static Quantity of(double value) {
        return new Quantity(value, null);
    }

    /** A whole number as YAML writes it ({@code thresholds: [1, 5]}): Jackson offers integers to no double creator. */
    @JsonCreator
    public static Quantity of(long value) {
        return of((double) value);
    }

    @JsonCreator
    public static Quantity parse(String text) {
        Matcher m = NUMBER_AND_UNITS.matcher(text);
        if (!m.matches()) {
            throw new IllegalArgumentException("a number, optionally followed by units (e.g. \"1 mm/h\"), got '" + text + "'");
        }
        return new Quantity(Double.parseDouble(m.group(1)), m.group(2).isEmpty() ? null : m.group(2));
    }

    /**
     * The value in {@code target} units. A bare number is already in them; a value with units must convert (a
     * variable without configured units takes bare numbers only).
     */
    double in(String target, String key, String unitsKey) {
        if (units == null) {
            return value;
        }
        if (target == null) {
            throw new ConfigException(key, "a bare number, or set " + unitsKey + " to give '" + this + "' in other units");
        }
        try {
            return Units.convert(value, units, target);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, "a value in units convertible to " + unitsKey + " '" + target + "', got '"
                    + this + "'");
        }
    }

    @Override
    public String toString() {
        return units == null ? String.valueOf(value) : value + " " + units;
    }
}
