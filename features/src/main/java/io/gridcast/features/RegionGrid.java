package io.gridcast.features;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.statics.GridLocations;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A region cut from the archive grid and block-averaged to the region's cell size: which source cells it
 * takes, and the resulting model grid (same projection, coarser axes).
 */
public record RegionGrid(Region region, int y0, int x0, int factor, Grid sourceGrid, Grid grid) implements Serializable {

    /** Points sampled along each edge of a longitude/latitude box: on a projected grid its edges are curves. */
    private static final int EDGE_POINTS = 64;

    /**
     * Fits {@code region} onto {@code source}; a box outside the grid or an odd cell size is a clear error. A
     * longitude/latitude box takes every cell its outline encloses ({@link #onGrid}).
     */
    public static RegionGrid of(Region configured, Grid source) {
        Region region = onGrid(configured, source);
        double spacing = source.x().spacing();
        if (Math.abs(source.y().spacing() - spacing) > 1e-6 * spacing) {
            throw new IllegalArgumentException("region '" + region.name() + "': the data grid has unequal spacing x "
                    + spacing + " and y " + source.y().spacing() + "; square cells are expected");
        }
        double ratio = region.cellSize() / spacing;
        int factor = (int) Math.round(ratio);
        if (factor < 1 || Math.abs(ratio - factor) > 1e-3) {
            throw new IllegalArgumentException("region '" + region.name() + "': cell_size " + region.cellSize()
                    + " must be a whole multiple of the data spacing " + spacing + " " + source.x().units());
        }
        if (!inside(region, source)) {
            throw new IllegalArgumentException("region '" + region.name() + "': box x [" + region.xMin() + ", "
                    + region.xMax() + "] y [" + region.yMin() + ", " + region.yMax() + "] is not inside the data grid x ["
                    + source.x().min() + ", " + source.x().max() + "] y [" + source.y().min() + ", "
                    + source.y().max() + "] " + source.x().units());
        }
        int[] xs = source.x().indicesWithin(region.xMin(), region.xMax());
        int[] ys = source.y().indicesWithin(region.yMin(), region.yMax());
        int nx = (xs[1] - xs[0] + 1) / factor;
        int ny = (ys[1] - ys[0] + 1) / factor;
        if (nx < 2 || ny < 2) {
            throw new IllegalArgumentException("region '" + region.name() + "': box holds fewer than 2x2 cells of size "
                    + region.cellSize());
        }
        CellBlock block = new CellBlock(ys[0], xs[0], ny * factor, nx * factor);
        Grid grid = new Grid(coarsen(source.y(), ys[0], ny, factor), coarsen(source.x(), xs[0], nx, factor),
                source.mapping(), source.geolocation() == null ? null
                        : source.geolocation().coarsen(source.nx(), block, factor));
        return new RegionGrid(configured, ys[0], xs[0], factor, source, grid);
    }

