package io.gridcast.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Grid;
import java.util.List;

/** Checks a reader's block reads against the same cells of its whole frame. */
final class BlockReads {

    private BlockReads() {
    }

    /** Blocks at every corner, inside, one row, one column and the whole grid, each equal to the frame's cells. */
    static void assertEqualToCutsOfTheFrame(FrameSource source, int index) throws UnusableFileException {
        Grid g = source.grid();
        float[] frame = source.frame(index).values();
        int ny = g.ny();
        int nx = g.nx();
        List<CellBlock> blocks = List.of(new CellBlock(0, 0, 1, 1), new CellBlock(0, nx - 1, ny, 1),
                new CellBlock(ny - 1, 0, 1, nx), new CellBlock(ny / 3, nx / 4, Math.max(1, ny / 2), Math.max(1, nx / 2)),
                new CellBlock(ny / 2, nx / 2, ny - ny / 2, nx - nx / 2), CellBlock.of(g));
        for (CellBlock b : blocks) {
            float[] expected = new float[b.cells()];
            for (int j = 0; j < b.ny(); j++) {
                for (int i = 0; i < b.nx(); i++) {
                    expected[j * b.nx() + i] = frame[(b.y0() + j) * nx + b.x0() + i];
                }
            }
            assertThat(source.block(index, b)).as("%s of frame %d", b, index).containsExactly(expected);
        }
    }
}
