package io.gridcast.ingest.read;

import static io.gridcast.ingest.TinyNc.var;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ucar.ma2.DataType.BYTE;
import static ucar.ma2.DataType.DOUBLE;
import static ucar.ma2.DataType.FLOAT;
import static ucar.ma2.DataType.INT;
import static ucar.ma2.DataType.SHORT;

import io.gridcast.ingest.TinyNc;
import io.gridcast.ingest.TinyNc.Var;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.assertj.core.api.AbstractThrowableAssert;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.ma2.Array;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFileWriter;
import ucar.nc2.Variable;

/** Small made-up files: one per supported layout and one per failure mode. */
class CfNetcdfReaderTest {

    @TempDir
    Path tmp;

    private final CfNetcdfReader reader = new CfNetcdfReader();

    private static final Var X = var("x", DOUBLE, "x", new double[] {0, 1, 2}, "units", "km",
            "standard_name", "projection_x_coordinate");
    private static final Var Y = var("y", DOUBLE, "y", new double[] {1, 0}, "units", "km",
            "standard_name", "projection_y_coordinate");
    private static final Var PROJ = var("crs", INT, "", new int[] {0}, "grid_mapping_name", "lambert_conformal_conic",
            "standard_parallel", new double[] {50, 60}, "longitude_of_central_meridian", 10.0);
    private static final Var TIME = var("time", DOUBLE, "time", new double[] {0, 30}, "units",
            "minutes since 2026-01-01 00:00:00", "standard_name", "time");

    private Path file(String name, Map<String, Integer> dims, Var... vars) throws IOException {
        return TinyNc.write(tmp.resolve(name), dims, List.of(vars));
    }

    private Path timeYx(Var data) throws IOException {
        return file("ok.nc", Map.of("time", 2, "y", 2, "x", 3), X, Y, PROJ, TIME, data);
    }

    private AbstractThrowableAssert<?, ?> rejects(Path file, String variable) {
        return assertThatThrownBy(() -> reader.open(file, variable).close())
                .isInstanceOf(UnusableFileException.class)
                .hasMessageStartingWith(file.toString());
    }

    @Test
    void aBlockOfAFrameIsReadAloneAndEqualsTheSameCellsOfTheWholeFrame() throws Exception {
        Random random = new Random(17);
        Map<String, Integer> dims = Map.of("time", 2, "y", 5, "x", 7);
        Var x = var("x", DOUBLE, "x", new double[] {0, 1, 2, 3, 4, 5, 6}, "units", "km",
                "standard_name", "projection_x_coordinate");
        Var y = var("y", DOUBLE, "y", new double[] {4, 3, 2, 1, 0}, "units", "km",
                "standard_name", "projection_y_coordinate");
        short[] packed = new short[70];
        float[] floats = new float[70];
        double[] doubles = new double[70];
        for (int k = 0; k < 70; k++) {
            packed[k] = (short) (k % 9 == 0 ? -1 : random.nextInt(3000));
            floats[k] = k % 11 == 0 ? -999f : random.nextFloat();
            doubles[k] = random.nextGaussian();
        }
        // Packed shorts (NetCDF-3 raw bytes and a decoding table), floats with a fill value, doubles.
        Path f = file("blocks.nc", dims, x, y, PROJ, TIME,
                var("packed", SHORT, "time y x", packed, "scale_factor", 0.1, "_FillValue", (short) -1,
                        "grid_mapping", "crs"),
                var("floats", FLOAT, "time y x", floats, "_FillValue", -999f, "grid_mapping", "crs"),
                var("doubles", DOUBLE, "time y x", doubles, "grid_mapping", "crs"));
        for (String variable : List.of("packed", "floats", "doubles")) {
            try (FrameSource src = reader.open(f, variable)) {
                BlockReads.assertEqualToCutsOfTheFrame(src, 0);
                BlockReads.assertEqualToCutsOfTheFrame(src, 1);
                assertThatThrownBy(() -> src.block(0, new CellBlock(3, 5, 3, 2)))
                        .isInstanceOf(IndexOutOfBoundsException.class).hasMessageContaining("5x7 grid");
            }
        }
    }

