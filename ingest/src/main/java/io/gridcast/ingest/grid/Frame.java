package io.gridcast.ingest.grid;

import java.io.Serializable;
import java.time.Instant;

/**
 * One field at one valid time: values row-major {@code [y][x]} on {@code grid}, in physical units
 * (packing undone), NaN where the source is missing.
 */
public record Frame(Instant time, Grid grid, String variable, String units, float[] values) implements Serializable {

    public Frame {
        if (values.length != grid.cells()) {
            throw new IllegalArgumentException("frame of " + variable + " at " + time + " has " + values.length
                    + " values, grid has " + grid.cells());
        }
    }
}
