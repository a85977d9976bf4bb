package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.jobs.batch.RunSettings;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;

/** A run named by the second it started in: two runs in one second are still two runs. */
class JobRunnerTest {

    @TempDir
    Path work;

    @Test
    void aSecondRunStartedInTheSameSecondWithTheSameParametersRunsUnderASuffixedName() throws Exception {
        Path archive = CrashRestartTest.smallArchive(work, 1);
        RunSettings settings = new RunSettings(CrashRestartTest.CRASH, archive, "rain_rate", work, "20261208T005923Z",
                List.of(), null, null, null);

        JobExecution first = JobRunner.run("ingest", settings, List.of(), false);
        JobExecution second = JobRunner.run("ingest", settings, List.of(), false);
        JobExecution third = JobRunner.run("ingest", settings, List.of(), false);

        assertThat(List.of(first, second, third)).extracting(JobExecution::getStatus).containsOnly(BatchStatus.COMPLETED);
        assertThat(List.of(first, second, third)).extracting(e -> RunSettings.from(e.getJobParameters()).run())
                .containsExactly("20261208T005923Z", "20261208T005923Z-2", "20261208T005923Z-3");
    }
}
