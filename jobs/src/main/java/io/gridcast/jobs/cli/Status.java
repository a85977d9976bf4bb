package io.gridcast.jobs.cli;

import io.gridcast.jobs.ops.Batch;
import java.io.PrintWriter;
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

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (limit < 1) {
            throw new IllegalArgumentException("--limit: expected 1 or more, got " + limit);
        }
        PrintWriter out = spec.commandLine().getOut();
        try (Batch batch = Batch.open(repository.out, repository.profiles, System.getenv())) {
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
