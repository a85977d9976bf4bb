package io.gridcast.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gridcast.jobs.ops.Batch;
import io.gridcast.jobs.ops.Health;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.StepExecution;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gridcast status}: the newest job executions of a work folder, as the job repository records them. */
@Command(name = "status", mixinStandardHelpOptions = true,
        description = "List recent job executions from the job repository: job, parameters, status, start and end "
                + "(UTC), every step's read/write/skip counts, and the failure message. A run whose process died is "
                + "marked FAILED here, so that 'run JOB --restart' can resume it.")
final class Status implements Callable<Integer> {

    private static final DateTimeFormatter TIME = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss'Z'");

    @CommandLine.Mixin
    Gridcast.RepositoryOptions repository;

    @Option(names = "--limit", paramLabel = "N", description = "executions to list, newest first (default: ${DEFAULT-VALUE})",
            defaultValue = "10")
    int limit;

    @Option(names = "--json", description = "print what operators watch as one JSON object: every job's and every "
            + "region x variant partition's last success and last failure with its message, the newest frame of each "
            + "variable and its age, the newest forecast of each trained region x variant and its age")
    boolean json;

    @Option(names = "--check", description = "exit 3, with one line saying why, when a trained region x variant has "
            + "no forecast or its newest forecast is older than --max-age; exit 0 otherwise (for monitoring systems)")
    boolean check;

    @Option(names = "--max-age", paramLabel = "DURATION", defaultValue = "PT30M",
            description = "with --check: the oldest a newest forecast's reference time may be (ISO-8601; default: "
                    + "${DEFAULT-VALUE})")
    Duration maxAge;

    /** Executions --json and --check read back for the last success and failure of each job and partition. */
    private static final int HEALTH_EXECUTIONS = 500;

    /** {@code --check}'s exit code when forecasts are missing or stale: not a job failure (1) nor bad usage (2). */
    static final int UNHEALTHY = 3;

    private static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS).enable(SerializationFeature.INDENT_OUTPUT);

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit: expected 1 or more, got " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Batch batch = Batch.open(repository.out, repository.profiles, System.getenv())) {
            if (json || check) {
                Health.Report report = Health.read(batch, repository.out, Instant.now(), HEALTH_EXECUTIONS);
                if (json) {
                    out.println(JSON.writeValueAsString(report));
                }
                if (check) {
                    List<String> problems = Health.problems(report, maxAge);
                    out.println(problems.isEmpty() ? "gridcast: OK: " + report.forecasts().size()
                            + " trained region x variant(s), each with a forecast at most " + maxAge + " old"
                            : "gridcast: CHECK FAILED: " + String.join("; ", problems));
                    return problems.isEmpty() ? 0 : UNHEALTHY;
                }
                return 0;
            }
            List<JobExecution> executions = batch.recent(limit);
            out.println("gridcast: " + executions.size() + " newest job executions in " + batch.repositoryName());
            for (JobExecution e : executions) {
                out.println(describe(e));
            }
        }
        return 0;
    }

    static String describe(JobExecution e) {
        StringBuilder s = new StringBuilder();
        s.append(String.format("#%d %s %s  start %s  end %s%n", e.getId(), e.getJobInstance().getJobName(), e.getStatus(),
                time(e.getStartTime()), time(e.getEndTime())));
        s.append("    parameters: ").append(parameters(e.getJobParameters())).append('\n');
        for (StepExecution step : e.getStepExecutions()) {
            s.append(String.format("    step %s %s: read %d, written %d, skipped %d%n", step.getStepName(), step.getStatus(),
                    step.getReadCount(), step.getWriteCount(), step.getSkipCount()));
            // A partition's own reason: the job's says only that a partition failed.
            String reason = step.getExitStatus().getExitDescription();
            if (step.getStatus().isUnsuccessful() && reason != null && !reason.isBlank()) {
                s.append("      failure: ").append(firstLine(reason).replaceFirst("^[\\w.$]+(Exception|Error): ", ""))
                        .append('\n');
            }
        }
        String failure = e.getExitStatus().getExitDescription();
        if (failure != null && !failure.isBlank() && e.getStatus().isUnsuccessful()) {
            s.append("    failure: ").append(firstLine(failure)).append('\n');
        }
        return s.toString().stripTrailing();
    }

    private static String parameters(JobParameters parameters) {
        StringBuilder s = new StringBuilder();
        parameters.getParameters().forEach((name, p) -> {
            if (p.isIdentifying() && !String.valueOf(p.getValue()).isEmpty()) {
                s.append(s.length() == 0 ? "" : ", ").append(name).append('=').append(p.getValue());
            }
        });
        return s.toString();
    }

    private static String firstLine(String text) {
        String line = text.strip().lines().findFirst().orElse("");
        return line.length() > 300 ? line.substring(0, 300) + "..." : line;
    }

    static String time(LocalDateTime local) {
        return local == null ? "-" : TIME.format(local.atZone(ZoneId.systemDefault()).withZoneSameInstant(ZoneOffset.UTC));
    }
}
