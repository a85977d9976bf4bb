package io.gridcast.jobs.ops;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepExecution;

/** Why a job execution failed, as the command line prints it and the scheduler logs it. */
public final class Failures {

    private static final Logger log = LoggerFactory.getLogger(Failures.class);

    /** Spring Batch's message for a partitioned step one of whose partitions failed. */
    private static final String PARTITION_FAILED = "Partition handler returned an unsuccessful step";

    private Failures() {
    }

    /**
     * One line per distinct failure: the steps it stopped and the message that names what was wrong (partitions
     * of one region failing alike are one line, not one each). The stack traces go to the log at DEBUG
     * ({@code logging.level.io.gridcast.jobs.ops=DEBUG}), not to the user's console.
     */
    public static String of(JobExecution execution) {
        Map<String, List<String>> stepsByMessage = new LinkedHashMap<>();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus() == BatchStatus.FAILED) {
                for (Throwable t : step.getFailureExceptions()) {
                    log.debug("job {} step {} failed", execution.getJobInstance().getJobName(), step.getStepName(), t);
                    stepsByMessage.computeIfAbsent(message(t), m -> new ArrayList<>()).add(step.getStepName());
                }
            }
        }
        if (stepsByMessage.size() > 1) {
            // The partitioned step's own failure only says that a partition failed; the partitions say why.
            stepsByMessage.remove(PARTITION_FAILED);
        }
        StringBuilder s = new StringBuilder();
        stepsByMessage.forEach((message, steps) -> s.append(steps.size() == 1 ? "step '" : "steps '")
                .append(String.join("', '", steps)).append("': ").append(message).append('\n'));
        for (Throwable t : execution.getFailureExceptions()) {
            s.append(message(t)).append('\n');
        }
        return s.length() == 0 ? "job ended with status " + execution.getStatus() + "\n" : s.toString();
    }

    /** The first message down {@code t}'s causes: what names the problem, without the wrappers' class names. */
    public static String message(Throwable t) {
        Throwable cause = t;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
