package io.gridcast.jobs.cli;

import io.gridcast.jobs.GridcastApplication;
import io.gridcast.jobs.batch.RunSettings;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/** Starts the Boot application with the run's job repository, runs one job and reports how it ended. */
final class JobRunner {

    private static final Logger log = LoggerFactory.getLogger(JobRunner.class);

    static final List<String> JOBS = List.of("ingest", "train", "forecast", "report", "cycle");

    private JobRunner() {
    }

    /** Runs {@code job}; returns the finished execution (its status says whether it completed). */
    static JobExecution run(String job, RunSettings settings) throws Exception {
        Path repository = settings.workDir().toAbsolutePath().resolve("repository").resolve("gridcast");
        try (ConfigurableApplicationContext context = new SpringApplicationBuilder(GridcastApplication.class)
                .web(WebApplicationType.NONE)
                .properties("spring.datasource.url=jdbc:h2:file:" + repository + ";DB_CLOSE_ON_EXIT=FALSE")
                .run()) {
            Job bean = context.getBean(job + "Job", Job.class);
            return context.getBean(JobLauncher.class).run(bean, settings.toJobParameters());
        }
    }

    /**
     * One line per failure: the step and the message that names what was wrong. The stack traces go to the
     * log at DEBUG ({@code logging.level.io.gridcast.jobs.cli=DEBUG}), not to the user's console.
     */
    static String failures(JobExecution execution) {
        StringBuilder s = new StringBuilder();
        for (StepExecution step : execution.getStepExecutions()) {
            if (step.getStatus() == BatchStatus.FAILED) {
                for (Throwable t : step.getFailureExceptions()) {
                    log.debug("job {} step {} failed", execution.getJobInstance().getJobName(), step.getStepName(), t);
                    s.append("step '").append(step.getStepName()).append("': ").append(message(t)).append('\n');
                }
            }
        }
        for (Throwable t : execution.getFailureExceptions()) {
            s.append(message(t)).append('\n');
        }
        return s.length() == 0 ? "job ended with status " + execution.getStatus() + "\n" : s.toString();
    }

    static String message(Throwable t) {
        Throwable cause = t;
        while (cause.getMessage() == null && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause.getMessage() == null ? cause.toString() : cause.getMessage();
    }
}
