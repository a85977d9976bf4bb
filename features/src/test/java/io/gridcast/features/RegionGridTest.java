package io.gridcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Geolocation;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.statics.GridLocations;
import io.gridcast.ingest.synth.SyntheticArchive;
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
    void aLongitudeLatitudeBoxTakesEveryCellItsCurvedOutlineEncloses() {
        // The synthetic archive's Albers grid, here 256 cells of 1 km centred on 50N 10E. Parallels are arcs
        // around the pole, so the box's southern edge sags about a kilometre below its corners.
        Grid albers = SyntheticArchive.grid(256);
        Region box = new Region("centre", 8.5, 11.5, 49.5, 50.5, 1.0, true);
        RegionGrid region = RegionGrid.of(box, albers);
        GridLocations locations = new GridLocations(albers);
        assertThat(locations.gridCoordinates(49.5, 10.0)[0]).as("the sag")
                .isLessThan(locations.gridCoordinates(49.5, 8.5)[0] - 0.9);

        // The outline's extent in grid coordinates, from a thousand points an edge.
        double xLo = Double.POSITIVE_INFINITY;
        double xHi = Double.NEGATIVE_INFINITY;
        double yLo = Double.POSITIVE_INFINITY;
        double yHi = Double.NEGATIVE_INFINITY;
        for (int k = 0; k <= 1000; k++) {
            double lon = 8.5 + 3.0 * k / 1000;
            double lat = 49.5 + 1.0 * k / 1000;
            for (double[] p : new double[][] {locations.gridCoordinates(49.5, lon), locations.gridCoordinates(50.5, lon),
                    locations.gridCoordinates(lat, 8.5), locations.gridCoordinates(lat, 11.5)}) {
                xLo = Math.min(xLo, p[1]);
                xHi = Math.max(xHi, p[1]);
                yLo = Math.min(yLo, p[0]);
                yHi = Math.max(yHi, p[0]);
            }
        }
        // The region is exactly the rows and columns of cells (1 km wide) that reach into that extent.
        assertThat(touching(albers.x().values(), xLo, xHi)).containsExactly(region.x0(), region.x0() + region.width() - 1);
        assertThat(touching(albers.y().values(), yLo, yHi)).containsExactly(region.y0(), region.y0() + region.height() - 1);
        assertThat(region.region()).as("kept as configured").isEqualTo(box);
    }

    /** First and last index of the 1-km cells around {@code centres} that overlap {@code [lo, hi]}. */
    private static int[] touching(double[] centres, double lo, double hi) {
        int first = -1;
        int last = -1;
        for (int i = 0; i < centres.length; i++) {
            if (centres[i] + 0.5 > lo && centres[i] - 0.5 < hi) {
                first = first < 0 ? i : first;
                last = i;
            }
        }
        return new int[] {first, last};
    }

    @Test
    void aLongitudeLatitudeBoxBeyondTheGridNamesTheBoxTheGridAndItsExtentInBothSystems() {
        assertThatThrownBy(() -> RegionGrid.of(new Region("alps", 9, 11, 46, 48, 1.0, true), SyntheticArchive.grid(64)))
                .hasMessageStartingWith("region 'alps': box lon [9.0, 11.0] lat [46.0, 48.0] is not inside the data grid "
                        + "64x64 albers_conical_equal_area")
                .hasMessageContaining("the grid's cells span x [-31.5, 31.5] y [-31.5, 31.5] km, lon [9.5")
                .hasMessageContaining("lat [49.7");
    }

    @Test
    void aLongitudeLatitudeBoxOnALatitudeLongitudeGridTakesTheGridsLongitudeConvention() {
        // Columns 0..355 E every 5 degrees; the box -12..12 E crosses the grid's seam, and stays whole nowhere,
        // so it is beyond the grid; 350..360 E written as -10..-5 lies inside.
        double[] lon = new double[72];
        for (int i = 0; i < 72; i++) {
            lon[i] = 5 * i;
        }
        Grid global = new Grid(new Axis("lat", "latitude", "degrees_north", new double[] {60, 55, 50, 45, 40}),
                new Axis("lon", "longitude", "degrees_east", lon), null);
        RegionGrid west = RegionGrid.of(new Region("west", -10, -5, 45, 55, 5.0, true), global);
        assertThat(west.grid().x().values()).containsExactly(350, 355);
        assertThat(west.grid().y().values()).containsExactly(55, 50, 45);
    }

    @Test
    void aLongitudeLatitudeBoxOnACurvilinearGridTakesTheCellsAroundItAndAveragesTheirPositions() {
        // 6 x 8 cells, sheared: latitude 50 + 0.1 j + 0.02 i, longitude 10 + 0.1 i + 0.03 j.
        double[] lat = new double[48];
        double[] lon = new double[48];
        for (int k = 0; k < 48; k++) {
            lat[k] = 50 + 0.1 * (k / 8) + 0.02 * (k % 8);
            lon[k] = 10 + 0.1 * (k % 8) + 0.03 * (k / 8);
        }
        Grid curvilinear = new Grid(new Axis("y", "", "1", new double[] {0, 1, 2, 3, 4, 5}),
                new Axis("x", "", "1", new double[] {0, 1, 2, 3, 4, 5, 6, 7}), null, new Geolocation(lat, lon));
        // Cell (1, 2) lies at 50.14N 10.23E, cell (4, 5) at 50.5N 10.62E.
        RegionGrid region = RegionGrid.of(new Region("inner", 10.23, 10.62, 50.14, 50.5, 2.0, true), curvilinear);

        assertThat(region.block()).isEqualTo(new CellBlock(0, 1, 6, 6));
        assertThat(region.grid().geolocation().lat()[0]).as("mean of cells (0..1, 1..2)")
                .isCloseTo(50 + 0.1 * 0.5 + 0.02 * 1.5, within(1e-12));
        assertThat(region.grid().geolocation().lon()[8]).as("mean of cells (4..5, 5..6)")
                .isCloseTo(10 + 0.1 * 5.5 + 0.03 * 4.5, within(1e-12));
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
