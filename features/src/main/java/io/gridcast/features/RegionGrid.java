package io.gridcast.features;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Grid;
import java.io.Serializable;
import java.util.Arrays;

/**
 * A region cut from the archive grid and block-averaged to the region's cell size: which source cells it
 * takes, and the resulting model grid (same projection, coarser axes).
 */
public record RegionGrid(Region region, int y0, int x0, int factor, Grid sourceGrid, Grid grid) implements Serializable {

    /** Fits {@code region} onto {@code source}; a box outside the grid or an odd cell size is a clear error. */
    public static RegionGrid of(Region region, Grid source) {
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
        Grid grid = new Grid(coarsen(source.y(), ys[0], ny, factor), coarsen(source.x(), xs[0], nx, factor),
                source.mapping());
        return new RegionGrid(region, ys[0], xs[0], factor, source, grid);
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
