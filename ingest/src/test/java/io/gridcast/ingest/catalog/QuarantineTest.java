package io.gridcast.ingest.catalog;

import static io.gridcast.ingest.TinyNc.var;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ucar.ma2.DataType.DOUBLE;
import static ucar.ma2.DataType.FLOAT;
import static ucar.ma2.DataType.INT;

import io.gridcast.ingest.LocalSpark;
import io.gridcast.ingest.TinyNc;
import io.gridcast.ingest.TinyNc.Var;
import io.gridcast.ingest.read.RejectionKind;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * One archive of tiny NetCDF files, one per way a file can go wrong, beside good ones: every file ends in
 * exactly one of the catalog or the quarantine, with its reason.
 */
class QuarantineTest {

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[2]");

    @TempDir
    Path dir;

    static final Var X = var("x", DOUBLE, "x", new double[] {0, 1, 2}, "units", "km",
            "standard_name", "projection_x_coordinate");
    static final Var Y = var("y", DOUBLE, "y", new double[] {1, 0}, "units", "km",
            "standard_name", "projection_y_coordinate");
    static final Var PROJ = var("crs", INT, "", new int[] {0}, "grid_mapping_name", "lambert_conformal_conic",
            "standard_parallel", new double[] {50, 60}, "longitude_of_central_meridian", 10.0);

    /** A file of rain rates at the given minutes after 2026-01-01 00:00, 6 cells per frame. */
    static Path frames(Path folder, String name, double[] minutes, float[] values, String units, Var x)
            throws IOException {
        return TinyNc.write(folder.resolve(name), Map.of("time", minutes.length, "y", 2, "x", 3), List.of(x, Y, PROJ,
                var("time", DOUBLE, "time", minutes, "units", "minutes since 2026-01-01 00:00:00"),
                var("rain", FLOAT, "time y x", values, "units", units, "_FillValue", -1f, "grid_mapping", "crs")));
    }

    /** A good single-frame file at {@code minute}. */
    static Path good(Path folder, int minute) throws IOException {
        float[] v = new float[6];
        Arrays.fill(v, minute / 5f);
        return frames(folder, String.format("rain_%03d.nc", minute), new double[] {minute}, v, "mm h-1", X);
    }

