package io.gridcast.ingest.statics;

import io.gridcast.ingest.grid.Grid;

/**
 * A static geographic field on a data grid, such as elevation, a land-sea mask or slope: values row-major
 * {@code [y][x]} like the grid's frames, NaN where missing (outside the source's coverage, or missing there).
 *
 * @param name        the configured layer name ({@code elevation}, {@code land_sea}, {@code slope}, ...)
 * @param units       its units ({@code m}, {@code 1} for slope in metres per metre, {@code degree} for aspect;
 *                    empty for a categorical field)
 * @param categorical true when values are classes (never averaged or interpolated)
 * @param grid        the data grid it lies on
 * @param values      one value per grid cell
 * @param provenance  how it was made, e.g. {@code etopo20.cdf:ROSE by bilinear}, for logs and metadata
 */
public record StaticField(String name, String units, boolean categorical, Grid grid, float[] values, String provenance) {

    public StaticField {
        if (values.length != grid.cells()) {
            throw new IllegalArgumentException("static field " + name + " has " + values.length + " values, grid "
                    + grid.describe() + " has " + grid.cells());
        }
    }

    /** The share of cells with a value (0..1). */
    public double coverage() {
        int finite = 0;
        for (float v : values) {
            if (!Float.isNaN(v)) {
                finite++;
            }
        }
        return (double) finite / values.length;
    }

    /** The value at row {@code j}, column {@code i} (file order). */
    public float at(int j, int i) {
        return values[j * grid.nx() + i];
    }
}
