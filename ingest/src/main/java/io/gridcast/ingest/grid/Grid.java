package io.gridcast.ingest.grid;

import java.io.Serializable;

/**
 * A 2-D horizontal grid: its y and x axes (data are stored row-major as {@code [y][x]} in file order) and,
 * for projected grids, the CF grid mapping (null for plain latitude/longitude grids, and for
 * {@linkplain #unreferenced() unreferenced} ones).
 */
public record Grid(Axis y, Axis x, GridMapping mapping) implements Serializable {

    public int ny() {
        return y.size();
    }

    public int nx() {
        return x.size();
    }

    public int cells() {
        return ny() * nx();
    }

    /**
     * Plain x/y axes with neither a grid mapping nor latitude/longitude (no standard names), common in machine
     * learning data sets: the cells have sizes but no place on the Earth.
     */
    public boolean unreferenced() {
        return mapping == null && x.standardName().isEmpty() && y.standardName().isEmpty();
    }

    /** A short, stable description for catalogs and messages, e.g. {@code 512x512 albers_conical_equal_area}. */
    public String describe() {
        return ny() + "x" + nx() + " " + (mapping != null ? mapping.mappingName()
                : unreferenced() ? "unreferenced" : "latitude_longitude")
                + " y " + y.values()[0] + ".." + y.values()[ny() - 1] + " x " + x.values()[0] + ".."
                + x.values()[nx() - 1] + " " + x.units();
    }
}
