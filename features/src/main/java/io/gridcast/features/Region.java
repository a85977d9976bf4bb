package io.gridcast.features;

import java.io.Serializable;

/**
 * A forecast region: a box and the cell size models work at; the data are block-averaged to it. The box is in
 * the data grid's own coordinates (projection x/y, e.g. km, or degrees for latitude/longitude grids) or, with
 * {@code lonLat}, in longitude (x) and latitude (y) on any grid, converted to its cells through its projection
 * ({@link RegionGrid#onGrid}).
 *
 * @param name     used in paths and reports
 * @param xMin     west edge of the box, inclusive, in grid x units (degrees east with {@code lonLat})
 * @param xMax     east edge
 * @param yMin     south edge (degrees north with {@code lonLat})
 * @param yMax     north edge
 * @param cellSize the model grid's cell size in grid units: a whole multiple of the data's spacing
 * @param lonLat   whether the box is given in longitude and latitude rather than grid coordinates
 */
public record Region(String name, double xMin, double xMax, double yMin, double yMax, double cellSize, boolean lonLat)
        implements Serializable {

    public Region {
        if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("region name '" + name + "' must be letters, digits, '_' or '-'");
        }
        if (!(xMin < xMax) || !(yMin < yMax)) {
            throw new IllegalArgumentException("region '" + name + "': box needs " + (lonLat
                    ? "lon_min < lon_max and lat_min < lat_max, got lon [" : "x_min < x_max and y_min < y_max, got x [")
                    + xMin + ", " + xMax + "] " + (lonLat ? "lat" : "y") + " [" + yMin + ", " + yMax + "]");
        }
        if (lonLat && (yMin < -90 || yMax > 90 || xMax - xMin > 360)) {
            throw new IllegalArgumentException("region '" + name + "': box needs latitudes within [-90, 90] and at most "
                    + "360 degrees of longitude, got lon [" + xMin + ", " + xMax + "] lat [" + yMin + ", " + yMax + "]");
        }
        if (!(cellSize > 0)) {
            throw new IllegalArgumentException("region '" + name + "': cell_size must be positive, got " + cellSize);
        }
    }

    /** A box in the data grid's own coordinates. */
    public Region(String name, double xMin, double xMax, double yMin, double yMax, double cellSize) {
        this(name, xMin, xMax, yMin, yMax, cellSize, false);
    }

    /** The box as configured, e.g. {@code lon [3.0, 8.0] lat [50.0, 54.0]}. */
    public String describeBox() {
        return (lonLat ? "lon [" : "x [") + xMin + ", " + xMax + "] " + (lonLat ? "lat [" : "y [") + yMin + ", " + yMax + "]";
    }
}
