package io.gridcast.ingest.grid;

import java.io.Serializable;
import java.util.Arrays;

/**
 * One horizontal coordinate axis of a grid, in file order (a y axis may run north to south).
 *
 * @param name         the coordinate variable's name ({@code x}, {@code lat}, ...)
 * @param standardName its CF standard name ({@code projection_x_coordinate}, {@code latitude}, ...)
 * @param units        its units ({@code km}, {@code m}, {@code degrees_north}, ...)
 * @param values       cell-centre coordinates, strictly monotonic
 */
public record Axis(String name, String standardName, String units, double[] values) implements Serializable {

    public Axis {
        standardName = standardName == null ? "" : standardName;
        units = units == null ? "" : units;
        if (values.length < 2) {
            throw new IllegalArgumentException("axis " + name + " needs at least 2 points, has " + values.length);
        }
        boolean increasing = values[1] > values[0];
        for (int i = 1; i < values.length; i++) {
            if (increasing ? values[i] <= values[i - 1] : values[i] >= values[i - 1]) {
                throw new IllegalArgumentException("axis " + name + " is not strictly monotonic at index " + i);
            }
        }
    }

    public int size() {
        return values.length;
    }

    /** The mean absolute spacing between neighbouring points. */
    public double spacing() {
        return Math.abs(values[values.length - 1] - values[0]) / (values.length - 1);
    }

    /** Indices {@code [first, last]} (inclusive, file order) of the cell centres inside {@code [lo, hi]}; empty if none. */
    public int[] indicesWithin(double lo, double hi) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < values.length; i++) {
            if (values[i] >= lo && values[i] <= hi) {
                if (first < 0) {
                    first = i;
                }
                last = i;
            }
        }
        return first < 0 ? new int[0] : new int[] {first, last};
    }

    public double min() {
        return Math.min(values[0], values[values.length - 1]);
    }

    public double max() {
        return Math.max(values[0], values[values.length - 1]);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Axis a && name.equals(a.name) && standardName.equals(a.standardName)
                && units.equals(a.units) && Arrays.equals(values, a.values);
    }

    @Override
    public int hashCode() {
        return 31 * name.hashCode() + Arrays.hashCode(values);
    }

    @Override
    public String toString() {
        return name + "[" + values.length + "] " + values[0] + ".." + values[values.length - 1] + " " + units;
    }
}
