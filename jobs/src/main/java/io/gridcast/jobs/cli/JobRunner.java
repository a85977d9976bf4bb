package io.gridcast.jobs.cli;

import io.gridcast.jobs.batch.RunSettings;
import io.gridcast.jobs.batch.TrainJobConfig;
import io.gridcast.jobs.ops.Batch;
import io.gridcast.jobs.ops.WorkFolderLock;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepExecution;

/** Opens the run's job repository, runs (or restarts) one job and reports how it ended. */
final class JobRunner {

    static final List<String> JOBS = Batch.JOBS;

    private JobRunner() {
    }

    /**
     * Runs {@code job} once the work folder is this process's ({@link WorkFolderLock}; {@code wait} for it or fail
     * naming its holder) as a new run; returns the finished execution (its status says whether it completed).
     */
    static JobExecution run(String job, RunSettings settings, List<String> profiles, boolean wait) throws Exception {
        try (WorkFolderLock lock = WorkFolderLock.acquire(settings.workDir(), "gridcast run " + job, wait);
             Batch batch = Batch.open(settings.workDir(), profiles, System.getenv())) {
            return batch.runNew(job, settings);
        }
    }

    /** Restarts the newest failed run of {@code job} in {@code workDir}: completed partitions are skipped. */
    static JobExecution restart(String job, Path workDir, List<String> profiles, boolean wait) throws Exception {
        try (WorkFolderLock lock = WorkFolderLock.acquire(workDir, "gridcast run " + job + " --restart", wait);
             Batch batch = Batch.open(workDir, profiles, System.getenv())) {
            return batch.restart(job);
        }
    }

    /**
     * One line per reason trained variants were left out ({@link TrainJobConfig#NOT_TRAINED}), naming the
     * region/variant partitions; empty when every variant was trained.
     */
    static List<String> untrained(JobExecution execution) {
        Map<String, List<String>> partitionsByReason = new LinkedHashMap<>();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getExitStatus().getExitCode().equals(TrainJobConfig.NOT_TRAINED)
                    && step.getExecutionContext().containsKey("region")) {
                partitionsByReason.computeIfAbsent(step.getExitStatus().getExitDescription(), r -> new ArrayList<>())
                        .add(step.getExecutionContext().getString("region") + "/"
                                + step.getExecutionContext().getString("variant"));
            }
        }
        List<String> lines = new ArrayList<>();
        partitionsByReason.forEach((reason, partitions) -> lines.add("not trained: "
                + String.join(", ", partitions) + ": " + reason));
        return lines;
    }
}
