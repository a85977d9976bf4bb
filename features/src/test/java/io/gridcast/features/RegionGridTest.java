package io.gridcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Grid;
import org.junit.jupiter.api.Test;

class RegionGridTest {

    /** 8 x 8 cells of 0.5 km, y running north to south as in the BOM radar files. */
    private static final Grid GRID = new Grid(
            new Axis("y", "projection_y_coordinate", "km", new double[] {1.75, 1.25, 0.75, 0.25, -0.25, -0.75, -1.25, -1.75}),
            new Axis("x", "projection_x_coordinate", "km", new double[] {-1.75, -1.25, -0.75, -0.25, 0.25, 0.75, 1.25, 1.75}),
            null);

    @Test
    void cutsTheBoxAndAveragesBlocksOfCells() {
        RegionGrid region = RegionGrid.of(new Region("ne", 0, 2, 0, 2, 1.0), GRID);

        assertThat(region.factor()).isEqualTo(2);
        assertThat(region.grid().x().values()).containsExactly(0.5, 1.5);
        assertThat(region.grid().y().values()).containsExactly(1.5, 0.5);
        float[] source = new float[64];
        for (int i = 0; i < 64; i++) {
            source[i] = i;
        }
        source[4] = Float.NaN; // missing cells are left out of the block mean
        // Top-left block: rows 0-1, columns 4-5 hold 4, 5, 12, 13 -> without the missing 4: 10; then 6, 7, 14, 15 ...
        assertThat(region.extract(source)).containsExactly(10f, 10.5f, 24.5f, 26.5f);
    }

    @Test
    void theRegionNeedsOnlyItsBlockOfCellsAndAveragesItAsTheWholeFrame() {
        RegionGrid region = RegionGrid.of(new Region("ne", 0, 2, 0, 2, 1.0), GRID);
        assertThat(region.block()).isEqualTo(new CellBlock(0, 4, 4, 4));
        float[] source = new float[64];
        for (int i = 0; i < 64; i++) {
            source[i] = i % 5 == 0 ? Float.NaN : i * 0.5f;
        }
        assertThat(region.extractBlock(region.block().cut(source, GRID))).containsExactly(region.extract(source));
    }

    @Test
    void aBoxOutsideTheGridNamesTheRegionAndBothExtents() {
        assertThatThrownBy(() -> RegionGrid.of(new Region("far", 10, 20, 0, 2, 1.0), GRID))
                .hasMessageContaining("region 'far'")
                .hasMessageContaining("is not inside the data grid x [-1.75, 1.75]");
    }

    @Test
    void aCellSizeThatIsNoMultipleOfTheSpacingIsRejected() {
        assertThatThrownBy(() -> RegionGrid.of(new Region("odd", 0, 2, 0, 2, 0.7), GRID))
                .hasMessageContaining("cell_size 0.7 must be a whole multiple of the data spacing 0.5");
    }
}
