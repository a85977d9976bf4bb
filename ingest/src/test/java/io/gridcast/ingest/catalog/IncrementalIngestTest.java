package io.gridcast.ingest.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.LocalSpark;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.util.List;
import org.apache.spark.sql.Row;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Re-running ingest over a grown folder reads only what is new or changed, and equals a full re-ingest. */
class IncrementalIngestTest {

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[2]");

    @TempDir
    Path dir;

    private FrameIngest.Summary ingest(Path archive, Path catalog) {
        return FrameIngest.run(SPARK.session(),
                new FrameIngest.Request(archive, "*.nc", "rain", "cf-netcdf", catalog, "mm h-1"));
    }

    private List<String> table(Path catalog, String name) {
        return SPARK.session().read().parquet(catalog.resolve(name).toString()).orderBy("file").collectAsList().stream()
                .map(Row::toString).toList();
    }

    @Test
    void aGrownFolderIsReadIncrementallyAndEqualsAFullIngest() throws IOException {
        Path archive = Files.createDirectories(dir.resolve("archive"));
        for (int minute = 0; minute < 20; minute += 5) {
            QuarantineTest.good(archive, minute);
        }
        Files.createFile(archive.resolve("empty.nc"));
        Path incremental = dir.resolve("incremental");
        FrameIngest.Summary first = ingest(archive, incremental);
        assertThat(first.filesRead()).isEqualTo(5);
        assertThat(first.frames()).isEqualTo(4);

        // Three new files, a fourth repeating a catalogued time, and one catalogued file rewritten with a second frame.
        for (int minute = 20; minute < 35; minute += 5) {
            QuarantineTest.good(archive, minute);
        }
        QuarantineTest.frames(archive, "rain_000_again.nc", new double[] {0}, new float[6], "mm h-1", QuarantineTest.X);
        Path changed = QuarantineTest.frames(archive, "rain_010.nc", new double[] {10, 12}, new float[12], "mm h-1",
                QuarantineTest.X);
        Files.setLastModifiedTime(changed, FileTime.fromMillis(Files.getLastModifiedTime(changed).toMillis() + 2000));

        FrameIngest.Summary second = ingest(archive, incremental);
        assertThat(second.filesRead()).as("3 new, 1 duplicate, 1 changed").isEqualTo(5);
        assertThat(second.filesReused()).isEqualTo(4);
        assertThat(second.files()).isEqualTo(9);

        Path full = dir.resolve("full");
        FrameIngest.Summary fresh = ingest(archive, full);
        assertThat(fresh.filesRead()).isEqualTo(9);
        assertThat(second.describe()).isEqualTo(fresh.describe().replace("9 read, 0 unchanged", "5 read, 4 unchanged"));
        assertThat(second.rejections()).isEqualTo(fresh.rejections());
        assertThat(second.gaps()).isEqualTo(fresh.gaps());
        for (String table : List.of("frames", "quarantine", "manifest/files", "manifest/reads")) {
            assertThat(table(incremental, table)).as(table).isEqualTo(table(full, table));
        }
        assertThat(incremental.resolve("description.json")).hasSameTextualContentAs(full.resolve("description.json"));
        assertThat(table(incremental, "frames")).hasSize(8).anyMatch(r -> r.contains("rain_010.nc,1,"));
        assertThat(second.rejections()).extracting(Rejection::reason).anyMatch(r -> r.startsWith(
                "duplicate valid time 2026-01-01T00:00:00Z (frame 0), already read from " + archive.resolve("rain_000.nc")));

        FrameIngest.Summary unchanged = ingest(archive, incremental);
        assertThat(unchanged.filesRead()).isZero();
        assertThat(table(incremental, "frames")).isEqualTo(table(full, "frames"));
    }
}
