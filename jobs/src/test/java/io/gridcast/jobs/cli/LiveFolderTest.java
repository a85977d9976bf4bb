package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.ingest.synth.SyntheticArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A live folder as operational feeds keep one: only the last frames, arriving now. Models are trained once on an
 * archive of the same grid (its training period named explicitly, as {@code conf/bom.yml} does); every test then
 * forecasts from a folder of recent frames with its own copy of them, on the wall clock, with real Spark and H2.
 */
class LiveFolderTest {

    static final Path LIVE = Path.of("src/test/resources/live.yml");
    static final Duration STEP = SyntheticArchive.Spec.defaults().step();
    static final List<String> REGIONS = List.of("west", "east");
    static final List<String> VARIANTS = List.of("persistence", "advection", "convlstm");
    static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);

    @TempDir
    static Path trained;

    @TempDir
    Path work;

    @BeforeAll
    static void trainOnAnArchive() throws IOException {
        Path archive = CrashRestartTest.smallArchive(trained, 3);
        for (String job : List.of("ingest", "train")) {
            CycleEndToEndTest.Outcome run = CycleEndToEndTest.gridcast("run", job, "--config", LIVE.toString(),
                    "--input", archive.toString(), "--out", trained.resolve("work").toString());
            assertThat(run.status()).as(run.err()).isZero();
        }
    }

    /** The trained models in this test's work folder, as a deployment ships them. */
    private void deployModels() throws IOException {
        deployModels(trained.resolve("work"), work);
    }

    /** The models trained in work folder {@code trainedIn}, copied into work folder {@code work}. */
    static void deployModels(Path trainedIn, Path work) throws IOException {
        Path from = trainedIn.resolve("models");
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = work.resolve("models").resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

    /** The newest 5-minute slot that has begun. */
    static Instant lastSlot() {
        long step = STEP.toSeconds();
        return Instant.ofEpochSecond(Instant.now().getEpochSecond() / step * step);
    }

    /** {@code frames} synthetic frames of the training grid, the newest at {@code newest}, landed a minute ago. */
    static List<Path> frames(Path dir, int frames, Instant newest) throws IOException {
        SyntheticArchive.Result written = SyntheticArchive.write(dir, new SyntheticArchive.Spec(frames, 32, 11, STEP,
                newest.minus(STEP.multipliedBy(frames - 1L))));
        for (Path f : written.files()) {
            Files.setLastModifiedTime(f, FileTime.from(Instant.now().minusSeconds(60)));
        }
        return written.files();
    }

    private CycleEndToEndTest.Outcome run(String job, Path feed) {
        return CycleEndToEndTest.gridcast("run", job, "--config", LIVE.toString(), "--input", feed.toString(), "--out",
                work.toString());
    }

    /** Every forecast file under the work folder with its modification time. */
    private Map<Path, FileTime> forecasts() throws IOException {
        Map<Path, FileTime> files = new HashMap<>();
        if (!Files.isDirectory(work.resolve("forecasts"))) {
            return files;
        }
        for (Path f : CycleEndToEndTest.files(work.resolve("forecasts"), ".nc")) {
            files.put(work.relativize(f), Files.getLastModifiedTime(f));
        }
        return files;
    }

    /** The forecast of every region x variant for {@code reference}. */
    private static List<Path> allFor(Instant reference) {
        List<Path> files = new ArrayList<>();
        for (String region : REGIONS) {
            for (String variant : VARIANTS) {
                files.add(Path.of("forecasts", region, variant,
                        region + "_" + variant + "_" + STAMP.format(reference) + ".nc"));
            }
        }
        return files;
    }

    @Test
    void aFolderOfTheLastFramesAloneForecastsEveryRegionAndVariant() throws IOException {
        deployModels();
        Instant newest = lastSlot();
        // Five frames: fewer than the training period's, and none of its times.
        Path feed = frames(work.resolve("feed"), 5, newest).get(0).getParent();

        CycleEndToEndTest.Outcome ingest = run("ingest", feed);
        assertThat(ingest.status()).as(ingest.err()).isZero();
        CycleEndToEndTest.Outcome forecast = run("forecast", feed);

        assertThat(forecast.status()).as(forecast.err()).isZero();
        assertThat(forecasts().keySet()).containsExactlyInAnyOrderElementsOf(allFor(newest));
    }

    @Test
    void aLateFileIsCataloguedAndWritesNoForecastForAPassedReferenceTime() throws IOException {
        deployModels();
        Instant newest = lastSlot();
        List<Path> frames = frames(work.resolve("synth"), 6, newest);
        Path feed = Files.createDirectories(work.resolve("feed"));
        // The second frame is held back: it arrives after the newer ones were forecast from.
        Path late = frames.get(1);
        for (Path f : frames) {
            if (!f.equals(late)) {
                Files.move(f, feed.resolve(f.getFileName()));
            }
        }
        assertThat(run("ingest", feed).out()).contains("5 files: 5 accepted (5 frames)");
        assertThat(run("forecast", feed).status()).isZero();
        Map<Path, FileTime> before = forecasts();
        assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(allFor(newest));

        Files.move(late, feed.resolve(late.getFileName()));
        CycleEndToEndTest.Outcome ingest = run("ingest", feed);
        CycleEndToEndTest.Outcome forecast = run("forecast", feed);

        assertThat(ingest.out()).contains("6 files: 6 accepted (6 frames), 0 quarantined; 0 gap(s); 1 read");
        assertThat(forecast.status()).as(forecast.err()).isZero();
        assertThat(forecasts()).as("no forecast rewritten, none for the late frame's time").isEqualTo(before);
        assertThat(Files.readString(work.resolve("logs/gridcast.log")))
                .contains("already written for reference time " + newest);
    }

    @Test
    void aSecondForecastOverTheSameNewestFrameReadsNoFrameAndWritesNothing() throws IOException {
        deployModels();
        Instant newest = lastSlot();
        List<Path> frames = frames(work.resolve("feed"), 5, newest);
        Path feed = frames.get(0).getParent();
        assertThat(run("ingest", feed).status()).isZero();
        assertThat(run("forecast", feed).status()).isZero();
        Map<Path, FileTime> before = forecasts();
        assertThat(before.keySet()).containsExactlyInAnyOrderElementsOf(allFor(newest));
        Path log = work.resolve("logs/gridcast.log");
        int logged = Files.readString(log).length();
        // The catalogued frames are gone: a forecast that read one would fail.
        for (Path f : frames) {
            Files.delete(f);
        }

        CycleEndToEndTest.Outcome again = run("forecast", feed);

        assertThat(again.status()).as(again.err()).isZero();
        assertThat(forecasts()).isEqualTo(before);
        String second = Files.readString(log).substring(logged);
        assertThat(CycleEndToEndTest.count(second, "already written for reference time " + newest))
                .as(second).isEqualTo(REGIONS.size() * VARIANTS.size());
        assertThat(CycleEndToEndTest.count(second, "catalog of 'rain_rate' loaded for this run"))
                .as("one catalog load for the run's six partitions").isEqualTo(1);
    }

    @Test
    void staleDataIsRefusedAndReportedAndAFeedGapThatClosesForecastsAgain() throws IOException {
        deployModels();
        // The feed stopped an hour ago: four 5-minute steps past the default forecast.max_data_age of three.
        Instant stopped = lastSlot().minus(Duration.ofHours(1));
        Path feed = frames(work.resolve("feed"), 4, stopped).get(0).getParent();
        assertThat(run("ingest", feed).status()).isZero();

        CycleEndToEndTest.Outcome refused = run("forecast", feed);

        assertThat(refused.status()).isEqualTo(Gridcast.JOB_FAILED);
        assertThat(refused.err()).contains("stale data: the newest frame of 'rain_rate' is " + stopped,
                "more than forecast.max_data_age PT15M: no forecast written");
        assertThat(forecasts()).isEmpty();
        JsonNode health = new ObjectMapper().readTree(CycleEndToEndTest.gridcast("status", "--out", work.toString(),
                "--json").out());
        assertThat(health.get("partitions")).hasSize(6).allSatisfy(p -> assertThat(p.get("lastFailure")
                .get("message").asText()).contains("stale data: the newest frame of 'rain_rate' is " + stopped));
        CycleEndToEndTest.Outcome check = CycleEndToEndTest.gridcast("status", "--out", work.toString(), "--check");
        assertThat(check.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(check.out()).contains("the last forecast of west/convlstm failed: ", "stale data");

        // The feed resumes: new frames land, the next run forecasts again without a restart.
        Instant newest = lastSlot();
        for (Path f : frames(work.resolve("resumed"), 3, newest)) {
            Files.move(f, feed.resolve(f.getFileName()));
        }
        assertThat(run("ingest", feed).status()).isZero();
        CycleEndToEndTest.Outcome resumed = run("forecast", feed);

        assertThat(resumed.status()).as(resumed.err()).isZero();
        assertThat(forecasts().keySet()).containsExactlyInAnyOrderElementsOf(allFor(newest));
        CycleEndToEndTest.Outcome healthy = CycleEndToEndTest.gridcast("status", "--out", work.toString(), "--check");
        assertThat(healthy.status()).as(healthy.out()).isZero();
    }
}
