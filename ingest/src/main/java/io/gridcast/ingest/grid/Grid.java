package io.gridcast.ingest.grid;

import java.io.Serializable;

/**
 * A 2-D horizontal grid: its y and x axes (data are stored row-major as {@code [y][x]} in file order) and,
 * for projected grids, the CF grid mapping (null for plain latitude/longitude grids, and for
 * {@linkplain #unreferenced() unreferenced} ones). A curvilinear grid has index axes (0, 1, ...), no mapping, and the
 * latitude and longitude of every cell in {@code geolocation} (null for every other grid).
 */
public record Grid(Axis y, Axis x, GridMapping mapping, Geolocation geolocation) implements Serializable {

    public Grid {
        if (geolocation != null && (mapping != null || geolocation.lat().length != y.size() * x.size())) {
            throw new IllegalArgumentException("a curvilinear grid of " + y.size() + "x" + x.size() + " cells needs "
                    + "latitude and longitude for each and no grid mapping, got " + geolocation.lat().length
                    + (mapping == null ? "" : " and mapping " + mapping.mappingName()));
        }
    }

    /** A grid of latitude/longitude axes ({@code mapping} null) or projection axes. */
    public Grid(Axis y, Axis x, GridMapping mapping) {
        this(y, x, mapping, null);
    }

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
     * Plain x/y axes with neither a grid mapping nor latitude/longitude (no standard names, no 2-D geolocation),
     * common in machine learning data sets: the cells have sizes but no place on the Earth.
     */
    public boolean unreferenced() {
        return mapping == null && geolocation == null && x.standardName().isEmpty() && y.standardName().isEmpty();
    }

    /** A short, stable description for catalogs and messages, e.g. {@code 512x512 albers_conical_equal_area}. */
    public String describe() {
        String kind = geolocation != null ? "curvilinear" : mapping != null ? mapping.mappingName()
                : unreferenced() ? "unreferenced" : "latitude_longitude";
        return ny() + "x" + nx() + " " + kind + " y " + y.values()[0] + ".." + y.values()[ny() - 1] + " x "
                + x.values()[0] + ".." + x.values()[nx() - 1] + " " + x.units();
    }
}
