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
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepExecution;

/** Opens the run's job repository, runs (or restarts) one job and reports how it ended. */
final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    static final List<String> JOBS = Batch.JOBS;

    private JobRunner() {
    }

    /**
     * Runs {@code job} once the work folder is this process's ({@link WorkFolderLock}; {@code wait} for it or fail
     * naming its holder); returns the finished execution (its status says whether it completed).
     */
    static JobExecution run(String job, RunSettings settings, List<String> profiles, boolean wait) throws Exception {
        try (WorkFolderLock lock = WorkFolderLock.acquire(settings.workDir(), "gridcast run " + job, wait);
             Batch batch = Batch.open(settings.workDir(), profiles, System.getenv())) {
            return batch.run(job, settings);
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
     * One line per distinct failure: the steps it stopped and the message that names what was wrong (partitions
     * of one region failing alike are one line, not one each). The stack traces go to the log at DEBUG
     * ({@code logging.level.io.gridcast.jobs.cli=DEBUG}), not to the user's console.
     */
    static String failures(JobExecution execution) {
        Map<String, List<String>> stepsByMessage = new LinkedHashMap<>();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus() == BatchStatus.FAILED) {
                for (Throwable t : step.getFailureExceptions()) {
                    log.debug("job {} step {} failed", execution.getJobInstance().getJobName(), step.getStepName(), t);
                    stepsByMessage.computeIfAbsent(message(t), m -> new ArrayList<>()).add(step.getStepName());
                }
            }
        }
        StringBuilder s = new StringBuilder();
        stepsByMessage.forEach((message, steps) -> s.append(steps.size() == 1 ? "step '" : "steps '")
                .append(String.join("', '", steps)).append("': ").append(message).append('\n'));
        for (Throwable t : execution.getFailureExceptions()) {
            s.append(message(t)).append('\n');
        }
        return s.length() == 0 ? "job ended with status " + execution.getStatus() + "\n" : s.toString();
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

    static String message(Throwable t) {
        Throwable cause = t;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
