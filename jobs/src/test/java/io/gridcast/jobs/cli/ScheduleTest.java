package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.synth.SyntheticArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A real schedule on a seconds-level cron: ingest every second, for a few seconds, on a tiny archive. */
class ScheduleTest {

    @TempDir
    Path work;

    @Test
    void aJobStillRunningAtItsNextSlotIsNotStartedTwice() throws IOException {
        Path archive = SyntheticArchive.write(work.resolve("synth"), new SyntheticArchive.Spec(60, 32, 1,
                SyntheticArchive.Spec.defaults().step(), SyntheticArchive.Spec.defaults().start())).framesDir();
        Path config = work.resolve("schedule.yml");
        // Every second: the first training (shards on Spark, then the models) takes longer than that. An ingest
        // does not: a re-run of an incremental ingest reads nothing.
        Files.writeString(config, Files.readString(CrashRestartTest.CRASH)
                + "schedules:\n  - {job: train, cron: \"* * * * * *\"}\n");
        assertThat(CycleEndToEndTest.gridcast("run", "ingest", "--config", config.toString(), "--input",
                archive.toString(), "--out", work.toString()).status()).isZero();

        CycleEndToEndTest.Outcome run = CycleEndToEndTest.gridcast("schedule", "--config", config.toString(),
                "--input", archive.toString(), "--out", work.toString(), "--stop-after", "PT6S");

        assertThat(run.status()).as(run.err()).isZero();
        String log = Files.readString(work.resolve("logs/gridcast.log"));
        assertThat(log).contains("schedule: job train at '* * * * * *' (UTC)", "skipped: its previous run is still running");
        assertThat(log).containsPattern("INFO  Scheduler \\[job=train\\] - schedule: job train slot \\S+ completed in");
        String status = CycleEndToEndTest.gridcast("status", "--out", work.toString(), "--limit", "10").out();
        assertThat(CycleEndToEndTest.count(status, " train COMPLETED ")).isGreaterThanOrEqualTo(1);
        assertThat(status).doesNotContain("FAILED", "STARTED");
    }
}
