package io.gridcast.features;

import java.io.Serializable;

/**
 * A forecast region: a box in the data grid's own coordinates (projection x/y, e.g. km, or degrees for
 * latitude/longitude grids) and the cell size models work at; the data are block-averaged to it.
 *
 * @param name     used in paths and reports
 * @param xMin     west edge of the box, inclusive, in grid x units
 * @param xMax     east edge
 * @param yMin     south edge
 * @param yMax     north edge
 * @param cellSize the model grid's cell size in grid units: a whole multiple of the data's spacing
 */
public record Region(String name, double xMin, double xMax, double yMin, double yMax, double cellSize)
        implements Serializable {

    public Region {
        if (name == null || !name.matches("[A-Za-z0-9_-]+")) {
            throw new IllegalArgumentException("region name '" + name + "' must be letters, digits, '_' or '-'");
        }
        if (!(xMin < xMax) || !(yMin < yMax)) {
            throw new IllegalArgumentException("region '" + name + "': box needs x_min < x_max and y_min < y_max, got x ["
                    + xMin + ", " + xMax + "] y [" + yMin + ", " + yMax + "]");
        }
        if (!(cellSize > 0)) {
            throw new IllegalArgumentException("region '" + name + "': cell_size must be positive, got " + cellSize);
        }
    }
}
