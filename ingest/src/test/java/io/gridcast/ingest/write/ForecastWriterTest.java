package io.gridcast.ingest.write;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.Tools;
import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Geolocation;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import io.gridcast.ingest.read.CfNetcdfReader;
import io.gridcast.ingest.read.FrameSource;
import io.gridcast.ingest.synth.SyntheticArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.ma2.Array;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;
import ucar.nc2.dataset.NetcdfDataset;

class ForecastWriterTest {

    @TempDir
    Path tmp;

    private static final Instant REFERENCE = Instant.parse("2026-01-01T06:00:00Z");
    private static final List<Duration> LEADS = List.of(Duration.ofMinutes(5), Duration.ofMinutes(10),
            Duration.ofMinutes(30));

    private static Forecast forecast(Grid grid, List<Duration> leads, float[][] values) {
        return new Forecast(grid, "rain_rate", "mm h-1", "rainfall_rate", "nowcast rain rate", REFERENCE, leads,
                values, "gridcast nowcast", "gridcast persistence 0.1", "2026-01-01 created by test",
                Map.of("region", "synthetic", "model", "persistence"));
    }

    private static float[][] ramp(Grid grid, int leads) {
        float[][] values = new float[leads][grid.cells()];
        for (int i = 0; i < leads; i++) {
            for (int k = 0; k < grid.cells(); k++) {
                values[i][k] = k % 7 == 3 ? Float.NaN : i * 100 + k * 0.25f;
            }
        }
        return values;
    }

