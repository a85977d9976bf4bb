package io.gridcast.ingest.catalog;

import static io.gridcast.ingest.TinyNc.var;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static ucar.ma2.DataType.DOUBLE;
import static ucar.ma2.DataType.FLOAT;

import io.gridcast.ingest.LocalSpark;
import io.gridcast.ingest.SharedData;
import io.gridcast.ingest.TinyNc;
import io.gridcast.ingest.grid.Grid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import ucar.ma2.DataType;

/** Ingest on a real local Spark session, over real BOM radar files mixed with broken ones. */
class FrameIngestTest {

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[2]");

    @TempDir
    Path dir;

    @Test
    void everyFileEndsInTheCatalogOrInQuarantineWithItsReason() throws IOException {
        Path bom = SharedData.require("radar/bom-brisbane-20201031");
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (String t : List.of("120000", "121000", "122000", "123000")) {
            String name = "66_20201031_" + t + ".prcp-c10.nc";
            Files.copy(bom.resolve(name), archive.resolve(name));
        }
        Files.copy(bom.resolve("66_20201031_121000.prcp-c10.nc"), archive.resolve("66_copy_of_121000.nc"));
        Files.createFile(archive.resolve("empty.nc"));
        byte[] noise = new byte[4096];
        new Random(1).nextBytes(noise);
        Files.write(archive.resolve("noise.nc"), noise);
        Path catalogDir = dir.resolve("catalog");

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(),
                new FrameIngest.Request(archive, "*.nc", "precipitation", "cf-netcdf", catalogDir));

        assertThat(summary.files()).isEqualTo(7);
        assertThat(summary.frames()).isEqualTo(4);
        assertThat(summary.rejections()).hasSize(3);
        assertThat(summary.rejections()).anyMatch(r -> r.file().endsWith("66_copy_of_121000.nc")
                && r.reason().startsWith("duplicate valid time 2020-10-31T12:10:00Z"));
        assertThat(summary.rejections()).anyMatch(r -> r.file().endsWith("empty.nc"));
        assertThat(summary.rejections()).anyMatch(r -> r.file().endsWith("noise.nc"));