    @Test
    void statisticsOfAFrameLargerThanAStripeCoverEveryRowOnce() throws Exception {
        int ny = 1100;
        int nx = 1001;
        assertThat(ny * nx).as("more than one stripe, and a partial last one").isGreaterThan(CfNetcdfReader.STRIPE_CELLS)
                .isNotEqualTo(2 * CfNetcdfReader.STRIPE_CELLS);
        double[] ys = new double[ny];
        double[] xs = new double[nx];
        Arrays.setAll(ys, i -> i);
        Arrays.setAll(xs, i -> i);
        short[] packed = new short[ny * nx];
        float[] floats = new float[ny * nx];
        for (int k = 0; k < packed.length; k++) {
            packed[k] = (short) (k % 1000 == 0 ? -1 : (k * 7919) % 30000);
            floats[k] = k % 1000 == 1 ? Float.NaN : (k % 4093) * 0.25f;
        }
        packed[packed.length - 1] = 29999; // the largest value sits in the last, partial stripe
        floats[floats.length - 1] = 5000f;
        Path f = file("large.nc", Map.of("y", ny, "x", nx),
                var("x", DOUBLE, "x", xs, "units", "km", "standard_name", "projection_x_coordinate"),
                var("y", DOUBLE, "y", ys, "units", "km", "standard_name", "projection_y_coordinate"), PROJ,
                var("time", DOUBLE, "", new double[] {0}, "units", "minutes since 2026-01-01", "standard_name", "time"),
                var("packed", SHORT, "y x", packed, "scale_factor", 0.1, "_FillValue", (short) -1, "grid_mapping", "crs"),
                var("floats", FLOAT, "y x", floats, "_FillValue", Float.NaN, "grid_mapping", "crs"));
        for (String variable : List.of("packed", "floats")) {
            try (FrameSource src = reader.open(f, variable)) {
                FrameStatistics whole = FrameStatistics.of(src.frame(0).values());
                assertThat(src.statistics(0)).as(variable).isEqualTo(whole);
                assertThat(whole.max()).isIn(2999.9f, 5000f);
            }
        }
    }

    @Test
    void anUndeclaredNaNInABlockIsNamedByItsCellInTheWholeGrid() throws Exception {
        Path f = timeYx(var("rain", FLOAT, "time y x", new float[] {0, 1, 2, 3, 4, Float.NaN, 0, 0, 0, 0, 0, 0},
                "grid_mapping", "crs"));
        try (FrameSource src = reader.open(f, "rain")) {
            assertThat(src.block(0, new CellBlock(0, 0, 2, 2))).containsExactly(0f, 1f, 3f, 4f);
            assertThatThrownBy(() -> src.block(0, new CellBlock(1, 1, 1, 2)))
                    .isInstanceOf(UnusableFileException.class).hasMessageContaining("at cell (y 1, x 2)");
        }
    }

    @Test
    void readsTimeYxSlicesWithPackingAndFillUndone() throws Exception {
        Path f = timeYx(var("rain", SHORT, "time y x", new short[] {0, 1, 2, -1, 4, 5, 10, 11, 12, 13, 14, -1},
                "scale_factor", 0.5, "add_offset", 1.0, "_FillValue", (short) -1, "units", "mm h-1",
                "grid_mapping", "crs", "standard_name", "rainfall_rate"));
        try (FrameSource src = reader.open(f, "rain")) {
            assertThat(src.times()).containsExactly(Instant.parse("2026-01-01T00:00:00Z"),
                    Instant.parse("2026-01-01T00:30:00Z"));
            assertThat(src.grid().mapping().variable()).isEqualTo("crs");
            assertThat(src.grid().mapping().numberAttributes().get("standard_parallel")).containsExactly(50, 60);
            assertThat(src.units()).isEqualTo("mm h-1");
            assertThat(src.frame(0).values()).containsExactly(1f, 1.5f, 2f, Float.NaN, 3f, 3.5f);
            Frame second = src.frame(1);
            assertThat(second.time()).isEqualTo(Instant.parse("2026-01-01T00:30:00Z"));
            assertThat(second.values()).containsExactly(6f, 6.5f, 7f, 7.5f, 8f, Float.NaN);
            // Packed frames are summed straight from the stored values: the same as from the decoded frame.
            assertThat(src.statistics(0)).isEqualTo(new FrameStatistics(5, 1f, 3.5f, 11.0 / 5));
            assertThat(src.statistics(1)).isEqualTo(FrameStatistics.of(second.values()));
        }
    }

