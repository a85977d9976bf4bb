package io.gridcast.ingest.statics;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;

/**
 * A static layer as read from its own file, ready to be sampled at any latitude/longitude: positions become
 * fractional indices into its grid (index 2.5 lies midway between columns 2 and 3).
 *
 * <p>Longitudes (plain or on a rotated pole's sphere): a latitude/longitude grid whose columns cover the whole circle (n x spacing of at least 360
 * degrees, like ETOPO20's 20.17E..380.17E modulo axis or a 0.5..359.5 grid) wraps, so a point is found whatever
 * convention it comes in; a regional grid takes the longitude's representation (x + k 360) nearest its centre,
 * so 0..360 and -180..180 grids both work.
 *
 * <p>Registration: a pixel-registered grid (the CF default for cell centres; GMT's {@code node_offset = 1})
 * covers half a cell beyond its outer centres, where it takes the edge cell's value; a node-registered grid
 * (GMT's {@code node_offset = 0}) holds point values and covers only the span between its outer nodes.
 */
final class SourceLayer {

    enum Registration { PIXEL, NODE }

    private final GridLocations locations;
    private final float[] values;
    private final int ny;
    private final int nx;
    private final Registration registration;
    /** True when the x axis is longitude around the whole circle. */
    private final boolean wraps;
    /** Columns in 360 degrees when it wraps (1080 for ETOPO20, whose 1081st column repeats the first). */
    private final int turn;

    SourceLayer(Grid grid, float[] values, Registration registration) {
        this.locations = new GridLocations(grid);
        this.values = values;
        this.ny = grid.ny();
        this.nx = grid.nx();
        this.registration = registration;
        Axis x = grid.x();
        this.wraps = locations.angular() && x.values()[1] > x.values()[0] && x.spacing() * nx >= 360 - 1e-6 * x.spacing();
        this.turn = wraps ? (int) Math.round(360 / x.spacing()) : nx;
    }

    Grid grid() {
        return locations.grid();
    }

    float[] values() {
        return values;
    }

    int ny() {
        return ny;
    }

    int nx() {
        return nx;
    }

    boolean wraps() {
        return wraps;
    }

    /** Columns in a full turn of longitude (the column count of a grid that does not wrap). */
    int turn() {
        return turn;
    }

    /** The value at row j, column i; columns wrap modulo a full turn on a circular longitude axis. */
    float value(int j, int i) {
        return values[j * nx + (wraps ? Math.floorMod(i, turn) : i)];
    }

    /**
     * Fractional {@code [fy, fx]} of a latitude/longitude in this grid, unclamped (may lie outside; see
     * {@link #inside}); NaN where the source's projection has no image of the point.
     */
    double[] position(double lat, double lon) {
        double[] yx = locations.gridCoordinates(lat, lon);
        double fy = fractionalIndex(grid().y().values(), yx[0]);
        double fx = locations.angular() ? longitudeIndex(yx[1]) : fractionalIndex(grid().x().values(), yx[1]);
        return new double[] {fy, fx};
    }

    /** Whether a fractional position lies within the area the layer covers (by its registration). */
    boolean inside(double fy, double fx) {
        return within(fy, ny) && (wraps || within(fx, nx));
    }

    private boolean within(double f, int n) {
        double margin = registration == Registration.PIXEL ? 0.5 : 1e-9;
        return f >= -margin && f <= n - 1 + margin;
    }

    /** A fractional index clamped onto the grid's centres (the outer half cell of a pixel grid takes the edge value). */
    double clampY(double fy) {
        return Math.max(0, Math.min(ny - 1, fy));
    }

    double clampX(double fx) {
        return wraps ? fx : Math.max(0, Math.min(nx - 1, fx));
    }

    private double longitudeIndex(double lon) {
        double[] a = grid().x().values();
        if (!wraps) {
            double centre = (a[0] + a[nx - 1]) / 2;
            return fractionalIndex(a, lon + 360 * Math.rint((centre - lon) / 360));
        }
        double l = a[0] + mod360(lon - a[0]);
        if (l <= a[nx - 1]) {
            return fractionalIndex(a, l);
        }
        // Between the last column and the first one, a full turn on.
        return nx - 1 + (l - a[nx - 1]) / (a[0] + 360 - a[nx - 1]);
    }

    private static double mod360(double d) {
        double m = d % 360;
        return m < 0 ? m + 360 : m;
    }

    /** Fractional index of {@code v} in a strictly monotonic axis (either direction), extrapolated linearly outside. */
    static double fractionalIndex(double[] a, double v) {
        if (!Double.isFinite(v)) {
            return Double.NaN;
        }
        boolean ascending = a[1] > a[0];
        int lo = 0;
        int hi = a.length - 1;
        while (hi - lo > 1) {
            int mid = (lo + hi) >>> 1;
            if ((a[mid] <= v) == ascending) {
                lo = mid;
            } else {
                hi = mid;
            }
        }
        return lo + (v - a[lo]) / (a[lo + 1] - a[lo]);
    }
}
