package io.gridcast.ingest.statics;

import static io.gridcast.ingest.TinyNc.var;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.TinyNc;
import io.gridcast.ingest.Tools;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.read.CfNetcdfReader;
import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.synth.SyntheticArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.ma2.DataType;

/** Static layers from small hand-made files, each checked against values worked out by hand. */
class StaticLayersTest {

    @TempDir
    Path dir;

    /** A latitude/longitude target grid (degrees), rows in the given order. */
    private static Grid latLonGrid(double[] lat, double[] lon) {
        return new Grid(new Axis("lat", "latitude", "degrees_north", lat), new Axis("lon", "longitude", "degrees_east", lon), null);
    }

    /** A lat/lon source file: {@code z(lat, lon)} float, with optional global attributes. */
    private Path source(String name, double[] lat, double[] lon, float[] z, Object... zAttributes) throws IOException {
        Map<String, Integer> dims = new LinkedHashMap<>();
        dims.put("lat", lat.length);
        dims.put("lon", lon.length);
        return TinyNc.write(dir.resolve(name), dims, List.of(
                var("lat", DataType.DOUBLE, "lat", lat, "units", "degrees_north"),
                var("lon", DataType.DOUBLE, "lon", lon, "units", "degrees_east"),
                var("z", DataType.FLOAT, "lat lon", z, zAttributes)));
    }

    @Test
    void wrapsAModuloLongitudeAxisAcrossItsSeamWhateverTheTargetConvention() throws IOException {
        // Like ETOPO20: 10E..370E every 30 degrees, the 13th column repeating the first; value 100 x column.
        double[] lon = new double[13];
        float[] z = new float[3 * 13];
        for (int i = 0; i < 13; i++) {
            lon[i] = 10 + 30 * i;
            for (int j = 0; j < 3; j++) {
                z[j * 13 + i] = 100 * (i % 12);
            }
        }
        Path file = source("modulo.nc", new double[] {-60, 0, 60}, lon, z, "units", "m");
        // Target in -180..180: 5E lies between 340E (1100) and 370E = 10E (0), 5/6 of the way; -175 = 185E.
        Grid target = latLonGrid(new double[] {0, 30}, new double[] {-175, 5, 10, 20});
        StaticField f = StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", file, "z").withMethod("bilinear")),
                target, null).get(0);