    /**
     * NetCDF-3 record variables interleave their records (here rain and a byte echo class, one record per time),
     * so a packed frame read as raw bytes must still come from its own record.
     */
    @Test
    void packedShortsAndBytesOfRecordVariablesReadFromTheirOwnRecord() throws Exception {
        Path f = tmp.resolve("records.nc");
        NetcdfFileWriter w = NetcdfFileWriter.createNew(NetcdfFileWriter.Version.netcdf3, f.toString());
        w.addUnlimitedDimension("time");
        w.addDimension(null, "y", 2);
        w.addDimension(null, "x", 3);
        Variable x = w.addVariable(null, "x", DOUBLE, "x");
        w.addVariableAttribute(x, new Attribute("standard_name", "projection_x_coordinate"));
        Variable y = w.addVariable(null, "y", DOUBLE, "y");
        w.addVariableAttribute(y, new Attribute("standard_name", "projection_y_coordinate"));
        Variable crs = w.addVariable(null, "crs", INT, "");
        w.addVariableAttribute(crs, new Attribute("grid_mapping_name", "lambert_conformal_conic"));
        Variable time = w.addVariable(null, "time", DOUBLE, "time");
        w.addVariableAttribute(time, new Attribute("units", "minutes since 2026-01-01 00:00:00"));
        Variable rain = w.addVariable(null, "rain", SHORT, "time y x");
        w.addVariableAttribute(rain, new Attribute("scale_factor", 0.5));
        w.addVariableAttribute(rain, new Attribute("_FillValue", (short) -1));
        w.addVariableAttribute(rain, new Attribute("grid_mapping", "crs"));
        Variable echo = w.addVariable(null, "echo", BYTE, "time y x");
        w.addVariableAttribute(echo, new Attribute("scale_factor", 2.0));
        w.addVariableAttribute(echo, new Attribute("_FillValue", (byte) -1));
        w.addVariableAttribute(echo, new Attribute("grid_mapping", "crs"));
        w.create();
        w.write(x, Array.factory(new double[] {0, 1, 2}));
        w.write(y, Array.factory(new double[] {1, 0}));
        w.write(time, Array.factory(new double[] {0, 10, 20}));
        w.write(rain, Array.factory(SHORT, new int[] {3, 2, 3},
                new short[] {0, 1, 2, 3, 4, 5, 10, -1, 12, 13, 14, 15, 300, 301, 302, 303, 304, 305}));
        w.write(echo, Array.factory(BYTE, new int[] {3, 2, 3},
                new byte[] {1, 1, 1, 1, 1, 1, 2, 2, -1, 2, 2, 2, 3, 3, 3, 3, 3, 127}));
        w.close();

        try (FrameSource src = reader.open(f, "rain")) {
            assertThat(src.frame(1).values()).containsExactly(5f, Float.NaN, 6f, 6.5f, 7f, 7.5f);
            assertThat(src.frame(2).values()).containsExactly(150f, 150.5f, 151f, 151.5f, 152f, 152.5f);
            assertThat(src.statistics(1)).isEqualTo(new FrameStatistics(5, 5f, 7.5f, 32.0 / 5));
        }
        try (FrameSource src = reader.open(f, "echo")) {
            assertThat(src.frame(1).values()).containsExactly(4f, 4f, Float.NaN, 4f, 4f, 4f);
            assertThat(src.statistics(2)).isEqualTo(new FrameStatistics(6, 6f, 254f, 284.0 / 6));
        }
    }