    /**
     * The region with its box in {@code grid}'s own coordinates. A longitude/latitude box's outline (every edge
     * sampled, not only the corners) goes through the grid's projection; the box then reaches to the outer edges
     * of the cells the outline touches. An outline beyond the grid's cells, or with no image in its projection,
     * is an error naming the box, the grid and its extent in both coordinate systems.
     */
    public static Region onGrid(Region region, Grid grid) {
        if (!region.lonLat()) {
            return region;
        }
        GridLocations locations = new GridLocations(grid);
        double[] centre = locations.gridCoordinates((region.yMin() + region.yMax()) / 2, (region.xMin() + region.xMax()) / 2);
        double turnX = locations.angular() ? nearestTurn(centre[1], (grid.x().min() + grid.x().max()) / 2) : centre[1];
        double xLo = Double.POSITIVE_INFINITY;
        double xHi = Double.NEGATIVE_INFINITY;
        double yLo = Double.POSITIVE_INFINITY;
        double yHi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k < 4 * EDGE_POINTS; k++) {
            double t = (double) (k % EDGE_POINTS) / EDGE_POINTS;
            int edge = k / EDGE_POINTS;
            double lon = edge == 0 ? region.xMin() + t * (region.xMax() - region.xMin()) : edge == 1 ? region.xMax()
                    : edge == 2 ? region.xMax() - t * (region.xMax() - region.xMin()) : region.xMin();
            double lat = edge == 0 ? region.yMin() : edge == 1 ? region.yMin() + t * (region.yMax() - region.yMin())
                    : edge == 2 ? region.yMax() : region.yMax() - t * (region.yMax() - region.yMin());
            double[] yx = locations.gridCoordinates(lat, lon);
            double x = locations.angular() ? nearestTurn(yx[1], turnX) : yx[1];
            if (!Double.isFinite(yx[0]) || !Double.isFinite(x)) {
                throw outside(region, grid, locations, "its point " + lat + "N " + lon + "E has no place in the grid's projection");
            }
            xLo = Math.min(xLo, x);
            xHi = Math.max(xHi, x);
            yLo = Math.min(yLo, yx[0]);
            yHi = Math.max(yHi, yx[0]);
        }
        double halfX = grid.x().spacing() / 2;
        double halfY = grid.y().spacing() / 2;
        double gxLo = grid.x().min() - halfX;
        double gxHi = grid.x().max() + halfX;
        double gyLo = grid.y().min() - halfY;
        double gyHi = grid.y().max() + halfY;
        if (xLo < gxLo || xHi > gxHi || yLo < gyLo || yHi > gyHi) {
            throw outside(region, grid, locations, "in grid coordinates it spans x [" + xLo + ", " + xHi + "] y ["
                    + yLo + ", " + yHi + "]");
        }
        // A cell whose edge only touches the outline (a box edge on a cell edge) is not enclosed.
        double reachX = halfX * (1 - 1e-9);
        double reachY = halfY * (1 - 1e-9);
        return new Region(region.name(), Math.max(gxLo, xLo - reachX), Math.min(gxHi, xHi + reachX),
                Math.max(gyLo, yLo - reachY), Math.min(gyHi, yHi + reachY), region.cellSize());
    }

    /** {@code x} shifted by whole turns of 360 degrees to lie nearest {@code reference}. */
    private static double nearestTurn(double x, double reference) {
        return x + 360 * Math.rint((reference - x) / 360);
    }

    private static IllegalArgumentException outside(Region region, Grid grid, GridLocations locations, String why) {
        double[] lonLat = lonLatExtent(grid, locations);
        return new IllegalArgumentException("region '" + region.name() + "': box " + region.describeBox()
                + " is not inside the data grid " + grid.describe() + " (" + why + "); the grid's cells span x ["
                + grid.x().min() + ", " + grid.x().max() + "] y [" + grid.y().min() + ", " + grid.y().max() + "] "
                + grid.x().units() + ", lon [" + lonLat[0] + ", " + lonLat[1] + "] lat [" + lonLat[2] + ", "
                + lonLat[3] + "] degrees (cell centres)");
    }

    /** {@code [lon min, lon max, lat min, lat max]} of the grid's border cells' centres. */
    private static double[] lonLatExtent(Grid grid, GridLocations locations) {
        double[] e = {Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        double[] ys = grid.y().values();
        double[] xs = grid.x().values();
        for (int j = 0; j < ys.length; j++) {
            int step = j == 0 || j == ys.length - 1 ? 1 : xs.length - 1;
            for (int i = 0; i < xs.length; i += step) {
                double[] p = locations.latLon(ys[j], xs[i]);
                e[0] = Math.min(e[0], p[1]);
                e[1] = Math.max(e[1], p[1]);
                e[2] = Math.min(e[2], p[0]);
                e[3] = Math.max(e[3], p[0]);
            }
        }
        return e;
    }

    /** True when {@code region}'s box holds grid cells and reaches no further than half a cell beyond the grid. */
    public static boolean inside(Region region, Grid source) {
        double spacing = source.x().spacing();
        return source.x().indicesWithin(region.xMin(), region.xMax()).length == 2
                && source.y().indicesWithin(region.yMin(), region.yMax()).length == 2
                && region.xMin() >= source.x().min() - spacing / 2 && region.xMax() <= source.x().max() + spacing / 2
                && region.yMin() >= source.y().min() - spacing / 2 && region.yMax() <= source.y().max() + spacing / 2;
    }

    private static Axis coarsen(Axis axis, int first, int n, int factor) {
        double[] centres = new double[n];
        for (int i = 0; i < n; i++) {
            double sum = 0;
            for (int k = 0; k < factor; k++) {
                sum += axis.values()[first + i * factor + k];
            }
            centres[i] = sum / factor;
        }
        return new Axis(axis.name(), axis.standardName(), axis.units(), centres);
    }

    public int height() {
        return grid.ny();
    }

    public int width() {
        return grid.nx();
    }

    /** The source cells the region takes: the only part of a frame that needs reading. */
    public CellBlock block() {
        return new CellBlock(y0, x0, height() * factor, width() * factor);
    }

    /** The region's values from a full source frame: block means over the cells that are not missing. */
    public float[] extract(float[] source) {
        return blockMeans(source, sourceGrid.nx(), y0, x0);
    }

    /** The region's values from the values of its {@link #block()} alone, as a reader returns them. */
    public float[] extractBlock(float[] block) {
        return blockMeans(block, width() * factor, 0, 0);
    }

    /** Means of each factor x factor block of {@code source} (rows of {@code rowLength}) from row y0, column x0. */
    private float[] blockMeans(float[] source, int sourceNx, int y0, int x0) {
        float[] out = new float[height() * width()];
        for (int j = 0; j < height(); j++) {
            for (int i = 0; i < width(); i++) {
                double sum = 0;
                int n = 0;
                for (int dj = 0; dj < factor; dj++) {
                    int row = (y0 + j * factor + dj) * sourceNx + x0 + i * factor;
                    for (int di = 0; di < factor; di++) {
                        float v = source[row + di];
                        if (!Float.isNaN(v)) {
                            sum += v;
                            n++;
                        }
                    }
                }
                out[j * width() + i] = n == 0 ? Float.NaN : (float) (sum / n);
            }
        }
        return out;
    }

    /** For a categorical layer: the most common class of each block (the smallest on a tie), missing left out. */
    public float[] extractMode(float[] source) {
        int sourceNx = sourceGrid.nx();
        float[] out = new float[height() * width()];
        for (int j = 0; j < height(); j++) {
            for (int i = 0; i < width(); i++) {
                java.util.TreeMap<Float, Integer> counts = new java.util.TreeMap<>();
                for (int dj = 0; dj < factor; dj++) {
                    int row = (y0 + j * factor + dj) * sourceNx + x0 + i * factor;
                    for (int di = 0; di < factor; di++) {
                        float v = source[row + di];
                        if (!Float.isNaN(v)) {
                            counts.merge(v, 1, Integer::sum);
                        }
                    }
                }
                out[j * width() + i] = counts.isEmpty() ? Float.NaN
                        : counts.entrySet().stream().max(java.util.Map.Entry.<Float, Integer>comparingByValue()
                                .thenComparing(java.util.Map.Entry.comparingByKey(java.util.Comparator.reverseOrder())))
                        .orElseThrow().getKey();
            }
        }
        return out;
    }

    @Override
    public String toString() {
        return region.name() + " " + height() + "x" + width() + " (from " + Arrays.toString(new int[] {y0, x0})
                + ", factor " + factor + ")";
    }
}