    @Test
    void everyBadFileIsQuarantinedWithItsReasonAndEveryGoodOneCatalogued() throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (int minute : new int[] {0, 5, 10, 15, 30, 35}) {
            good(archive, minute);
        }
        byte[] whole = Files.readAllBytes(archive.resolve("rain_005.nc"));
        Files.write(archive.resolve("truncated.nc"), Arrays.copyOf(whole, whole.length - 10));
        byte[] noise = new byte[2048];
        new Random(7).nextBytes(noise);
        Files.write(archive.resolve("random.nc"), noise);
        Files.createFile(archive.resolve("zero.nc"));
        TinyNc.write(archive.resolve("missing_variable.nc"), Map.of("time", 1, "y", 2, "x", 3), List.of(X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {40}, "units", "minutes since 2026-01-01 00:00:00"),
                var("snow", FLOAT, "time y x", new float[6], "grid_mapping", "crs")));
        frames(archive, "wrong_grid.nc", new double[] {45}, new float[6], "mm h-1",
                var("x", DOUBLE, "x", new double[] {10, 11, 12}, "units", "km", "standard_name", "projection_x_coordinate"));
        frames(archive, "rain_duplicate_of_010.nc", new double[] {10}, new float[6], "mm h-1", X);
        float[] allMissing = new float[6];
        Arrays.fill(allMissing, -1f);
        frames(archive, "all_missing.nc", new double[] {50}, allMissing, "mm h-1", X);
        frames(archive, "non_finite.nc", new double[] {55}, new float[] {0, 1, Float.NaN, 2, 3, 4}, "mm h-1", X);
        TinyNc.write(archive.resolve("time_without_units.nc"), Map.of("time", 1, "y", 2, "x", 3), List.of(X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {60}, "standard_name", "time"),
                var("rain", FLOAT, "time y x", new float[6], "units", "mm h-1", "grid_mapping", "crs")));
        frames(archive, "non_monotonic.nc", new double[] {70, 65}, new float[12], "mm h-1", X);
        frames(archive, "other_units.nc", new double[] {75}, new float[6], "m s-1", X);
        Path catalogDir = dir.resolve("catalog");

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(), new FrameIngest.Request(archive, "*.nc", "rain",
                "cf-netcdf", catalogDir, "mm/h"));

        Map<String, String> reasons = summary.rejections().stream().collect(Collectors.toMap(
                r -> Path.of(r.file()).getFileName().toString(), Rejection::reason));
        assertThat(reasons.get("truncated.nc")).contains("truncated");
        assertThat(reasons.get("random.nc")).contains("not a NetCDF file");
        assertThat(reasons.get("zero.nc")).contains("file is empty (0 bytes)");
        assertThat(reasons.get("missing_variable.nc")).contains("no variable 'rain'; the file has");
        assertThat(reasons.get("wrong_grid.nc")).contains("grid 2x3 lambert_conformal_conic y 1.0..0.0 x 10.0..12.0 km"
                + " differs from the archive's grid 2x3 lambert_conformal_conic y 1.0..0.0 x 0.0..2.0 km");
        assertThat(reasons.get("rain_duplicate_of_010.nc")).startsWith("duplicate valid time 2026-01-01T00:10:00Z"
                + " (frame 0), already read from " + archive.resolve("rain_010.nc"));
        assertThat(reasons.get("all_missing.nc")).contains("frame 0 at 2026-01-01T00:50:00Z: every cell is missing");
        assertThat(reasons.get("non_finite.nc")).contains("holds NaN at cell (y 0, x 2), not declared as _FillValue");
        assertThat(reasons.get("time_without_units.nc")).contains("time variable 'time' has no units attribute");
        assertThat(reasons.get("non_monotonic.nc")).contains("time variable 'time' is not increasing at index 1");
        assertThat(reasons.get("other_units.nc")).contains("units 'm s-1' of 'rain' differ from the configured "
                + "variables.rain.units 'mm/h'");
        assertThat(reasons).hasSize(11);
        assertThat(summary.rejections()).allSatisfy(r -> assertThat(r.exception()).isNotNull());
        assertThat(summary.rejections().stream().filter(r -> r.file().endsWith("truncated.nc")).findFirst()
                .orElseThrow().exception()).as("the exception text behind the reason").isNotBlank();

        assertThat(summary.files()).isEqualTo(17);
        assertThat(summary.acceptedFiles()).isEqualTo(6);
        assertThat(summary.quarantinedFiles()).isEqualTo(11);
        assertThat(summary.describe()).startsWith("17 files: 6 accepted (6 frames), 11 quarantined (3 not_readable,"
                + " 1 no_variable, 3 not_usable, 1 wrong_units, 1 other_grid, 1 duplicate_time, 1 all_missing); 1 gap(s)");
        assertThat(summary.rejections().stream().filter(r -> r.file().endsWith("missing_variable.nc")).findFirst()
                .orElseThrow().kind()).isEqualTo(RejectionKind.NO_VARIABLE);
        assertThat(summary.gaps()).singleElement().satisfies(g -> {
            assertThat(g.after()).isEqualTo(Instant.parse("2026-01-01T00:15:00Z"));
            assertThat(g.before()).isEqualTo(Instant.parse("2026-01-01T00:30:00Z"));
            assertThat(g.missingSteps()).isEqualTo(2);
            assertThat(g.fileAfter()).endsWith("rain_030.nc");
        });

        // Exactly one of catalog or quarantine for every file, on disk as well as in the summary.
        FrameCatalog catalog = FrameCatalog.load(SPARK.session(), catalogDir);
        Set<String> catalogued = catalog.entries().stream().map(CatalogEntry::file).collect(Collectors.toSet());
        List<String> quarantined = SPARK.session().read().parquet(catalogDir.resolve("quarantine").toString())
                .select("file").collectAsList().stream().map(r -> r.getString(0)).toList();
        assertThat(quarantined).hasSize(11).doesNotHaveDuplicates();
        Set<String> both = new HashSet<>(catalogued);
        both.retainAll(quarantined);
        assertThat(both).isEmpty();
        List<String> all = new ArrayList<>(catalogued);
        all.addAll(quarantined);
        try (var listing = Files.list(archive)) {
            assertThat(all).containsExactlyInAnyOrderElementsOf(listing.map(p -> p.toAbsolutePath().toString()).toList());
        }
        List<Row> manifest = SPARK.session().read().parquet(catalogDir.resolve("manifest/files").toString())
                .select("outcome").collectAsList();
        assertThat(manifest.stream().filter(r -> r.getString(0).equals("quarantine")).count()).isEqualTo(11);
        assertThat(catalogDir.resolve("quarantine.txt")).content().contains("zero.nc\tfile is empty (0 bytes)");
        assertThat(catalogDir.resolve("summary.json")).content().contains("\"quarantined_files\" : 11",
                "\"missing_steps\" : 2", "\"not_readable\" : 3", "\"no_variable\" : 1", "\"not_usable\" : 3",
                "\"wrong_units\" : 1", "\"other_grid\" : 1", "\"duplicate_time\" : 1", "\"all_missing\" : 1",
                "\"kind\" : \"not_readable\"");
    }

    @Test
    void aFileDeclaringAHugeGridOrTimeSeriesIsQuarantinedBeforeAnyValueIsRead() throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        good(archive, 0);
        good(archive, 5);
        // 100,000 x 100,000 cells in a 1.6 MB file: the data variable has no records yet, only its axes are stored.
        int n = 100_000;
        double[] axis = new double[n];
        Arrays.setAll(axis, i -> i);
        TinyNc.write(archive.resolve("huge_grid.nc"), Map.of("time", 0, "y", n, "x", n), List.of(PROJ,
                var("x", DOUBLE, "x", axis, "units", "km", "standard_name", "projection_x_coordinate"),
                var("y", DOUBLE, "y", axis, "units", "km", "standard_name", "projection_y_coordinate"),
                var("time", DOUBLE, "time", null, "units", "minutes since 2026-01-01 00:00:00"),
                var("rain", FLOAT, "time y x", null, "units", "mm h-1", "grid_mapping", "crs")));
        // 2 million time steps declared by a fixed dimension whose values were never written (a sparse file).
        TinyNc.writeWithoutFill(archive.resolve("huge_series.nc"), Map.of("time", 2_000_000, "y", 2, "x", 3),
                List.of(X, Y, PROJ, var("time", DOUBLE, "time", null, "units", "minutes since 2026-01-01 00:00:00"),
                        var("rain", FLOAT, "time y x", null, "units", "mm h-1", "grid_mapping", "crs")));

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(), new FrameIngest.Request(archive, "*.nc", "rain",
                "cf-netcdf", dir.resolve("catalog"), "mm/h"));

        Map<String, String> reasons = summary.rejections().stream().collect(Collectors.toMap(
                r -> Path.of(r.file()).getFileName().toString(), Rejection::reason));
        assertThat(reasons.get("huge_grid.nc")).contains("variable 'rain' declares a grid of 100000 x 100000 = "
                + "10000000000 cells; at most 100000000 cells a frame are read");
        assertThat(reasons.get("huge_series.nc")).contains("variable 'rain' declares 2000000 time steps; at most "
                + "1000000 time steps a file are read");
        assertThat(summary.acceptedFiles()).as("the job goes on with the other files").isEqualTo(2);
    }

    @Test
    void anArchiveWhoseUnitsAllDifferFromTheConfiguredOnesFailsNamingBoth() throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        good(archive, 0);
        good(archive, 5);
        assertThatThrownBy(() -> FrameIngest.run(SPARK.session(),
                new FrameIngest.Request(archive, "*.nc", "rain", "cf-netcdf", dir.resolve("catalog"), "kg m-2")))
                .isInstanceOf(FrameIngest.NoFramesException.class)
                .hasMessageContaining("2 files quarantined (2 wrong_units), e.g. " + archive.resolve("rain_000.nc")
                        + ": units 'mm h-1' of 'rain' differ from the configured variables.rain.units 'kg m-2'");
    }

    @Test
    void whenEveryFileIsRejectedTheQuarantineIsStillWrittenAndReplacesTheOldCatalog() throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        good(archive, 0);
        good(archive, 5);
        Path catalogDir = dir.resolve("catalog");
        FrameIngest.run(SPARK.session(), new FrameIngest.Request(archive, "*.nc", "rain", "cf-netcdf", catalogDir, "mm/h"));
        Files.write(archive.resolve("rain_000.nc"), new byte[] {1, 2, 3});
        Files.createFile(archive.resolve("rain_010.nc"));
        Files.delete(archive.resolve("rain_005.nc"));
        TinyNc.write(archive.resolve("snow.nc"), Map.of("time", 1, "y", 2, "x", 3), List.of(X, Y, PROJ,
                var("time", DOUBLE, "time", new double[] {40}, "units", "minutes since 2026-01-01 00:00:00"),
                var("snow", FLOAT, "time y x", new float[6], "grid_mapping", "crs")));

        assertThatThrownBy(() -> FrameIngest.run(SPARK.session(),
                new FrameIngest.Request(archive, "*.nc", "rain", "cf-netcdf", catalogDir, "mm/h")))
                .isInstanceOf(FrameIngest.NoFramesException.class)
                .hasMessageContaining("no usable frames of variable 'rain' in " + archive + ": 3 files quarantined"
                        + " (2 not_readable, 1 no_variable), e.g. " + archive.resolve("rain_000.nc") + ": not a NetCDF file")
                .hasMessageEndingWith("every file and its reason in " + catalogDir.resolve("quarantine.txt"));

        assertThat(catalogDir.resolve("quarantine.txt")).content().contains("rain_000.nc\tnot a NetCDF file",
                "rain_010.nc\tfile is empty", "snow.nc\tno variable 'rain'");
        assertThat(SPARK.session().read().parquet(catalogDir.resolve("quarantine").toString())
                .select("kind").collectAsList().stream().map(r -> r.getString(0)).sorted().toList())
                .containsExactly("no_variable", "not_readable", "not_readable");
        assertThat(catalogDir.resolve("summary.json")).content().contains("\"accepted_files\" : 0",
                "\"quarantined_by_kind\" : {", "\"not_readable\" : 2", "\"first_time\" : null");
        assertThatThrownBy(() -> FrameCatalog.load(SPARK.session(), catalogDir))
                .as("no stage takes the old frames for this archive's").hasMessageContaining("run ingest first");
    }
}
