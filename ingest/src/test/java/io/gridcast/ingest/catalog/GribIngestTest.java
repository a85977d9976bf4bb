package io.gridcast.ingest.catalog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.ingest.LocalSpark;
import io.gridcast.ingest.SharedData;
import io.gridcast.ingest.read.EcCodes;
import io.gridcast.ingest.read.GribReader;
import io.gridcast.ingest.read.ReaderSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Ingest of MRMS GRIB2 frames (no units in the file, PNG packing, 24.5 M cells) from an archive that must stay
 * untouched: NetCDF-Java's GRIB indexes go to the cache folder, the configured units stand in for the file's
 * missing ones and the catalog says so, and broken files are quarantined with their reasons.
 */
class GribIngestTest {

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[2]");

    static final String MRMS_NAME = "VAR209-6-1_FROM_161-0--1_altitude_above_msl";

    @TempDir
    Path dir;

    /** Three good MRMS frames (links to the shared files), a truncated one and a file that is not GRIB. */
    private Path archive() throws IOException {
        Path mrms = SharedData.require("radar/mrms-20190610");
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (String time : List.of("000000", "000200", "000400")) {
            String name = "PrecipRate_00.00_20190610-" + time + ".grib2";
            Files.createSymbolicLink(archive.resolve(name), mrms.resolve(name).toAbsolutePath());
        }
        byte[] whole = Files.readAllBytes(mrms.resolve("PrecipRate_00.00_20190610-000600.grib2"));
        Files.write(archive.resolve("PrecipRate_00.00_20190610-000600.grib2"), Arrays.copyOf(whole, 400_000));
        Files.writeString(archive.resolve("PrecipRate_00.00_20190610-000800.grib2"), "<html>Not Found</html>");
        return archive;
    }

    private static ReaderSpec mrmsReader(Path work) {
        return ReaderSpec.of(GribReader.NAME, Map.of("aliases.precipitation_rate", MRMS_NAME, "missing_values", "-3"))
                .withWorkDefaults(work);
    }

    @Test
    void readOnlyArchiveStaysUntouchedAndFilesWithoutUnitsTakeTheConfiguredOnes() throws IOException {
        Path archive = archive();
        Path work = dir.resolve("work");
        assertThat(archive.toFile().setReadOnly()).isTrue();
        List<String> before = listing(archive);

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(), new FrameIngest.Request(archive, "*.grib2",
                "precipitation_rate", mrmsReader(work), work.resolve("catalog"), "mm/h"));

        assertThat(summary.acceptedFiles()).isEqualTo(3);
        assertThat(summary.frames()).isEqualTo(3);
        assertThat(summary.rejections()).extracting(Rejection::reason).satisfiesExactly(
                r -> assertThat(r).startsWith("file is truncated: GRIB message 1 at byte 0 states 1022912 bytes")
                        .endsWith("the file has 400000 from there; expected complete GRIB messages"),
                r -> assertThat(r).startsWith("not a GRIB file (at byte 0: 3c 68 74 6d 6c 3e 4e 6f)"));
        FrameCatalog catalog = FrameCatalog.load(SPARK.session(), work.resolve("catalog"));
        assertThat(catalog.description().units()).isEqualTo("mm/h");
        assertThat(catalog.description().unitsSource()).isEqualTo(FrameCatalog.UNITS_FROM_CONFIGURATION);
        assertThat(catalog.description().grid().cells()).isEqualTo(3500 * 7000);
        assertThat(catalog.description().reader().options())
                .containsEntry("index_cache", work.resolve("cache/grib").toString());
        assertThat(SPARK.session().read().parquet(work.resolve("catalog/frames").toString()).select("units")
                .distinct().collectAsList()).extracting(r -> r.getString(0)).containsExactly("mm/h");

        assertThat(listing(archive)).isEqualTo(before);
        try (Stream<Path> cached = Files.walk(work.resolve("cache/grib"))) {
            assertThat(cached.map(p -> p.getFileName().toString()).filter(n -> n.endsWith(".ncx2"))).hasSize(3);
        }
    }

    @Test
    void filesWithoutUnitsAndNoConfiguredUnitsAreQuarantinedNamingTheKeyToSet() throws IOException {
        Path archive = archive();
        Path work = dir.resolve("work");
        assertThatThrownBy(() -> FrameIngest.run(SPARK.session(), new FrameIngest.Request(archive,
                "*-000000.grib2", "precipitation_rate", mrmsReader(work), work.resolve("catalog"), null)))
                .isInstanceOf(FrameIngest.NoFramesException.class)
                .hasMessageContaining("the file states no units for 'precipitation_rate'; expected units in the file, "
                        + "or set variables.precipitation_rate.units in the configuration");
    }

    @Test
    void aGribFileWithoutTheVariableIsQuarantinedListingWhatItHas() throws Exception {
        Path archive = archive();
        Path work = dir.resolve("work");
        Path temperature = Files.move(EcCodes.globalGrib2(archive), archive.resolve("temperature_0000.grib2"));

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(), new FrameIngest.Request(archive,
                "*0000.grib2", "precipitation_rate", mrmsReader(work), work.resolve("catalog"), "mm/h"));

        assertThat(summary.acceptedFiles()).isEqualTo(1);
        assertThat(summary.rejections()).singleElement().satisfies(r -> {
            assertThat(r.file()).isEqualTo(temperature.toString());
            assertThat(r.reason()).isEqualTo("no GRIB variable '" + MRMS_NAME + "' (input.options.aliases."
                    + "precipitation_rate); the file has Temperature_height_above_ground; expected NetCDF-Java's name "
                    + "of the variable, or input.options.aliases.precipitation_rate naming it");
        });
        assertThat(Files.readString(work.resolve("catalog/quarantine.txt"))).contains(temperature.toString());
    }

    /** Every entry of the folder with its size and modification time: what "untouched" means. */
    private static List<String> listing(Path folder) throws IOException {
        try (Stream<Path> files = Files.list(folder)) {
            return files.sorted().map(p -> {
                try {
                    return p.getFileName() + " " + Files.size(p) + " " + Files.getLastModifiedTime(p);
                } catch (IOException e) {
                    throw new UncheckedIOException(e);
                }
            }).toList();
        }
    }
}
