package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two processes on one work folder: a run beside a schedule stops at once naming the schedule's process, or waits for
 * it with --wait; status reads beside it; a schedule killed with SIGKILL frees the folder.
 */
class WorkFolderLockTest {

    @TempDir
    Path work;

    @Test
    void aRunBesideAScheduleNamesItOrWaitsForIt() throws Exception {
        Path archive = CrashRestartTest.smallArchive(work, 1);
        Path config = work.resolve("schedule.yml");
        Files.writeString(config, Files.readString(CrashRestartTest.CRASH)
                + "schedules:\n  - {job: ingest, cron: \"@daily\"}\n");
        String[] ingest = {"run", "ingest", "--config", config.toString(), "--input", archive.toString(), "--out",
                work.toString()};

        try (ChildGridcast schedule = ChildGridcast.start(Map.of(), "schedule", "--config", config.toString(),
                "--input", archive.toString(), "--out", work.toString())) {
            assertThat(schedule.awaitLine(l -> l.startsWith("gridcast: running 1 schedules"), ChildGridcast.DEADLINE))
                    .as(schedule.console()).isTrue();

            CycleEndToEndTest.Outcome refused = CycleEndToEndTest.gridcast(ingest);
            assertThat(refused.status()).isEqualTo(Gridcast.WORK_FOLDER_BUSY);
            assertThat(refused.err()).startsWith("gridcast: work folder " + work + " is in use by gridcast schedule "
                    + "(process " + schedule.pid() + " on ").contains("add --wait to wait for it");
            assertThat(CycleEndToEndTest.gridcast("status", "--out", work.toString()).status()).isZero();

            String[] waiting = Stream.concat(Arrays.stream(ingest), Stream.of("--wait")).toArray(String[]::new);
            try (ChildGridcast waiter = ChildGridcast.start(Map.of(), waiting)) {
                assertThat(waiter.awaitLine(l -> l.contains("is in use by gridcast schedule (process " + schedule.pid())
                        && l.endsWith(": waiting for it"), ChildGridcast.DEADLINE)).as(waiter.console()).isTrue();

                schedule.kill();
                assertThat(waiter.exitCode(ChildGridcast.DEADLINE)).as(waiter.console()).isZero();
                assertThat(waiter.console()).contains("job 'ingest' completed");
            }
        }
    }
}