    @Test
    void writesCfForecastThatReadsBack() throws Exception {
        Grid grid = SyntheticArchive.grid(16);
        float[][] values = ramp(grid, 3);
        Path file = ForecastWriter.write(tmp.resolve("out/nowcast.nc"), forecast(grid, LEADS, values));

        assertThat(file).isEqualTo(tmp.resolve("out/nowcast.nc").toAbsolutePath());
        try (Stream<Path> s = Files.list(file.getParent())) {
            assertThat(s).as("no temporary file left").containsExactly(file);
        }
        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            assertThat(nc.findDimension("time").getLength()).isEqualTo(3);
            assertThat(nc.findDimension("y").getLength()).isEqualTo(16);
            assertThat(nc.findDimension("x").getLength()).isEqualTo(16);
            assertThat(text(nc, null, "Conventions")).isEqualTo("CF-1.8");
            assertThat(text(nc, null, "institution")).isEqualTo("gridcast");
            assertThat(text(nc, null, "title")).isEqualTo("gridcast nowcast");
            assertThat(text(nc, null, "source")).isEqualTo("gridcast persistence 0.1");
            assertThat(text(nc, null, "history")).isEqualTo("2026-01-01 created by test");
            assertThat(text(nc, null, "region")).isEqualTo("synthetic");
            assertThat(text(nc, null, "model")).isEqualTo("persistence");

            Variable time = nc.findVariable("time");
            assertThat(time.getDataType()).hasToString("double");
            assertThat(text(nc, time, "units")).isEqualTo("seconds since 1970-01-01 00:00:00");
            assertThat(text(nc, time, "standard_name")).isEqualTo("time");
            assertThat(text(nc, time, "calendar")).isEqualTo("standard");
            assertThat(text(nc, time, "axis")).isEqualTo("T");
            assertThat((double[]) time.read().get1DJavaArray(double.class)).containsExactly(
                    REFERENCE.plus(LEADS.get(0)).getEpochSecond(), REFERENCE.plus(LEADS.get(1)).getEpochSecond(),
                    REFERENCE.plus(LEADS.get(2)).getEpochSecond());

            Variable ref = nc.findVariable("forecast_reference_time");
            assertThat(ref.isScalar()).isTrue();
            assertThat(text(nc, ref, "standard_name")).isEqualTo("forecast_reference_time");
            assertThat(text(nc, ref, "units")).isEqualTo("seconds since 1970-01-01 00:00:00");
            assertThat(ref.readScalarDouble()).isEqualTo(REFERENCE.getEpochSecond());

            Variable period = nc.findVariable("forecast_period");
            assertThat(period.getDimensionsString()).isEqualTo("time");
            assertThat(text(nc, period, "units")).isEqualTo("minutes");
            assertThat(text(nc, period, "standard_name")).isEqualTo("forecast_period");
            assertThat((double[]) period.read().get1DJavaArray(double.class)).containsExactly(5, 10, 30);

            Variable y = nc.findVariable("y");
            assertThat(text(nc, y, "standard_name")).isEqualTo("projection_y_coordinate");
            assertThat(text(nc, y, "units")).isEqualTo("km");
            assertThat(text(nc, y, "axis")).isEqualTo("Y");
            assertThat((double[]) y.read().get1DJavaArray(double.class)).containsExactly(grid.y().values());
            assertThat(text(nc, nc.findVariable("x"), "axis")).isEqualTo("X");

            Variable proj = nc.findVariable("proj");
            assertThat(text(nc, proj, "grid_mapping_name")).isEqualTo("albers_conical_equal_area");
            Array parallels = proj.findAttribute("standard_parallel").getValues();
            assertThat((double[]) parallels.get1DJavaArray(double.class)).containsExactly(47.0, 53.0);

            Variable data = nc.findVariable("rain_rate");
            assertThat(data.getDataType()).hasToString("float");
            assertThat(data.getDimensionsString()).isEqualTo("time y x");
            assertThat(text(nc, data, "units")).isEqualTo("mm h-1");
            assertThat(text(nc, data, "standard_name")).isEqualTo("rainfall_rate");
            assertThat(text(nc, data, "long_name")).isEqualTo("nowcast rain rate");
            assertThat(text(nc, data, "grid_mapping")).isEqualTo("proj");
            assertThat(text(nc, data, "coordinates")).isEqualTo("lat lon forecast_reference_time forecast_period");
            assertThat(data.findAttribute("_FillValue").getNumericValue().floatValue()).isEqualTo(ForecastWriter.FILL_VALUE);
        }
        try (NetcdfDataset ds = NetcdfDataset.openDataset(file.toString())) {
            float[] stored = (float[]) ds.findVariable("rain_rate").read().get1DJavaArray(float.class);
            for (int i = 0; i < 3; i++) {
                assertThat(Arrays.copyOfRange(stored, i * grid.cells(), (i + 1) * grid.cells()))
                        .as("lead %d, fill read back as NaN", i).containsExactly(values[i]);
            }
        }
    }

    @Test
    void aProjectedForecastLocatesEveryCellByLatitudeAndLongitude() throws Exception {
        // The synthetic Albers grid of 1-km cells is centred on 50N 10E: about 111.2 km a degree of latitude there.
        Grid grid = SyntheticArchive.grid(16);
        Path file = ForecastWriter.write(tmp.resolve("nowcast.nc"), forecast(grid, LEADS, ramp(grid, 3)));
        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            Variable lat = nc.findVariable("lat");
            Variable lon = nc.findVariable("lon");
            assertThat(lat.getDimensionsString()).isEqualTo("y x");
            assertThat(text(nc, lat, "standard_name")).isEqualTo("latitude");
            assertThat(text(nc, lat, "units")).isEqualTo("degrees_north");
            assertThat(text(nc, lon, "standard_name")).isEqualTo("longitude");
            assertThat(text(nc, lon, "units")).isEqualTo("degrees_east");
            double[] lats = (double[]) lat.read().get1DJavaArray(double.class);
            double[] lons = (double[]) lon.read().get1DJavaArray(double.class);
            for (int k : new int[] {0, 8 * 16 + 8, 16 * 16 - 1}) {
                double y = grid.y().values()[k / 16];
                double x = grid.x().values()[k % 16];
                assertThat(lats[k]).as("cell %d", k).isCloseTo(50 + y / 111.2, within(2e-3));
                assertThat(lons[k]).as("cell %d", k).isCloseTo(10 + x / (111.2 * Math.cos(Math.toRadians(50))), within(2e-3));
            }
        }
    }

    @Test
    void xarrayAndCdoPlaceARotatedPoleForecastByItsLatitudeAndLongitude() throws Exception {
        GridMapping pole = new GridMapping("rotated_pole", Map.of("grid_mapping_name", "rotated_latitude_longitude"),
                Map.of("grid_north_pole_latitude", new double[] {39.25}, "grid_north_pole_longitude", new double[] {-162}));
        Grid grid = new Grid(new Axis("rlat", "grid_latitude", "degrees", new double[] {-0.5, 0, 0.5}),
                new Axis("rlon", "grid_longitude", "degrees", new double[] {-0.5, 0, 0.5, 1}), pole);
        Path file = ForecastWriter.write(tmp.resolve("rotated.nc"), forecast(grid, LEADS, ramp(grid, 3)));

        Tools.requireXarray();
        String printed = Tools.run("/usr/bin/python3", "-c", "import xarray as xr; d = xr.open_dataset('" + file + "');"
                + "r = d.rain_rate; print(sorted(r.coords), r.lat.attrs['standard_name'], r.lon.attrs['units'],"
                + " '%.2f %.2f' % (float(r.lat[1, 1]), float(r.lon[1, 1])))");
        assertThat(printed.strip()).isEqualTo("['forecast_period', 'forecast_reference_time', 'lat', 'lon', 'rlat', "
                + "'rlon', 'time'] latitude degrees_east 50.75 18.00");
        String info = Tools.run("cdo", "sinfon", file.toString());
        assertThat(info).contains("points=12 (4x3)", "mapping : rotated_latitude_longitude");
    }

    @Test
    void aCurvilinearForecastCarriesItsCellsPositionsForXarray() throws Exception {
        Grid grid = new Grid(new Axis("y", "", "1", new double[] {0, 1}), new Axis("x", "", "1", new double[] {0, 1, 2}),
                null, new Geolocation(new double[] {50, 50.1, 50.2, 50.5, 50.6, 50.7},
                        new double[] {10, 10.3, 10.6, 9.9, 10.2, 10.5}));
        Path file = ForecastWriter.write(tmp.resolve("curvilinear.nc"), forecast(grid, LEADS, ramp(grid, 3)));
        try (FrameSource src = new CfNetcdfReader().open(file, "rain_rate")) {
            assertThat(src.grid()).as("read back as the same grid").isEqualTo(grid);
        }
        Tools.requireXarray();
        String printed = Tools.run("/usr/bin/python3", "-c", "import xarray as xr; d = xr.open_dataset('" + file + "');"
                + "r = d.rain_rate; print(sorted(r.coords), float(r.lat[1, 2]), float(r.lon[1, 2]))");
        assertThat(printed.strip()).isEqualTo("['forecast_period', 'forecast_reference_time', 'lat', 'lon', 'time', "
                + "'x', 'y'] 50.7 10.5");
    }

    @Test
    void anEnsembleHasARealizationDimensionAndIsWrittenAMemberAtATime() throws Exception {
        Grid grid = SyntheticArchive.grid(16);
        List<Integer> asked = new java.util.ArrayList<>();
        ForecastWriter.Members members = new ForecastWriter.Members() {
            @Override
            public int count() {
                return 4;
            }

            @Override
            public float[][] member(int m) {
                asked.add(m);
                float[][] values = ramp(grid, 3);
                values[2][5] = m;
                return values;
            }
        };
        Path file = ForecastWriter.writeEnsemble(tmp.resolve("ensemble.nc"), forecast(grid, LEADS, null), members);

        assertThat(asked).containsExactly(0, 1, 2, 3);
        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            Variable data = nc.findVariable("rain_rate");
            assertThat(data.getDimensionsString()).isEqualTo("time realization y x");
            Variable realization = nc.findVariable("realization");
            assertThat(text(nc, realization, "standard_name")).isEqualTo("realization");
            assertThat((int[]) realization.read().get1DJavaArray(int.class)).containsExactly(0, 1, 2, 3);
            assertThat(data.read(new int[] {2, 3, 0, 5}, new int[] {1, 1, 1, 1}).getFloat(0)).isEqualTo(3f);
        }
        Tools.requireXarray();
        String printed = Tools.run("/usr/bin/python3", "-c", "import xarray as xr; d = xr.open_dataset('" + file + "');"
                + "r = d.rain_rate; print(r.dims, int(d.realization[-1]), d.realization.attrs['standard_name'],"
                + " float(r.isel(time=2, realization=2, y=0, x=5)), str(d.forecast_reference_time.values)[:16])");
        assertThat(printed.strip()).isEqualTo("('time', 'realization', 'y', 'x') 3 realization 2.0 2026-01-01T06:00");
        String info = Tools.run("cdo", "sinfon", file.toString());
        assertThat(info).contains("rain_rate", "levels=4", "realization : 0 to 3", "points=256 (16x16)",
                "mapping : albers_conical_equal_area", "3 steps");
    }

    @Test
    void probabilitiesFollowImproversLayoutWithAThresholdCoordinate() throws Exception {
        Grid grid = SyntheticArchive.grid(16);
        float[][][] probabilities = new float[2][3][grid.cells()];
        for (int t = 0; t < 2; t++) {
            for (int i = 0; i < 3; i++) {
                java.util.Arrays.fill(probabilities[t][i], 0.25f * (t + i) / 2);
            }
        }
        probabilities[1][2][7] = Float.NaN;
        Path file = ForecastWriter.writeProbabilities(tmp.resolve("probability.nc"), forecast(grid, LEADS, null),
                List.of(0.5, 2.0), probabilities);

        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            Variable p = nc.findVariable("probability_of_rainfall_rate_above_threshold");
            assertThat(p.getDimensionsString()).isEqualTo("time threshold y x");
            assertThat(text(nc, p, "units")).isEqualTo("1");
            Variable threshold = nc.findVariable("threshold");
            assertThat(text(nc, threshold, "standard_name")).isEqualTo("rainfall_rate");
            assertThat(text(nc, threshold, "units")).isEqualTo("mm h-1");
            assertThat(text(nc, threshold, "spp__relative_to_threshold")).isEqualTo("greater_than_or_equal_to");
            assertThat((float[]) threshold.read().get1DJavaArray(float.class)).containsExactly(0.5f, 2f);
        }
        Tools.requireXarray();
        String printed = Tools.run("/usr/bin/python3", "-c", "import xarray as xr; d = xr.open_dataset('" + file + "');"
                + "p = d.probability_of_rainfall_rate_above_threshold; print(p.dims, list(d.threshold.values),"
                + " float(p.sel(threshold=2.0).isel(time=2, y=0, x=6)), bool(p.isel(time=2, threshold=1, y=0, x=7).isnull()),"
                + " float(p.min()), float(p.max()))");
        assertThat(printed.strip()).isEqualTo("('time', 'threshold', 'y', 'x') [0.5, 2.0] 0.375 True 0.0 0.375");
        String info = Tools.run("cdo", "sinfon", file.toString());
        assertThat(info).contains("probability_of_rainfall_rate_above_threshold", "levels=2", "threshold : 0.5 to 2",
                "3 steps");

        assertThatThrownBy(() -> ForecastWriter.writeProbabilities(tmp.resolve("bad.nc"), forecast(grid, LEADS, null),
                List.of(0.5), new float[][][] {{{1.5f}}}))
                .hasMessageContaining("values has 1 fields but there are 3 leads");
        probabilities[0][1][3] = 1.5f;
        assertThatThrownBy(() -> ForecastWriter.writeProbabilities(tmp.resolve("bad.nc"), forecast(grid, LEADS, null),
                List.of(0.5, 2.0), probabilities))
                .hasMessage("forecast for " + tmp.resolve("bad.nc") + ": probability 1.5 at threshold 0.5; expected"
                        + " values in [0, 1]");
    }

    @Test
    void ownReaderReadsTheForecastBack() throws Exception {
        Grid grid = SyntheticArchive.grid(16);
        float[][] values = ramp(grid, 3);
        Path file = ForecastWriter.write(tmp.resolve("nowcast.nc"), forecast(grid, LEADS, values));
        try (FrameSource src = new CfNetcdfReader().open(file, "rain_rate")) {
            assertThat(src.times()).containsExactly(REFERENCE.plus(LEADS.get(0)), REFERENCE.plus(LEADS.get(1)),
                    REFERENCE.plus(LEADS.get(2)));
            assertThat(src.grid().y()).isEqualTo(grid.y());
            assertThat(src.grid().x()).isEqualTo(grid.x());
            Frame last = src.frame(2);
            assertThat(last.values()).containsExactly(values[2]);
        }
    }

    @Test
    void latitudeLongitudeGridHasNoGridMapping() throws Exception {
        Grid grid = new Grid(new Axis("latitude", "latitude", "degrees_north", new double[] {58, 57.75, 57.5}),
                new Axis("longitude", "longitude", "degrees_east", new double[] {-10, -9.75}), null);
        Path file = ForecastWriter.write(tmp.resolve("t2m.nc"), new Forecast(grid, "t2m", "K", "air_temperature",
                "2 m temperature", REFERENCE, List.of(Duration.ZERO), new float[][] {{280, 281, 282, 283, 284, 285}},
                "t", "s", "h", null));
        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            Variable data = nc.findVariable("t2m");
            assertThat(data.getDimensionsString()).isEqualTo("time latitude longitude");
            assertThat(nc.findVariable("lat")).as("the axes locate the cells already").isNull();
            assertThat(data.findAttribute("grid_mapping")).isNull();
            assertThat(text(nc, nc.findVariable("latitude"), "units")).isEqualTo("degrees_north");
        }
        try (FrameSource src = new CfNetcdfReader().open(file, "t2m")) {
            assertThat(src.grid().mapping()).isNull();
            assertThat(src.times()).containsExactly(REFERENCE);
        }
    }

    @Test
    void unreferencedGridKeepsItsAxesAndGainsNoGeolocation() throws Exception {
        Grid grid = new Grid(new Axis("row", "", "", new double[] {0, 1, 2}), new Axis("col", "", "", new double[] {0, 1}),
                null);
        Path file = ForecastWriter.write(tmp.resolve("ml.nc"), new Forecast(grid, "rain", "mm h-1", null, "rain rate",
                REFERENCE, List.of(Duration.ofMinutes(5)), new float[][] {{0, 1, 2, 3, 4, 5}}, "t", "s", "h", null));
        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            Variable data = nc.findVariable("rain");
            assertThat(data.getDimensionsString()).isEqualTo("time row col");
            assertThat(data.findAttribute("grid_mapping")).isNull();
            assertThat(nc.findVariable("row").findAttribute("standard_name")).isNull();
            assertThat(nc.getVariables()).extracting(Variable::getShortName).doesNotContain("lat", "lon", "latitude",
                    "longitude");
        }
        try (FrameSource src = new CfNetcdfReader().open(file, "rain")) {
            assertThat(src.grid()).isEqualTo(grid);
            assertThat(src.grid().unreferenced()).isTrue();
        }
    }

    @Test
    void rejectsValuesThatDoNotMatchLeadsOrGrid() {
        Grid grid = SyntheticArchive.grid(16);
        Path target = tmp.resolve("bad.nc");
        assertThatThrownBy(() -> ForecastWriter.write(target, forecast(grid, LEADS, ramp(grid, 2))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("forecast for " + target + ": values has 2 fields but there are 3 leads; "
                        + "expected one field per lead");
        float[][] short1 = ramp(grid, 3);
        short1[1] = new float[10];
        assertThatThrownBy(() -> ForecastWriter.write(target, forecast(grid, LEADS, short1)))
                .hasMessage("forecast for " + target + ": field 1 (lead PT10M) has 10 values; expected 256 "
                        + "(16 y x 16 x, row-major)");
        assertThatThrownBy(() -> ForecastWriter.write(target, forecast(grid,
                List.of(Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofMinutes(15)), ramp(grid, 3))))
                .hasMessageContaining("lead 1 (PT5M) is negative or not after the one before");
        assertThatThrownBy(() -> ForecastWriter.write(target, new Forecast(grid, "x", "mm", "", "", REFERENCE,
                LEADS, ramp(grid, 3), "", "", "", Map.of())))
                .hasMessageContaining("name 'x' is used twice");
        assertThatThrownBy(() -> ForecastWriter.write(target, new Forecast(grid, "r", "mm", "", "", REFERENCE,
                LEADS, ramp(grid, 3), "", "", "", Map.of("Conventions", "CF-1.6"))))
                .hasMessageContaining("extra attribute 'Conventions' would override the writer's own");
        assertThat(target).doesNotExist();
    }

    @Test
    void failedWriteLeavesNoTemporaryFile() throws IOException {
        Grid grid = SyntheticArchive.grid(16);
        Path target = Files.createDirectories(tmp.resolve("taken.nc"));
        Files.writeString(target.resolve("inside"), "a directory that cannot be replaced");
        assertThatThrownBy(() -> ForecastWriter.write(target, forecast(grid, LEADS, ramp(grid, 3))))
                .isInstanceOf(IOException.class);
        try (Stream<Path> s = Files.list(tmp)) {
            assertThat(s).containsExactly(target);
        }
    }

    @Test
    void replacesAnExistingFile() throws Exception {
        Grid grid = SyntheticArchive.grid(16);
        Path target = Files.writeString(tmp.resolve("nowcast.nc"), "old");
        ForecastWriter.write(target, forecast(grid, LEADS, ramp(grid, 3)));
        try (NetcdfFile nc = NetcdfFile.open(target.toString())) {
            assertThat(nc.findVariable("rain_rate")).isNotNull();
        }
    }

    private static String text(NetcdfFile nc, Variable v, String name) {
        Attribute a = v == null ? nc.findGlobalAttribute(name) : v.findAttribute(name);
        return a == null ? null : a.getStringValue();
    }
}
