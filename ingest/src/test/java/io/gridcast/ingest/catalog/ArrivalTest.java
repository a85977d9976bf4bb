package io.gridcast.ingest.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.LocalSpark;
import io.gridcast.ingest.SharedData;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * BOM radar frames arriving in a live folder the ways feeds write them: copied slowly in place, written under a
 * temporary name and renamed, or cut short for good. Whole files are catalogued; a file still being written waits
 * for the next ingest and is read then; a file that stays truncated is quarantined with its reason.
 */
class ArrivalTest {

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[2]");

    /** One second to settle: the feed's writers below change a file more often than that while they write it. */
    static final FrameIngest.Arrival ARRIVAL = new FrameIngest.Arrival(Duration.ofSeconds(1),
            FrameIngest.Arrival.DEFAULT.temporaryNames());

    @TempDir
    Path dir;

    Path feed;
    List<Path> bom;

    @BeforeEach
    void threeFramesHaveArrived() throws IOException {
        try (var files = Files.list(SharedData.require("radar/bom-brisbane-20201031"))) {
            bom = files.sorted().limit(4).toList();
        }
        feed = Files.createDirectories(dir.resolve("feed"));
        for (Path frame : bom.subList(0, 3)) {
            landed(feed.resolve(frame.getFileName()), Files.readAllBytes(frame));
        }
    }

    /** A file written a minute ago and untouched since. */
    private static Path landed(Path file, byte[] bytes) throws IOException {
        Files.write(file, bytes);
        Files.setLastModifiedTime(file, FileTime.from(Instant.now().minusSeconds(60)));
        return file;
    }

    private FrameIngest.Summary ingest() {
        return FrameIngest.run(SPARK.session(), new FrameIngest.Request(feed, "*.nc", "precipitation", "cf-netcdf",
                dir.resolve("catalog"), "kg m-2"), ARRIVAL);
    }

    @Test
    void aFileStillBeingCopiedInPlaceWaitsForTheNextIngestThenIsRead() throws Exception {
        byte[] whole = Files.readAllBytes(bom.get(3));
        Path copying = feed.resolve(bom.get(3).getFileName());
        Files.write(copying, Arrays.copyOf(whole, whole.length / 2));
        // The copy goes on, 16 bytes every 20 ms, until this ingest is over (the whole file would take 30 s more).
        AtomicBoolean ingesting = new AtomicBoolean(true);
        Thread writer = new Thread(() -> {
            try (OutputStream out = Files.newOutputStream(copying, java.nio.file.StandardOpenOption.APPEND)) {
                for (int at = whole.length / 2; at < whole.length - 16 && ingesting.get(); at += 16) {
                    out.write(whole, at, 16);
                    out.flush();
                    Thread.sleep(20);
                }
            } catch (IOException | InterruptedException e) {
                throw new IllegalStateException(e);
            }
        });
        writer.start();

        FrameIngest.Summary first;
        try {
            first = ingest();
        } finally {
            ingesting.set(false);
            writer.join();
        }

        assertThat(first.pending()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(copying.toString());
            assertThat(p.reason()).startsWith("still being written");
        });
        assertThat(first.rejections()).as("never quarantined while it is written").isEmpty();
        assertThat(first.frames()).isEqualTo(3);
        assertThat(first.describe()).contains("1 pending (still being written: read at the next ingest)");
        assertThat(dir.resolve("catalog/summary.json")).content().contains("\"pending\"", copying.toString());

        landed(copying, whole);
        FrameIngest.Summary next = ingest();

        assertThat(next.pending()).isEmpty();
        assertThat(next.rejections()).isEmpty();
        assertThat(next.frames()).isEqualTo(4);
        assertThat(next.filesRead()).as("only the file that was pending").isEqualTo(1);
    }

    @Test
    void aFileWrittenUnderATemporaryNameWaitsUntilItIsRenamed() throws IOException {
        // rsync's way: a dot-file beside the target, renamed when complete.
        Path temporary = landed(feed.resolve("." + bom.get(3).getFileName()), Files.readAllBytes(bom.get(3)));

        FrameIngest.Summary first = ingest();

        assertThat(first.pending()).singleElement().satisfies(p -> {
            assertThat(p.file()).isEqualTo(temporary.toString());
            assertThat(p.reason()).contains("a temporary name (input.temporary_names)");
        });
        assertThat(first.frames()).isEqualTo(3);

        Files.move(temporary, feed.resolve(bom.get(3).getFileName()));
        FrameIngest.Summary next = ingest();

        assertThat(next.pending()).isEmpty();
        assertThat(next.frames()).isEqualTo(4);
    }

    @Test
    void aFileThatStaysTruncatedIsQuarantinedWithItsReasonAndReadAgainOnceWhole() throws IOException {
        byte[] whole = Files.readAllBytes(bom.get(3));
        Path cut = landed(feed.resolve(bom.get(3).getFileName()), Arrays.copyOf(whole, whole.length / 2));

        FrameIngest.Summary first = ingest();

        assertThat(first.pending()).isEmpty();
        assertThat(first.rejections()).singleElement().satisfies(r -> {
            assertThat(r.file()).isEqualTo(cut.toString());
            assertThat(r.kind().label()).isEqualTo("not_readable");
            assertThat(r.reason()).contains("truncated");
        });
        assertThat(first.frames()).isEqualTo(3);

        // A feed that sends the file again: quarantine is not for good.
        landed(cut, whole);
        FrameIngest.Summary next = ingest();

        assertThat(next.rejections()).isEmpty();
        assertThat(next.frames()).isEqualTo(4);
    }
}