        assertThat(f.at(0, 0)).isCloseTo(500 + 100 * 25f / 30, within(1e-3f));
        assertThat(f.at(0, 1)).isCloseTo(1100 * (1 - 25f / 30), within(1e-3f));
        assertThat(f.at(0, 2)).isCloseTo(0f, within(1e-3f));
        assertThat(f.at(0, 3)).isCloseTo(100 / 3f, within(1e-3f));
        assertThat(f.at(1, 1)).as("every latitude the same").isCloseTo(f.at(0, 1), within(1e-3f));
        assertThat(f.units()).isEqualTo("m");
    }

    @Test
    void anUnreferencedDataGridTakesNoStaticLayerAndTheErrorNamesIt() throws IOException {
        Path file = source("z.nc", new double[] {50, 51}, new double[] {0, 1}, new float[4], "units", "m");
        Grid plain = new Grid(new Axis("y", "", "", new double[] {0, 1}), new Axis("x", "", "", new double[] {0, 1}), null);

        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", file, "z")), plain,
                null, "regions[0].static_layers"))
                .isInstanceOf(StaticLayerException.class)
                .hasMessageStartingWith("regions[0].static_layers[0]: expected a data grid on the Earth to regrid static"
                        + " layer 'elevation' onto; the data grid 2x2 unreferenced");
    }

    @Test
    void pixelRegisteredGridsCoverHalfACellBeyondTheirCentresNodeRegisteredOnesDoNot() throws IOException {
        double[] lat = {50.5, 51.5};
        double[] lon = {3.5, 4.5, 5.5};
        float[] z = {1, 2, 3, 4, 5, 6};
        Path pixel = source("pixel.nc", lat, lon, z, "node_offset", 1);
        Path node = source("node.nc", lat, lon, z, "node_offset", 0);
        // Row at 51.8N (inside a pixel grid's top half cell), columns 3.2E (likewise), 4E (between nodes) and 6.2E (outside both).
        Grid target = latLonGrid(new double[] {51.8, 51.0}, new double[] {3.2, 4.0, 6.2});

        StaticField p = StaticLayers.load(List.of(StaticLayerSpec.continuous("z", pixel, "z").withUnits("m")), target, null).get(0);
        StaticField n = StaticLayers.load(List.of(StaticLayerSpec.continuous("z", node, "z").withUnits("m")), target, null).get(0);

        assertThat(p.at(0, 0)).as("edge cell's value in the outer half cell").isEqualTo(4f);
        assertThat(p.at(0, 1)).isCloseTo(4.5f, within(1e-5f));
        assertThat(p.at(1, 1)).isCloseTo((1 + 2 + 4 + 5) / 4f, within(1e-5f));
        assertThat(p.at(0, 2)).isNaN();
        assertThat(n.at(0, 0)).as("beyond the outer node: not covered").isNaN();
        assertThat(n.at(0, 1)).isNaN();
        assertThat(n.at(1, 1)).isCloseTo((1 + 2 + 4 + 5) / 4f, within(1e-5f));
        assertThat(n.at(1, 2)).isNaN();
    }

    @Test
    void latitudeInEitherOrderGivesTheSameField() throws IOException {
        float[] southFirst = {10, 20, 30, 40};
        float[] northFirst = {30, 40, 10, 20};
        Path a = source("south.nc", new double[] {0, 1}, new double[] {0, 1}, southFirst, "units", "m");
        Path b = source("north.nc", new double[] {1, 0}, new double[] {0, 1}, northFirst, "units", "m");
        Grid target = latLonGrid(new double[] {0.75, 0.25}, new double[] {0.25, 0.75});

        float[] fa = StaticLayers.load(List.of(StaticLayerSpec.continuous("z", a, "z")), target, null).get(0).values();
        float[] fb = StaticLayers.load(List.of(StaticLayerSpec.continuous("z", b, "z")), target, null).get(0).values();

        assertThat(fa).containsExactly(fb);
        // At 0.75N, 0.25E: 10 x 0.1875 + 20 x 0.0625 + 30 x 0.5625 + 40 x 0.1875.
        assertThat(fa[0]).isCloseTo(27.5f, within(1e-4f));
    }

    @Test
    void aMuchFinerSourceIsAveragedOverEachTargetCellAndCategoriesTakeTheMajority() throws IOException {
        // 8 x 8 one-degree cells (centres 0.5..7.5) onto 2 x 2 four-degree cells (centres 2 and 6).
        double[] c = {0.5, 1.5, 2.5, 3.5, 4.5, 5.5, 6.5, 7.5};
        float[] z = new float[64];
        float[] classes = new float[64];
        for (int j = 0; j < 8; j++) {
            for (int i = 0; i < 8; i++) {
                z[j * 8 + i] = 10 * j + i;
                classes[j * 8 + i] = (i < 3 || j < 3) ? 1 : 0;
            }
        }
        Path file = source("fine.nc", c, c, z, "units", "m");
        Path mask = source("mask.nc", c, c, classes);
        Grid target = latLonGrid(new double[] {2, 6}, new double[] {2, 6});

        List<StaticField> fields = StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", file, "z"),
                StaticLayerSpec.categorical("land_sea", mask, "z")), target, null);

        StaticField mean = fields.get(0);
        assertThat(mean.provenance()).contains("area-mean");
        // Rows 0..3, columns 0..3: mean of 10 j + i = 15 + 1.5; rows and columns 4..7: 55 + 5.5.
        assertThat(mean.at(0, 0)).isCloseTo(16.5f, within(1e-4f));
        assertThat(mean.at(1, 1)).isCloseTo(60.5f, within(1e-4f));
        StaticField majority = fields.get(1);
        assertThat(majority.provenance()).contains("majority");
        assertThat(majority.categorical()).isTrue();
        assertThat(majority.values()).containsExactly(1, 1, 1, 0);
    }

    @Test
    void aCategoricalLayerKeepsOnlyTheSourceClasses() throws IOException {
        float[] classes = {0, 1, 2, 1, 4, 0, 3, 1, 0};
        Path mask = source("classes.nc", new double[] {0, 1, 2}, new double[] {0, 1, 2}, classes);
        double[] t = new double[17];
        for (int k = 0; k < t.length; k++) {
            t[k] = -0.4 + 2.8 * k / 16;
        }
        StaticField f = StaticLayers.load(List.of(StaticLayerSpec.categorical("land_sea", mask, "z")), latLonGrid(t, t), null).get(0);
        assertThat(f.provenance()).contains("nearest");
        for (float v : f.values()) {
            assertThat(v).isIn(0f, 1f, 2f, 3f, 4f);
        }
        assertThat(f.at(16, 16)).isEqualTo(0f);
        assertThat(f.at(8, 8)).isEqualTo(4f);
    }

    @Test
    void aProjectedTargetIsLocatedThroughItsGridMapping() throws IOException {
        // A field equal to latitude, onto the synthetic archive's Albers grid (1-km cells centred on 50N 10E).
        double[] lat = {49, 50, 51};
        double[] lon = {9, 10, 11};
        Path file = source("lat.nc", lat, lon, new float[] {49, 49, 49, 50, 50, 50, 51, 51, 51}, "units", "m");
        Grid target = SyntheticArchive.grid(16);
        StaticField f = StaticLayers.load(List.of(StaticLayerSpec.continuous("lat", file, "z")), target, null).get(0);
        for (int j = 0; j < 16; j++) {
            double y = target.y().values()[j];
            // Within 1 km of the projection origin: about 111.2 km per degree northward.
            assertThat((double) f.at(j, 8)).isCloseTo(50 + y / 111.2, within(0.002));
        }
    }

    /** EURO-CORDEX's rotated pole: the rotated origin lies at 50.75N 18E, the rotated meridian 0 along 18E. */
    private static final Object[] CORDEX_POLE = {"grid_mapping_name", "rotated_latitude_longitude",
        "grid_north_pole_latitude", 39.25, "grid_north_pole_longitude", -162.0};

    @Test
    void aRotatedPoleSourceIsFoundThroughItsPoleWhateverItsAxesAreCalled() throws IOException {
        // As EURO-CORDEX writes them: rlat/rlon in "degrees" with standard names grid_latitude/grid_longitude.
        // The field is the rotated latitude; along 18E it is the true latitude less 50.75.
        double[] r = {-2, -1, 0, 1, 2};
        float[] z = new float[25];
        for (int k = 0; k < 25; k++) {
            z[k] = (float) r[k / 5];
        }
        Map<String, Integer> dims = new LinkedHashMap<>();
        dims.put("rlat", 5);
        dims.put("rlon", 5);
        Path file = TinyNc.write(dir.resolve("orog_cordex.nc"), dims, List.of(
                var("rlat", DataType.DOUBLE, "rlat", r, "units", "degrees", "standard_name", "grid_latitude"),
                var("rlon", DataType.DOUBLE, "rlon", r, "units", "degrees", "standard_name", "grid_longitude"),
                var("rotated_pole", DataType.CHAR, "", null, CORDEX_POLE),
                var("orog", DataType.FLOAT, "rlat rlon", z, "units", "m", "grid_mapping", "rotated_pole")));
        Grid target = latLonGrid(new double[] {51.5, 51.0, 50.5, 49.5}, new double[] {17.9, 18.0, 18.1});
        StaticField f = StaticLayers.load(List.of(StaticLayerSpec.continuous("orog", file, "orog")), target, null).get(0);
        for (int j = 0; j < 4; j++) {
            assertThat((double) f.at(j, 1)).isCloseTo(target.y().values()[j] - 50.75, within(1e-4));
        }
    }

    /** A file cdo made on a EURO-CORDEX-like rotated grid: {@code lat2}, {@code lon2} hold cdo's own cell centres. */
    private Path cdoRotatedGrid() throws IOException, InterruptedException {
        Path description = Files.writeString(dir.resolve("rotated.txt"), String.join("\n", "gridtype = projection",
                "xsize = 9", "ysize = 7", "xname = rlon", "xunits = degrees", "yname = rlat", "yunits = degrees",
                "xfirst = -2", "xinc = 0.5", "yfirst = -1.5", "yinc = 0.5", "grid_mapping = rotated_pole",
                "grid_mapping_name = rotated_latitude_longitude", "grid_north_pole_longitude = -162.",
                "grid_north_pole_latitude = 39.25", ""));
        Path file = dir.resolve("cdo-rotated.nc");
        Tools.run("cdo", "-s", "-f", "nc", "-expr,lat2=clat(const);lon2=clon(const)", "-const,1," + description, file.toString());
        return file;
    }

    @Test
    void rotatedPoleGridsWorkAsSourceAndAsTargetAsCdoLocatesThem() throws Exception {
        Path file = cdoRotatedGrid();
        Frame lat2 = new CfNetcdfReader().readStatic(file, "lat2");
        Frame lon2 = new CfNetcdfReader().readStatic(file, "lon2");
        Grid rotated = lat2.grid();
        assertThat(rotated.mapping().mappingName()).isEqualTo("rotated_latitude_longitude");

        // Target: latitude and longitude from a plain grid, regridded onto the rotated grid, are cdo's centres.
        double[] lat = {49, 50, 51, 52, 53};
        double[] lon = {14, 16, 18, 20, 22};
        float[] latField = new float[25];
        float[] lonField = new float[25];
        for (int k = 0; k < 25; k++) {
            latField[k] = (float) lat[k / 5];
            lonField[k] = (float) lon[k % 5];
        }
        Path latFile = source("lat.nc", lat, lon, latField, "units", "degrees_north");
        Path lonFile = source("lon.nc", lat, lon, lonField, "units", "degrees_east");
        List<StaticField> onRotated = StaticLayers.load(List.of(StaticLayerSpec.continuous("lat", latFile, "z"),
                StaticLayerSpec.continuous("lon", lonFile, "z")), rotated, null);
        for (int k = 0; k < rotated.cells(); k++) {
            assertThat((double) onRotated.get(0).values()[k]).isCloseTo(lat2.values()[k], within(1e-3));
            assertThat((double) onRotated.get(1).values()[k]).isCloseTo(lon2.values()[k], within(1e-3));
        }

        // Source: cdo's centres, regridded from the rotated grid onto a plain one, give each target cell's position.
        Grid plain = latLonGrid(new double[] {51.5, 51.0, 50.5, 50.0}, new double[] {17.0, 17.5, 18.0, 18.5, 19.0});
        List<StaticField> onPlain = StaticLayers.load(List.of(StaticLayerSpec.continuous("lat", file, "lat2"),
                StaticLayerSpec.continuous("lon", file, "lon2")), plain, null);
        for (int j = 0; j < plain.ny(); j++) {
            for (int i = 0; i < plain.nx(); i++) {
                assertThat((double) onPlain.get(0).at(j, i)).isCloseTo(plain.y().values()[j], within(2e-3));
                assertThat((double) onPlain.get(1).at(j, i)).isCloseTo(plain.x().values()[i], within(2e-3));
            }
        }
    }

    /**
     * A curvilinear grid of 6 x 7 cells, sheared: latitude 50 + 0.1 j + 0.02 i, longitude 10 + 0.1 i + 0.03 j.
     * Fields {@code lat_field} and {@code lon_field} hold each cell's own latitude and longitude.
     */
    private Path shearedCurvilinear() throws IOException {
        double[] lat = new double[42];
        double[] lon = new double[42];
        float[] latField = new float[42];
        float[] lonField = new float[42];
        for (int k = 0; k < 42; k++) {
            lat[k] = 50 + 0.1 * (k / 7) + 0.02 * (k % 7);
            lon[k] = 10 + 0.1 * (k % 7) + 0.03 * (k / 7);
            latField[k] = (float) lat[k];
            lonField[k] = (float) lon[k];
        }
        Map<String, Integer> dims = new LinkedHashMap<>();
        dims.put("y", 6);
        dims.put("x", 7);
        return TinyNc.write(dir.resolve("sheared.nc"), dims, List.of(
                var("lat", DataType.DOUBLE, "y x", lat, "standard_name", "latitude", "units", "degrees_north"),
                var("lon", DataType.DOUBLE, "y x", lon, "standard_name", "longitude", "units", "degrees_east"),
                var("lat_field", DataType.FLOAT, "y x", latField, "units", "degrees_north", "coordinates", "lat lon"),
                var("lon_field", DataType.FLOAT, "y x", lonField, "units", "degrees_east", "coordinates", "lat lon")));
    }

    @Test
    void aCurvilinearSourceIsSampledWhereItsCellsLie() throws IOException {
        Path file = shearedCurvilinear();
        // Inside the sheared grid: between its rows 1..4 and columns 1..5.
        Grid target = latLonGrid(new double[] {50.45, 50.35, 50.25}, new double[] {10.25, 10.35, 10.45});
        List<StaticField> f = StaticLayers.load(List.of(StaticLayerSpec.continuous("lat", file, "lat_field"),
                StaticLayerSpec.continuous("lon", file, "lon_field")), target, null);
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                assertThat((double) f.get(0).at(j, i)).isCloseTo(target.y().values()[j], within(1e-4));
                assertThat((double) f.get(1).at(j, i)).isCloseTo(target.x().values()[i], within(1e-4));
            }
        }
        Grid beyond = latLonGrid(new double[] {52, 51}, new double[] {10.2, 10.3});
        assertThat(StaticLayers.load(List.of(StaticLayerSpec.continuous("lat", file, "lat_field")), beyond, null)
                .get(0).values()).as("beyond the curvilinear grid").containsOnly(Float.NaN);
    }

    @Test
    void aCurvilinearTargetTakesEachCellsOwnPositionAndIsCachedAsItself() throws Exception {
        Path file = shearedCurvilinear();
        Grid curvilinear = new CfNetcdfReader().readStatic(file, "lat_field").grid();
        double[] lat = {49.5, 50.0, 50.5, 51.0};
        double[] lon = {9.5, 10.0, 10.5, 11.0, 11.5};
        float[] latField = new float[20];
        for (int k = 0; k < 20; k++) {
            latField[k] = (float) lat[k / 5];
        }
        Path plain = source("plain-lat.nc", lat, lon, latField, "units", "degrees_north");
        Path cache = dir.resolve("cache");
        List<StaticLayerSpec> spec = List.of(StaticLayerSpec.continuous("lat", plain, "z"));
        StaticField f = StaticLayers.load(spec, curvilinear, cache).get(0);
        for (int k = 0; k < 42; k++) {
            assertThat((double) f.values()[k]).isCloseTo(curvilinear.geolocation().lat()[k], within(1e-4));
        }
        Path cached;
        try (Stream<Path> files = Files.list(cache)) {
            cached = files.filter(p -> p.toString().endsWith(".nc")).findFirst().orElseThrow();
        }
        Files.setLastModifiedTime(cached, FileTime.from(Instant.parse("2020-01-01T00:00:00Z")));
        assertThat(StaticLayers.load(spec, curvilinear, cache).get(0).values()).containsExactly(f.values());
        assertThat(Files.getLastModifiedTime(cached).toInstant()).as("read back, not regridded again")
                .isEqualTo(Instant.parse("2020-01-01T00:00:00Z"));
    }

    @Test
    void cdosCurvilinearGridIsATargetForItsRotatedPoleSource() throws Exception {
        Path rotated = cdoRotatedGrid();
        Path curvilinearFile = dir.resolve("cdo-curvilinear.nc");
        Tools.run("cdo", "-s", "-f", "nc", "-setgridtype,curvilinear", rotated.toString(), curvilinearFile.toString());
        Grid curvilinear = new CfNetcdfReader().readStatic(curvilinearFile, "lat2").grid();
        assertThat(curvilinear.geolocation()).as("cdo's lat(y, x), lon(y, x)").isNotNull();

        List<StaticField> f = StaticLayers.load(List.of(StaticLayerSpec.continuous("lat", rotated, "lat2"),
                StaticLayerSpec.continuous("lon", rotated, "lon2")), curvilinear, null);
        for (int k = 0; k < curvilinear.cells(); k++) {
            assertThat((double) f.get(0).values()[k]).isCloseTo(curvilinear.geolocation().lat()[k], within(1e-4));
            assertThat((double) f.get(1).values()[k]).isCloseTo(curvilinear.geolocation().lon()[k], within(1e-4));
        }
    }

    @Test
    void slopeAndAspectOfAPlaneInTrueDistances() {
        // On a lat/lon grid near 60N a rise of 1 m per 0.01 degree northward: slope 1 / 1112 m, facing south.
        double[] lat = {60.02, 60.01, 60.00};
        double[] lon = {5.00, 5.01, 5.02};
        Grid grid = latLonGrid(lat, lon);
        float[] z = new float[9];
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                z[j * 3 + i] = (float) ((lat[j] - 60) * 100);
            }
        }
        StaticField elevation = new StaticField("elevation", "m", false, grid, z, "test");
        double metresPerDegree = Math.toRadians(1) * DerivedLayers.EARTH_RADIUS_M;
        StaticField slope = DerivedLayers.derive("slope", elevation);
        StaticField aspect = DerivedLayers.derive("aspect", elevation);
        for (int k = 0; k < 9; k++) {
            assertThat((double) slope.values()[k]).isCloseTo(100 / metresPerDegree, within(1e-6));
            assertThat((double) aspect.values()[k]).isCloseTo(180, within(0.01));
        }

        // Rising eastward on the same grid: 1 m per 0.01 degree of longitude is twice as steep at 60N (cos 60 = 1/2).
        for (int j = 0; j < 3; j++) {
            for (int i = 0; i < 3; i++) {
                z[j * 3 + i] = (float) ((lon[i] - 5) * 100);
            }
        }
        StaticField east = new StaticField("elevation", "m", false, grid, z, "test");
        assertThat((double) DerivedLayers.derive("slope", east).at(1, 1)).isCloseTo(100 / (metresPerDegree * Math.cos(Math.toRadians(60.01))), within(1e-6));
        assertThat((double) DerivedLayers.derive("aspect", east).at(1, 1)).as("faces west").isCloseTo(270, within(0.01));
        StaticField flat = new StaticField("elevation", "m", false, grid, new float[9], "test");
        assertThat(DerivedLayers.derive("aspect", flat).values()).as("no aspect on flat ground").containsOnly(Float.NaN);
    }

    @Test
    void theSyntheticElevationLoadsOnTheArchiveGridAndIsCachedOnce() throws IOException {
        SyntheticArchive.Result archive = SyntheticArchive.write(dir.resolve("synth"),
                new SyntheticArchive.Spec(1, 32, 7L, Duration.ofMinutes(5), Instant.parse("2026-01-01T00:00:00Z")));
        Path cache = dir.resolve("cache");
        List<StaticLayerSpec> layers = List.of(StaticLayerSpec.continuous("elevation", archive.elevation(), "elevation"),
                StaticLayerSpec.derived("slope", "elevation"), StaticLayerSpec.derived("aspect", "elevation"));

        List<StaticField> first = StaticLayers.load(layers, archive.grid(), cache);
        assertThat(first).extracting(StaticField::name).containsExactly("elevation", "slope", "aspect");
        assertThat(first.get(0).provenance()).contains("on the data grid");
        assertThat(first.get(0).coverage()).isEqualTo(1.0);
        assertThat(first.get(1).units()).isEqualTo("1");
        assertThat(first.get(2).units()).isEqualTo("degree");
        float max = 0;
        for (float v : first.get(0).values()) {
            max = Math.max(max, v);
        }
        assertThat(max).as("the synthetic terrain has hills").isGreaterThan(100);

        List<Path> cached = files(cache);
        assertThat(cached).hasSize(1);
        FileTime written = Files.getLastModifiedTime(cached.get(0));
        List<StaticField> second = StaticLayers.load(layers, archive.grid(), cache);
        assertThat(second.get(0).values()).containsExactly(first.get(0).values());
        assertThat(second.get(0).provenance()).isEqualTo(first.get(0).provenance());
        assertThat(Files.getLastModifiedTime(cached.get(0))).as("read, not written again").isEqualTo(written);

        // A changed source file is a new key: regridded again, beside the old one.
        Files.setLastModifiedTime(archive.elevation(), FileTime.fromMillis(written.toMillis() + 60_000));
        StaticLayers.load(layers, archive.grid(), cache);
        assertThat(files(cache)).hasSize(2);
    }

    @Test
    void badLayersAreClearErrorsNamingTheKeyAndTheFile() throws IOException {
        Path file = source("z.nc", new double[] {0, 1}, new double[] {0, 1}, new float[4], "units", "m");
        Grid target = latLonGrid(new double[] {0, 1}, new double[] {0, 1});

        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", dir.resolve("nope.nc"), "z")), target, null))
                .hasMessageContaining("static_layers[0].file").hasMessageContaining("nope.nc").hasMessageContaining("does not exist");
        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", file, "ROSE")), target, null))
                .hasMessageContaining("static_layers[0].variable").hasMessageContaining("z.nc").hasMessageContaining("no 'ROSE'")
                .hasMessageContaining("lat, lon, z");
        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", file, "z").withMethod("cubic")), target, null))
                .hasMessageContaining("static_layers[0].method").hasMessageContaining("[bilinear, nearest, area-mean, majority]");
        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.categorical("mask", file, "z").withMethod("bilinear")), target, null))
                .hasMessageContaining("static_layers[0].method").hasMessageContaining("categorical");
        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.derived("slope", "elevation")), target, null))
                .hasMessageContaining("static_layers[0].derived_from").hasMessageContaining("'elevation'");
        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", file, "z"),
                StaticLayerSpec.derived("curvature", "elevation")), target, null))
                .hasMessageContaining("static_layers[1].name").hasMessageContaining("[slope, aspect]");
        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", file, "z").withUnits("ft")), target, null))
                .hasMessageContaining("static_layers[0].units").hasMessageContaining("'m'").hasMessageContaining("'ft'");
        Path noUnits = source("nounits.nc", new double[] {0, 1}, new double[] {0, 1}, new float[4]);
        assertThatThrownBy(() -> StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", noUnits, "z"),
                StaticLayerSpec.derived("slope", "elevation")), target, null))
                .hasMessageContaining("static_layers[1].derived_from").hasMessageContaining("units: m");
    }

    private static List<Path> files(Path folder) throws IOException {
        try (Stream<Path> s = Files.list(folder)) {
            return s.sorted().toList();
        }
    }
}
