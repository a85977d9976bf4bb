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
        Path archive = SyntheticArchive.write(work.resolve("synth"), new SyntheticArchive.Spec(6, 32, 1,
                SyntheticArchive.Spec.defaults().step(), SyntheticArchive.Spec.defaults().start())).framesDir();
        Path config = work.resolve("schedule.yml");
        Files.writeString(config, Files.readString(CrashRestartTest.CRASH)
                + "schedules:\n  - {job: ingest, cron: \"* * * * * *\"}   # every second: each ingest takes longer\n");

        CycleEndToEndTest.Outcome run = CycleEndToEndTest.gridcast("schedule", "--config", config.toString(),
                "--input", archive.toString(), "--out", work.toString(), "--stop-after", "PT6S");

        assertThat(run.status()).as(run.err()).isZero();
        String log = Files.readString(work.resolve("logs/gridcast.log"));
        assertThat(log).contains("schedule: job ingest at '* * * * * *' (UTC)", "skipped: its previous run is still running");
        assertThat(log).containsPattern("INFO  Scheduler \\[job=ingest\\] - schedule: job ingest slot \\S+ completed in");
        String status = CycleEndToEndTest.gridcast("status", "--out", work.toString(), "--limit", "10").out();
        assertThat(CycleEndToEndTest.count(status, " ingest COMPLETED ")).isGreaterThanOrEqualTo(1);
        assertThat(status).doesNotContain("FAILED", "STARTED");
    }
}