    @Test
    void unpackedIntegersWithFillAndFloatsWithMissingValueBecomeNaN() throws Exception {
        Path f = file("mixed.nc", Map.of("time", 2, "y", 2, "x", 3), X, Y, PROJ, TIME,
                var("z", INT, "time y x", new int[] {1, -32768, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12},
                        "_FillValue", -32768, "grid_mapping", "crs"),
                var("t", FLOAT, "time y x", new float[] {1, -9999, 3, 4, -9999, 400.5f,
                        7, 8, 9, 10, 11, 500}, "missing_value", -9999f, "valid_max", 400f, "grid_mapping", "crs"));
        try (FrameSource z = reader.open(f, "z"); FrameSource t = reader.open(f, "t")) {
            assertThat(z.frame(0).values()).containsExactly(1f, Float.NaN, 3f, 4f, 5f, 6f);
            assertThat(t.frame(0).values()).containsExactly(1f, Float.NaN, 3f, 4f, Float.NaN, Float.NaN);
            assertThat(t.frame(1).values()[5]).as("above valid_max").isNaN();
        }
    }

    @Test
    void nanOrInfinityNotDeclaredAsMissingIsRejected() throws Exception {
        Path nan = file("nan.nc", Map.of("time", 2, "y", 2, "x", 3), X, Y, PROJ, TIME,
                var("t", FLOAT, "time y x", new float[] {1, 2, 3, 4, 5, 6, 7, 8, Float.NaN, 10, 11, 12},
                        "_FillValue", -9999f, "grid_mapping", "crs"));
        Path inf = file("inf.nc", Map.of("time", 1, "y", 2, "x", 3), X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {0}, "units", "hours since 2026-01-01"),
                var("t", FLOAT, "time y x", new float[] {1, 2, Float.NEGATIVE_INFINITY, 4, 5, 6}, "grid_mapping", "crs"));
        Path declared = file("declared.nc", Map.of("time", 1, "y", 2, "x", 3), X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {0}, "units", "hours since 2026-01-01"),
                var("t", FLOAT, "time y x", new float[] {1, Float.NaN, 3, 4, 5, 6}, "_FillValue", Float.NaN,
                        "grid_mapping", "crs"));
        try (FrameSource src = reader.open(nan, "t")) {
            assertThat(src.frame(0).values()).containsExactly(1f, 2f, 3f, 4f, 5f, 6f);
            assertThatThrownBy(() -> src.frame(1)).isInstanceOf(UnusableFileException.class)
                    .hasMessageContaining("frame 1 of 't' holds NaN at cell (y 0, x 2), not declared as _FillValue");
        }
        try (FrameSource src = reader.open(inf, "t")) {
            assertThatThrownBy(() -> src.frame(0)).hasMessageContaining("holds -Infinity at cell (y 0, x 2)");
        }
        try (FrameSource src = reader.open(declared, "t")) {
            assertThat(src.frame(0).values()).containsExactly(1f, Float.NaN, 3f, 4f, 5f, 6f);
        }
    }

    @Test
    void timesMustIncreaseWithinAFile() throws Exception {
        Var data = var("v", FLOAT, "time y x", new float[18], "grid_mapping", "crs");
        Path backwards = file("backwards.nc", Map.of("time", 3, "y", 2, "x", 3), X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {0, 10, 5}, "units", "minutes since 2026-01-01"), data);
        Path repeated = file("repeated.nc", Map.of("time", 3, "y", 2, "x", 3), X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {0, 5, 5}, "units", "minutes since 2026-01-01"), data);
        rejects(backwards, "v").hasMessageContaining("time variable 'time' is not increasing at index 2 "
                + "(2026-01-01T00:10:00Z then 2026-01-01T00:05:00Z)");
        rejects(repeated, "v").hasMessageContaining("time variable 'time' is repeated at index 2");
    }

    @Test
    void scalarTimeNamedInCoordinatesAndLengthOneLevelAreAccepted() throws Exception {
        Path f = file("scalar.nc", Map.of("level", 1, "y", 2, "x", 3), X, Y, PROJ,
                var("start", DOUBLE, "", new double[] {0}, "units", "hours since 2020-01-01", "standard_name", "time"),
                var("obs", DOUBLE, "", new double[] {36}, "units", "hours since 2020-01-01"),
                var("level", DOUBLE, "level", new double[] {850}, "units", "hPa"),
                var("v", FLOAT, "level y x", new float[6], "grid_mapping", "crs", "coordinates", "obs"));
        try (FrameSource src = reader.open(f, "v")) {
            assertThat(src.times()).containsExactly(Instant.parse("2020-01-02T12:00:00Z"));
            assertThat(src.frame(0).values()).hasSize(6);
        }
    }

    @Test
    void modelCalendarsMapByDateLabel() throws Exception {
        Path f = file("noleap.nc", Map.of("time", 1, "y", 2, "x", 3), X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {365 + 59}, "units", "days since 2001-01-01",
                        "calendar", "noleap"),
                var("v", FLOAT, "time y x", new float[6], "grid_mapping", "crs"));
        try (FrameSource src = reader.open(f, "v")) {
            assertThat(src.times()).containsExactly(Instant.parse("2002-03-01T00:00:00Z"));
        }
    }

    @Test
    void missingFile() {
        rejects(tmp.resolve("absent.nc"), "v").hasMessageContaining("no such file");
    }

    @Test
    void zeroLengthFile() throws IOException {
        rejects(Files.createFile(tmp.resolve("empty.nc")), "v").hasMessageContaining("file is empty (0 bytes)");
    }

    @Test
    void randomBytes() throws IOException {
        byte[] junk = new byte[4096];
        new Random(1).nextBytes(junk);
        rejects(Files.write(tmp.resolve("junk.nc"), junk), "v")
                .hasMessageContaining("not a NetCDF file")
                .hasMessageContaining("expected the NetCDF-3 signature 'CDF' or the NetCDF-4/HDF5 signature");
    }

    @Test
    void truncatedNetcdf3() throws IOException {
        Path f = timeYx(var("v", FLOAT, "time y x", new float[12], "grid_mapping", "crs"));
        byte[] all = Files.readAllBytes(f);
        Path cut = Files.write(tmp.resolve("cut.nc"), Arrays.copyOf(all, all.length - 8));
        rejects(cut, "v").hasMessageContaining("file is truncated");
        Path headerOnly = Files.write(tmp.resolve("head.nc"), Arrays.copyOf(all, 40));
        rejects(headerOnly, "v").hasMessageContaining("truncated");
    }

    @Test
    void missingVariableListsTheVariablesThatExist() throws IOException {
        Path f = timeYx(var("v", FLOAT, "time y x", new float[12], "grid_mapping", "crs"));
        rejects(f, "rain").hasMessageContaining("no variable 'rain'; the file has x, y, crs, time, v");
    }

    @Test
    void timeWithoutUnits() throws IOException {
        Path f = file("nounits.nc", Map.of("time", 1, "y", 2, "x", 3), X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {0}, "standard_name", "time"),
                var("v", FLOAT, "time y x", new float[6], "grid_mapping", "crs"));
        rejects(f, "v").hasMessageEndingWith(
                "time variable 'time' has no units attribute; expected e.g. 'seconds since 1970-01-01'");
    }

    @Test
    void undecodableTimeUnits() throws IOException {
        Path f = file("badunits.nc", Map.of("time", 1, "y", 2, "x", 3), X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {0}, "units", "fortnights after lunch", "axis", "T"),
                var("v", FLOAT, "time y x", new float[6], "grid_mapping", "crs"));
        rejects(f, "v").hasMessageContaining("has units 'fortnights after lunch'; expected '<seconds|minutes|hours|days> since <date>'");
    }

    @Test
    void noTimeAtAll() throws IOException {
        Path f = file("notime.nc", Map.of("y", 2, "x", 3), X, Y, PROJ, var("v", FLOAT, "y x", new float[6],
                "grid_mapping", "crs"));
        rejects(f, "v").hasMessageContaining("has dimensions (y, x) and the file has no scalar time");
    }

    @Test
    void extraDimensionBesidesTime() throws IOException {
        Path f = file("levels.nc", Map.of("time", 2, "level", 3, "y", 2, "x", 3), X, Y, PROJ, TIME,
                var("level", DOUBLE, "level", new double[] {1000, 850, 500}, "units", "hPa"),
                var("v", FLOAT, "time level y x", new float[36], "grid_mapping", "crs"));
        rejects(f, "v").hasMessageContaining("has dimensions (time, level, y, x); besides y and x only one time "
                + "dimension (with a time coordinate variable) and length-1 dimensions are supported, 'level' is neither");
    }

    @Test
    void nonMonotonicAxis() throws IOException {
        Path f = file("zigzag.nc", Map.of("time", 2, "y", 2, "x", 3),
                var("x", DOUBLE, "x", new double[] {0, 2, 1}, "units", "km", "standard_name", "projection_x_coordinate"),
                Y, PROJ, TIME, var("v", FLOAT, "time y x", new float[12], "grid_mapping", "crs"));
        rejects(f, "v").hasMessageContaining("coordinate 'x': axis x is not strictly monotonic at index 2; "
                + "expected strictly increasing or decreasing cell centres");
    }

    @Test
    void dimensionWithoutCoordinateVariable() throws IOException {
        Path f = file("nocoord.nc", Map.of("time", 2, "y", 2, "x", 3), X, PROJ, TIME,
                var("v", FLOAT, "time y x", new float[12], "grid_mapping", "crs"));
        rejects(f, "v").hasMessageContaining("dimension 'y' of 'v' has no 1-D coordinate variable; expected a "
                + "variable y(y) with standard_name projection_y_coordinate or latitude");
    }

    @Test
    void xBeforeY() throws IOException {
        Path f = file("xy.nc", Map.of("time", 2, "y", 2, "x", 3), X, Y, PROJ, TIME,
                var("v", FLOAT, "time x y", new float[12], "grid_mapping", "crs"));
        rejects(f, "v").hasMessageContaining("expected (..., y, x) order");
    }

    @Test
    void readsARotatedPoleGridAsRegionalModelsWriteIt() throws Exception {
        Var rlon = var("rlon", DOUBLE, "rlon", new double[] {-1, -0.5, 0}, "units", "degrees",
                "standard_name", "grid_longitude", "axis", "X");
        Var rlat = var("rlat", DOUBLE, "rlat", new double[] {0.5, 1}, "units", "degrees", "standard_name", "grid_latitude");
        Var pole = var("rotated_pole", INT, "", new int[] {0}, "grid_mapping_name", "rotated_latitude_longitude",
                "grid_north_pole_latitude", 39.25, "grid_north_pole_longitude", -162.0);
        Path f = file("rotated.nc", Map.of("time", 2, "rlat", 2, "rlon", 3), rlon, rlat, pole, TIME,
                var("pr", FLOAT, "time rlat rlon", new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11},
                        "units", "kg m-2 s-1", "grid_mapping", "rotated_pole"));
        try (FrameSource src = reader.open(f, "pr")) {
            assertThat(src.grid().mapping().mappingName()).isEqualTo("rotated_latitude_longitude");
            assertThat(src.grid().x().standardName()).isEqualTo("grid_longitude");
            assertThat(src.grid().y().values()).containsExactly(0.5, 1);
            assertThat(src.frame(1).values()).containsExactly(6, 7, 8, 9, 10, 11);
        }
        Path unmapped = file("rotated-unmapped.nc", Map.of("time", 2, "rlat", 2, "rlon", 3), rlon, rlat, TIME,
                var("pr", FLOAT, "time rlat rlon", new float[12]));
        rejects(unmapped, "pr").hasMessageContaining("is on projection coordinates but has no grid_mapping attribute");
    }

    @Test
    void readsACurvilinearGridPlacedOnlyByItsTwoDimensionalLatitudeAndLongitude() throws Exception {
        Var lat = var("lat", DOUBLE, "y x", new double[] {50, 50.1, 50.2, 50.5, 50.6, 50.7},
                "standard_name", "latitude", "units", "degrees_north");
        Var lon = var("lon", DOUBLE, "y x", new double[] {10, 10.3, 10.6, 9.9, 10.2, 10.5}, "units", "degrees_east");
        Path f = file("curvilinear.nc", Map.of("time", 2, "y", 2, "x", 3), lat, lon, TIME,
                var("rain", FLOAT, "time y x", new float[] {0, 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11}, "coordinates", "lon lat"));
        try (FrameSource src = reader.open(f, "rain")) {
            Grid g = src.grid();
            assertThat(g.mapping()).isNull();
            assertThat(g.geolocation().lat()).containsExactly(50, 50.1, 50.2, 50.5, 50.6, 50.7);
            assertThat(g.geolocation().lon()).containsExactly(10, 10.3, 10.6, 9.9, 10.2, 10.5);
            assertThat(g.x().values()).as("index axes").containsExactly(0, 1, 2);
            assertThat(g.y().name()).isEqualTo("y");
            assertThat(g.describe()).startsWith("2x3 curvilinear");
            assertThat(src.frame(1).values()).containsExactly(6, 7, 8, 9, 10, 11);
        }
        Var holed = var("lat", DOUBLE, "y x", new double[] {50, 50.1, -999, 50.5, 50.6, 50.7},
                "standard_name", "latitude", "units", "degrees_north", "_FillValue", -999.0);
        Path missing = file("curvilinear-holed.nc", Map.of("time", 2, "y", 2, "x", 3), holed, lon, TIME,
                var("rain", FLOAT, "time y x", new float[12], "coordinates", "lat lon"));
        rejects(missing, "rain").hasMessageContaining("auxiliary coordinates 'lat' and 'lon' of 'rain': cell 2 is at "
                + "latitude NaN");
    }

    @Test
    void projectedWithoutGridMapping() throws IOException {
        Path f = timeYx(var("v", FLOAT, "time y x", new float[12]));
        rejects(f, "v").hasMessageContaining("is on projection coordinates but has no grid_mapping attribute");
    }

    @Test
    void plainXyAxesWithoutStandardNamesOrGridMappingAreAnUnreferencedGrid() throws Exception {
        // As machine-learning data sets are often written: cell coordinates, no standard_name, no grid_mapping.
        Path f = file("ml.nc", Map.of("time", 2, "y", 2, "x", 3), var("x", DOUBLE, "x", new double[] {0, 1, 2}),
                var("y", DOUBLE, "y", new double[] {0, 1}), TIME, var("v", FLOAT, "time y x", new float[12]));

        try (FrameSource source = reader.open(f, "v")) {
            assertThat(source.grid().unreferenced()).isTrue();
            assertThat(source.grid().describe()).isEqualTo("2x3 unreferenced y 0.0..1.0 x 0.0..2.0 ");
            assertThat(source.times()).hasSize(2);
        }
    }

    @Test
    void gridMappingNamingNoVariable() throws IOException {
        Path f = timeYx(var("v", FLOAT, "time y x", new float[12], "grid_mapping", "lcc"));
        rejects(f, "v").hasMessageContaining("has grid_mapping 'lcc' but the file has no variable 'lcc'");
    }

    @Test
    void oneDimensionalVariable() throws IOException {
        Path f = timeYx(var("v", FLOAT, "time y x", new float[12], "grid_mapping", "crs"));
        rejects(f, "x").hasMessageContaining("variable 'x' has dimensions (x); expected (y, x) or (time, y, x)");
    }

    @Test
    void frameIndexOutOfRangeIsAProgrammingError() throws Exception {
        Path f = timeYx(var("v", FLOAT, "time y x", new float[12], "grid_mapping", "crs"));
        try (FrameSource src = reader.open(f, "v")) {
            assertThatThrownBy(() -> src.frame(2)).isInstanceOf(IndexOutOfBoundsException.class)
                    .hasMessageContaining("frame 2 of " + f + ", which has 2");
        }
    }

    @Test
    void registryNamesItsReaders() {
        assertThat(FrameReaders.byName("cf-netcdf")).isInstanceOf(CfNetcdfReader.class);
        assertThat(FrameReaders.names()).containsExactly("cf-netcdf", "grib", "knmi-hdf5", "odim-hdf5");
        assertThatThrownBy(() -> FrameReaders.byName("geotiff"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown frame reader 'geotiff'; known readers: cf-netcdf, grib, knmi-hdf5, odim-hdf5");
    }

    @Test
    void readerIsSerialisable() throws Exception {
        var bytes = new java.io.ByteArrayOutputStream();
        try (var out = new java.io.ObjectOutputStream(bytes)) {
            out.writeObject(reader);
        }
        try (var in = new java.io.ObjectInputStream(new java.io.ByteArrayInputStream(bytes.toByteArray()))) {
            assertThat(((FrameReader) in.readObject()).name()).isEqualTo("cf-netcdf");
        }
    }
}
