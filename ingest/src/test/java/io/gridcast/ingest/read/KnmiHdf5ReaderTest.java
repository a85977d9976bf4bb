package io.gridcast.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.SharedData;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.unidata.geoloc.Earth;
import ucar.unidata.geoloc.LatLonPointImpl;
import ucar.unidata.geoloc.ProjectionPoint;
import ucar.unidata.geoloc.ProjectionPointImpl;
import ucar.unidata.geoloc.projection.proj4.StereographicAzimuthalProjection;

/** The KNMI importer on the real 2010-08-26 composites. */
class KnmiHdf5ReaderTest {

    private static final String DAY = "radar/knmi-20100826";

    @TempDir
    Path tmp;

    private final FrameReader reader = FrameReaders.byName("knmi-hdf5");

    @Test
    void readsGridTimeAndCalibratedRainfall() throws UnusableFileException {
        Path file = SharedData.require(DAY).resolve("RAD_NL25_RAP_5min_201008260600.h5");
        try (FrameSource source = reader.open(file, "accumulated_precipitation")) {
            assertThat(source.times()).containsExactly(Instant.parse("2010-08-26T06:00:00Z"));
            assertThat(source.units()).isEqualTo("mm");
            Grid grid = source.grid();
            assertThat(grid.ny()).isEqualTo(765);
            assertThat(grid.nx()).isEqualTo(700);
            assertThat(grid.x().values()[0]).isEqualTo(0.5);
            assertThat(grid.y().values()[0]).isEqualTo(-3650.5);
            assertThat(grid.y().values()[764]).isEqualTo(-4414.5);
            GridMapping mapping = grid.mapping();
            assertThat(mapping.mappingName()).isEqualTo("polar_stereographic");
            assertThat(mapping.numberAttributes().get("standard_parallel")).containsExactly(60.0);
            assertThat(mapping.numberAttributes().get("semi_major_axis")).containsExactly(6378137.0);
            assertThat(mapping.textAttributes().get("proj4_params")).startsWith("+proj=stere");

            // Figures checked independently with the netCDF4 Python module on the same file: 398,271 cells are
            // 65535, the largest pixel value is 96 and 82,105 cells are above 0.
            Frame frame = source.frame(0);
            float max = 0;
            int missing = 0;
            int wet = 0;
            for (float v : frame.values()) {
                if (Float.isNaN(v)) {
                    missing++;
                } else {
                    max = Math.max(max, v);
                    wet += v > 0 ? 1 : 0;
                }
            }
            assertThat(missing).isEqualTo(398_271);
            assertThat(wet).isEqualTo(82_105);
            assertThat(max).isEqualTo(0.96f);
        }
    }

    /** The file's own corner coordinates, projected with its proj4 parameters, land on the grid's corners. */
    @Test
    void gridCornersMatchTheStatedLatitudeLongitudeCorners() throws UnusableFileException {
        Path file = SharedData.require(DAY).resolve("RAD_NL25_RAP_5min_201008260000.h5");
        Grid grid;
        try (FrameSource source = reader.open(file, "accumulated_precipitation")) {
            grid = source.grid();
        }
        StereographicAzimuthalProjection stere = new StereographicAzimuthalProjection(90, 0, 1, 60, 0, 0,
                new Earth(6378137, 6356752, 0));
        // geo_product_corners: lower left (0E, 49.362N), upper left (0E, 55.974N), upper right (10.856E, 55.389N).
        ProjectionPoint lowerLeft = stere.latLonToProj(new LatLonPointImpl(49.362, 0), new ProjectionPointImpl());
        ProjectionPoint upperLeft = stere.latLonToProj(new LatLonPointImpl(55.974, 0), new ProjectionPointImpl());
        ProjectionPoint upperRight = stere.latLonToProj(new LatLonPointImpl(55.389, 10.856), new ProjectionPointImpl());
        double half = 0.5;
        assertThat(upperLeft.getX()).isCloseTo(grid.x().values()[0] - half, within(1.0));
        assertThat(upperLeft.getY()).isCloseTo(grid.y().values()[0] + half, within(1.0));
        assertThat(lowerLeft.getY()).isCloseTo(grid.y().values()[764] - half, within(1.0));
        assertThat(upperRight.getX()).isCloseTo(grid.x().values()[699] + half, within(1.0));
    }

    @Test
    void blocksOfAFrameEqualTheSameCellsOfTheWholeFrame() throws UnusableFileException {
        Path file = SharedData.require(DAY).resolve("RAD_NL25_RAP_5min_201008260600.h5");
        try (FrameSource source = reader.open(file, "accumulated_precipitation")) {
            BlockReads.assertEqualToCutsOfTheFrame(source, 0);
        }
    }

    @Test
    void anUnknownVariableNamesTheImagesOnOffer() {
        Path file = SharedData.require(DAY).resolve("RAD_NL25_RAP_5min_201008260000.h5");
        assertThatThrownBy(() -> reader.open(file, "reflectivity")).isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("no image of 'reflectivity'").hasMessageContaining("accumulated_precipitation");
    }

    @Test
    void aTruncatedCompositeIsRejected() throws IOException {
        Path source = SharedData.require(DAY).resolve("RAD_NL25_RAP_5min_201008260000.h5");
        byte[] bytes = Files.readAllBytes(source);
        Path cut = Files.write(tmp.resolve("cut.h5"), java.util.Arrays.copyOf(bytes, bytes.length / 2));
        assertThatThrownBy(() -> {
            try (FrameSource s = reader.open(cut, "accumulated_precipitation")) {
                s.frame(0);
            }
        }).isInstanceOf(UnusableFileException.class).hasMessageContaining("cut.h5");
    }
}
