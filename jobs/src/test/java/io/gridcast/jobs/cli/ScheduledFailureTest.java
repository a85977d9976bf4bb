package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A scheduled job that fails logs each partition's own reason, as 'gridcast run' prints it. */
class ScheduledFailureTest {

    @TempDir
    Path work;

    @Test
    void aFailedScheduledForecastLogsWhyEachPartitionFailed() throws Exception {
        Path config = work.resolve("schedule.yml");
        Files.writeString(config, Files.readString(CycleEndToEndTest.TINY)
                + "schedules:\n  - {job: forecast, cron: \"* * * * * *\"}\n");

        CycleEndToEndTest.Outcome run = CycleEndToEndTest.gridcast("schedule", "--config", config.toString(), "--out",
                work.toString(), "--stop-after", "PT2S");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(Files.readString(work.resolve("logs/gridcast.log"))).containsPattern("ERROR Scheduler \\[job=forecast"
                + "\\] - schedule: job forecast slot \\S+ ended FAILED: steps 'forecast-partition:west:persistence', .*: "
                + "no frame catalog in " + work.resolve("catalog/rain_rate") + " \\(missing description.json\\): run "
                + "ingest first").doesNotContain("Partition handler returned an unsuccessful step");
    }
}