        FrameCatalog catalog = FrameCatalog.load(SPARK.session(), catalogDir);
        assertThat(catalog.entries()).extracting(CatalogEntry::time).containsExactly(
                Instant.parse("2020-10-31T12:00:00Z"), Instant.parse("2020-10-31T12:10:00Z"),
                Instant.parse("2020-10-31T12:20:00Z"), Instant.parse("2020-10-31T12:30:00Z"));
        assertThat(catalog.step()).isEqualTo(Duration.ofMinutes(10));
        assertThat(catalog.description().units()).isEqualTo("kg m-2");
        assertThat(catalog.description().grid().mapping().mappingName()).isEqualTo("albers_conical_equal_area");
        assertThat(SPARK.session().read().parquet(catalogDir.resolve("frames").toString())
                .select("variable", "units", "grid", "date").distinct().collectAsList())
                .singleElement().hasToString("[precipitation,kg m-2,512x512 albers_conical_equal_area y 127.75..-127.75"
                        + " x -127.75..127.75 km,2020-10-31]");
        assertThat(catalogDir.resolve("quarantine.txt")).content().contains("empty.nc", "noise.nc");
        assertThat(SPARK.session().read().parquet(catalogDir.resolve("quarantine").toString()).count()).isEqualTo(3);
    }

    @Test
    void aPlainXyGridWithoutGridMappingIsCataloguedUnreferencedWithAWarning() throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (int minute : new int[] {0, 5}) {
            TinyNc.write(archive.resolve("frame_" + minute + ".nc"), Map.of("time", 1, "y", 2, "x", 3), List.of(
                    var("x", DOUBLE, "x", new double[] {0, 1, 2}), var("y", DOUBLE, "y", new double[] {0, 1}),
                    var("time", DOUBLE, "time", new double[] {minute}, "units", "minutes since 2026-01-01 00:00:00"),
                    var("rain", FLOAT, "time y x", new float[] {0, 1, 2, 3, 4, 5}, "units", "mm h-1")));
        }
        Path catalogDir = dir.resolve("catalog");

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(),
                new FrameIngest.Request(archive, "*.nc", "rain", "cf-netcdf", catalogDir));

        assertThat(summary.frames()).as("read, not rejected").isEqualTo(2);
        FrameCatalog.Description description = FrameCatalog.load(SPARK.session(), catalogDir).description();
        assertThat(description.grid().unreferenced()).isTrue();
        assertThat(description.warnings()).singleElement().asString().startsWith("grid 2x3 unreferenced")
                .contains("no standard_name and 'rain' no grid_mapping", "no geolocation");
        assertThat(catalogDir.resolve("description.json")).content().contains("read as plain x/y cells");
    }

    @Test
    void aCurvilinearArchiveIsCataloguedWithEveryCellsPosition() throws Exception {
        Path archive = Files.createDirectories(dir.resolve("curvilinear"));
        double[] lat = {50, 50.1, 50.2, 50.5, 50.6, 50.7};
        double[] lon = {10, 10.3, 10.6, 9.9, 10.2, 10.5};
        for (int t = 0; t < 3; t++) {
            Map<String, Integer> dims = new LinkedHashMap<>();
            dims.put("y", 2);
            dims.put("x", 3);
            TinyNc.write(archive.resolve("rain_" + t + ".nc"), dims, List.of(
                    var("lat", DataType.DOUBLE, "y x", lat, "standard_name", "latitude", "units", "degrees_north"),
                    var("lon", DataType.DOUBLE, "y x", lon, "standard_name", "longitude", "units", "degrees_east"),
                    var("time", DataType.DOUBLE, "", new double[] {10 * t}, "units", "minutes since 2026-01-01",
                            "standard_name", "time"),
                    var("rain", DataType.FLOAT, "y x", new float[] {t, 1, 2, 3, 4, 5}, "units", "mm h-1",
                            "coordinates", "time lat lon")));
        }
        Path catalogDir = dir.resolve("catalog");

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(),
                new FrameIngest.Request(archive, "*.nc", "rain", "cf-netcdf", catalogDir));

        assertThat(summary.frames()).isEqualTo(3);
        Grid grid = FrameCatalog.load(SPARK.session(), catalogDir).description().grid();
        assertThat(grid.geolocation().lat()).containsExactly(lat);
        assertThat(grid.geolocation().lon()).containsExactly(lon);
        assertThat(grid.describe()).startsWith("2x3 curvilinear");
    }

    /** Twelve files, the rainy (large) ones together as in a real day: every task gets the same count and bytes. */
    @Test
    void filesAreDealtIntoTasksOfEqualCountAndNearlyEqualBytes() {
        List<FrameIngest.InputFile> files = new ArrayList<>();
        long[] sizes = {50, 50, 50, 130, 120, 110, 100, 60, 50, 50, 50, 50};
        for (int i = 0; i < sizes.length; i++) {
            files.add(new FrameIngest.InputFile(String.format("/a/f%02d.nc", i), sizes[i], 0));
        }

        List<List<FrameIngest.InputFile>> groups = FrameIngest.balancedGroups(files, 4);

        assertThat(groups).hasSize(4).allSatisfy(g -> assertThat(g).hasSize(3));
        assertThat(groups.stream().flatMap(List::stream)).containsExactlyInAnyOrderElementsOf(files);
        // Neighbours in slices of 3 would hold 150, 360, 210 and 150 bytes.
        assertThat(groups).extracting(g -> g.stream().mapToLong(FrameIngest.InputFile::size).sum())
                .containsExactly(230L, 220L, 210L, 210L);
        assertThat(FrameIngest.balancedGroups(files.subList(0, 2), 4)).hasSize(2);
    }

    @Test
    void aMissingFolderIsNamed() {
        Path missing = dir.resolve("missing");
        assertThatThrownBy(() -> FrameIngest.run(SPARK.session(),
                new FrameIngest.Request(missing, "*.nc", "x", "cf-netcdf", dir.resolve("catalog"))))
                .hasMessage("input folder " + missing + " does not exist or is not a folder");
    }
}
