package io.gridcast.ingest.statics;

import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.statics.Regridding.Cell;
import java.util.Arrays;

/**
 * Places every target cell in the source grid (its centre and the four corners of its footprint, through
 * latitude/longitude) and samples it with a {@link Regridding} method.
 */
final class Resampler {

    /** The values on the target grid and the method that made them (the chosen one when none was configured). */
    record Result(float[] values, String method) {
    }

    /** A source this many times finer than the target (in source cells per target cell, along both axes) is averaged. */
    static final double MUCH_FINER = 2.0;

    private Resampler() {
    }

    /** {@code method} null: chosen by {@link Regridding#defaultMethod} from the resolutions of source and target. */
    static Result resample(SourceLayer source, GridLocations locations, String method, boolean categorical) {
        Grid target = locations.grid();
        double[][] centres = locations.centres();
        double[][] corners = locations.corners();
        int ny = target.ny();
        int nx = target.nx();
        double[][] cornerPositions = new double[corners[0].length][];
        for (int k = 0; k < cornerPositions.length; k++) {
            cornerPositions[k] = source.position(corners[0][k], corners[1][k]);
        }
        Cell[] cells = new Cell[ny * nx];
        double[] extents = new double[cells.length];
        int inside = 0;
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                int k = j * nx + i;
                double[] c = source.position(centres[0][k], centres[1][k]);
                if (!source.inside(c[0], c[1])) {
                    continue;
                }
                cells[k] = footprint(source, c, cornerPositions, (j * (nx + 1)) + i, nx + 1);
                extents[inside++] = Math.min(cells[k].fyMax() - cells[k].fyMin(), cells[k].fxMax() - cells[k].fxMin());
            }
        }
        String chosen = method;
        if (chosen == null) {
            double[] sorted = Arrays.copyOf(extents, inside);
            Arrays.sort(sorted);
            boolean muchFiner = inside > 0 && sorted[inside / 2] >= MUCH_FINER;
            chosen = Regridding.defaultMethod(categorical, muchFiner);
        }
        Regridding.Method m = Regridding.method(chosen);
        float[] out = new float[cells.length];
        for (int k = 0; k < out.length; k++) {
            out[k] = cells[k] == null ? Float.NaN : m.sample(source, cells[k]);
        }
        return new Result(out, chosen);
    }

    /**
     * The cell whose centre sits at {@code c} and whose corners are {@code corner, corner + 1, corner + row,
     * corner + row + 1} of the corner lattice; on a wrapping source each corner's column is taken on the same
     * turn as the centre's. A corner with no image shrinks the footprint to the centre.
     */
    private static Cell footprint(SourceLayer source, double[] c, double[][] cornerPositions, int corner, int row) {
        double fyMin = c[0];
        double fyMax = c[0];
        double fxMin = c[1];
        double fxMax = c[1];
        for (int k : new int[] {corner, corner + 1, corner + row, corner + row + 1}) {
            double fy = cornerPositions[k][0];
            double fx = cornerPositions[k][1];
            if (Double.isNaN(fy) || Double.isNaN(fx)) {
                return new Cell(c[0], c[1], c[0], c[0], c[1], c[1]);
            }
            if (source.wraps()) {
                fx += source.turn() * Math.rint((c[1] - fx) / source.turn());
            }
            fyMin = Math.min(fyMin, fy);
            fyMax = Math.max(fyMax, fy);
            fxMin = Math.min(fxMin, fx);
            fxMax = Math.max(fxMax, fx);
        }
        return new Cell(c[0], c[1], fyMin, fyMax, fxMin, fxMax);
    }
}
