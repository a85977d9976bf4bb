package io.gridcast.ingest.grid;

import java.io.Serializable;

/**
 * A rectangle of grid cells in file order: rows {@code y0 .. y0 + ny - 1}, columns {@code x0 .. x0 + nx - 1}.
 * A region of a frame is read as one block, so a small region of a large grid costs what a small file would.
 */
public record CellBlock(int y0, int x0, int ny, int nx) implements Serializable {

    public CellBlock {
        if (y0 < 0 || x0 < 0 || ny < 1 || nx < 1) {
            throw new IllegalArgumentException("cell block rows " + y0 + "+" + ny + ", columns " + x0 + "+" + nx
                    + ": expected a non-negative origin and at least one row and column");
        }
    }

    /** The whole of {@code grid}. */
    public static CellBlock of(Grid grid) {
        return new CellBlock(0, 0, grid.ny(), grid.nx());
    }

    public int cells() {
        return ny * nx;
    }

    /** Whether the block lies within {@code grid}. */
    public boolean within(Grid grid) {
        return y0 + ny <= grid.ny() && x0 + nx <= grid.nx();
    }

    /** The block's values cut from a whole frame's row-major values on {@code grid}. */
    public float[] cut(float[] frame, Grid grid) {
        requireWithin(grid);
        float[] out = new float[cells()];
        for (int j = 0; j < ny; j++) {
            System.arraycopy(frame, (y0 + j) * grid.nx() + x0, out, j * nx, nx);
        }
        return out;
    }

    /** Throws naming both when the block reaches beyond {@code grid}. */
    public void requireWithin(Grid grid) {
        if (!within(grid)) {
            throw new IndexOutOfBoundsException(this + " reaches beyond the " + grid.ny() + "x" + grid.nx() + " grid");
        }
    }
}
