package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.jobs.batch.RunSettings;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.ops.Batch;
import io.gridcast.jobs.ops.Scheduler;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A real schedule on a seconds-level cron, a real job repository and ingest on a tiny archive. Whether a run
 * outlasts its slot must not depend on the machine's speed: the test holds the first run until the scheduler has
 * logged the next slot as skipped.
 */
class ScheduleTest {

    static final String SKIPPED = "skipped: its previous run is still running";

    @TempDir
    Path work;

    @Test
    void aJobStillRunningAtItsNextSlotIsNotStartedTwice() throws Exception {
        Path archive = CrashRestartTest.smallArchive(work, 1);
        Path config = ingestEverySecond();
        Path log = work.resolve("logs/gridcast.log");
        AtomicBoolean first = new AtomicBoolean(true);

        try (Batch batch = Batch.open(work, List.of(), Map.of())) {
            // The run's settings are made on its own thread once it counts as running: holding them holds the run.
            new Scheduler(batch, ConfigLoader.load(config).scheduleEntries(), slot -> {
                if (first.getAndSet(false)) {
                    awaitLine(log, SKIPPED);
                }
                return new RunSettings(config, archive, "rain_rate", work, RunSettings.RUN_NAME.format(slot), List.of(), null, null, null);
            }, Clock.systemUTC()).run(Duration.ofSeconds(8));
        }

        String logged = Files.readString(log);
        assertThat(logged).contains("schedule: job ingest at '* * * * * *' (UTC)", SKIPPED);
        assertThat(logged).containsPattern("INFO  Scheduler \\[job=ingest\\] - schedule: job ingest slot \\S+ completed in")
                .doesNotContain("could not run");
        String status = CycleEndToEndTest.gridcast("status", "--out", work.toString(), "--limit", "20").out();
        assertThat(CycleEndToEndTest.count(status, " ingest COMPLETED ")).isGreaterThanOrEqualTo(1);
        assertThat(status).doesNotContain("FAILED", "STARTED");
    }

    @Test
    void aStoppedScheduleStartsNoFurtherRunAndEndsWhenItsRunningJobEnds() throws Exception {
        Path archive = CrashRestartTest.smallArchive(work, 1);
        Path config = ingestEverySecond();
        AtomicInteger runs = new AtomicInteger();
        AtomicReference<Scheduler> scheduler = new AtomicReference<>();
        try (Batch batch = Batch.open(work, List.of(), Map.of())) {
            // What a SIGTERM's shutdown hook does, during the first run.
            scheduler.set(new Scheduler(batch, ConfigLoader.load(config).scheduleEntries(), slot -> {
                if (runs.incrementAndGet() == 1) {
                    scheduler.get().stop();
                }
                return new RunSettings(config, archive, "rain_rate", work, RunSettings.RUN_NAME.format(slot), List.of(), null, null, null);
            }, Clock.systemUTC()));
            scheduler.get().run(Duration.ofSeconds(30));
        }

        assertThat(runs).as("runs started").hasValue(1);
        String logged = Files.readString(work.resolve("logs/gridcast.log"));
        assertThat(logged).contains("schedule: stopping; no further run starts (running: [ingest])")
                .containsPattern("schedule: job ingest slot \\S+ completed in").doesNotContain("could not run");
    }

    /** A configuration that ingests every second. */
    private Path ingestEverySecond() throws IOException {
        Path config = work.resolve("schedule.yml");
        Files.writeString(config, Files.readString(CrashRestartTest.CRASH)
                + "schedules:\n  - {job: ingest, cron: \"* * * * * *\"}\n");
        return config;
    }

    /** Waits (up to {@link ChildGridcast#DEADLINE}) until {@code log} holds {@code text}; the scheduler then logs the failure. */
    private static void awaitLine(Path log, String text) {
        long end = System.nanoTime() + ChildGridcast.DEADLINE.toNanos();
        try {
            while (!(Files.exists(log) && Files.readString(log).contains(text))) {
                if (System.nanoTime() > end) {
                    throw new IllegalStateException("the scheduler did not log '" + text + "' within " + ChildGridcast.DEADLINE);
                }
                Thread.sleep(50);
            }
        } catch (IOException | InterruptedException e) {
            throw new IllegalStateException(e);
        }
    }
}
