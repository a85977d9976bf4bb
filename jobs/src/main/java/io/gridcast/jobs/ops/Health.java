package io.gridcast.jobs.ops;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.models.forecasting.Forecasting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.StepExecution;

/**
 * What an operator watches, read from the job repository and the work folder alone (no Spark, no model loaded):
 * each job's and each region x variant partition's last success and last failure with its message, the newest
 * frame of every catalogued variable and its age, and the newest forecast of every trained region x variant and its
 * age. {@link #problems} says what a monitoring check should page for.
 */
public final class Health {

    /** One execution's end: its id, when it ended (UTC) and, for a failure, the first line of its message. */
    public record Outcome(long execution, Instant ended, String message) {
    }

    /** A job's, or a job's region x variant partition's (region and variant null for the job itself), outcomes. */
    public record State(String job, String region, String variant, Outcome lastSuccess, Outcome lastFailure) {
    }

    /** A catalogued variable's newest frame, from its catalog summary. */
    public record Data(String variable, Instant newestFrame, long ageSeconds) {
    }

    /** A trained region x variant and its newest forecast (null reference time and file when there is none). */
    public record Forecast(String region, String variant, Instant newestReferenceTime, Long ageSeconds, String file) {
    }

    public record Report(Instant checkedAt, String repository, List<State> jobs, List<State> partitions,
                         List<Data> data, List<Forecast> forecasts) {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private Health() {
    }

    /** The state of {@code workDir} at {@code now}, from the newest {@code executions} executions. */
    public static Report read(Batch batch, Path workDir, Instant now, int executions) throws IOException {
        Map<List<String>, State> jobs = new LinkedHashMap<>();
        Map<List<String>, State> partitions = new LinkedHashMap<>();
        // Newest first: the first success and the first failure met are the last ones.
        for (JobExecution e : batch.recent(executions)) {
            String job = e.getJobInstance().getJobName();
            record(jobs, job, null, null, e.getId(), e.getStatus(), e.getEndTime(), e.getExitStatus().getExitDescription());
            for (StepExecution step : e.getStepExecutions()) {
                // A partition's step is named '<step>:<region>:<variant>' (Partitions.regionsByVariants).
                String[] name = step.getStepName().split(":");
                if (name.length == 3) {
                    record(partitions, job, name[1], name[2], e.getId(), step.getStatus(), step.getEndTime(),
                            step.getExitStatus().getExitDescription());
                }
            }
        }
        return new Report(now, batch.repositoryName(), List.copyOf(jobs.values()), List.copyOf(partitions.values()),
                data(workDir, now), forecasts(workDir, now));
    }

    private static void record(Map<List<String>, State> states, String job, String region, String variant, long id,
                               BatchStatus status, LocalDateTime end, String description) {
        if (end == null || (status != BatchStatus.COMPLETED && !status.isUnsuccessful())) {
            return;
        }
        List<String> key = Arrays.asList(job, region, variant);
        State s = states.getOrDefault(key, new State(job, region, variant, null, null));
        Instant ended = end.atZone(ZoneId.systemDefault()).toInstant();
        if (status == BatchStatus.COMPLETED && s.lastSuccess() == null) {
            s = new State(job, region, variant, new Outcome(id, ended, null), s.lastFailure());
        } else if (status.isUnsuccessful() && s.lastFailure() == null) {
            String message = description == null ? "" : description.strip().lines().findFirst().orElse("");
            s = new State(job, region, variant, s.lastSuccess(), new Outcome(id, ended, message));
        }
        states.put(key, s);
    }

    /** Every {@code catalog/<variable>/summary.json}'s newest frame. */
    private static List<Data> data(Path workDir, Instant now) throws IOException {
        List<Data> data = new ArrayList<>();
        for (Path dir : list(workDir.resolve("catalog"))) {
            Path summary = dir.resolve("summary.json");
            if (Files.exists(summary)) {
                JsonNode last = JSON.readTree(summary.toFile()).get("last_time");
                if (last != null && !last.isNull()) {
                    Instant newest = Instant.parse(last.asText());
                    data.add(new Data(dir.getFileName().toString(), newest, Duration.between(newest, now).toSeconds()));
                }
            }
        }
        return data;
    }

    /** Every trained region x variant ({@code models/<variable>/<region>/<variant>/latest}) and its newest forecast. */
    private static List<Forecast> forecasts(Path workDir, Instant now) throws IOException {
        List<Forecast> forecasts = new ArrayList<>();
        for (Path variable : list(workDir.resolve("models"))) {
            for (Path region : list(variable)) {
                for (Path variant : list(region)) {
                    if (!Files.exists(variant.resolve("latest"))) {
                        continue;
                    }
                    String r = region.getFileName().toString();
                    String v = variant.getFileName().toString();
                    Optional<Path> newest = entries(workDir.resolve("forecasts").resolve(r).resolve(v)).stream()
                            .filter(f -> Files.isRegularFile(f) && Forecasting.referenceTime(f).isPresent())
                            .max(Comparator.comparing(f -> Forecasting.referenceTime(f).orElseThrow()));
                    Instant reference = newest.flatMap(Forecasting::referenceTime).orElse(null);
                    forecasts.add(new Forecast(r, v, reference,
                            reference == null ? null : Duration.between(reference, now).toSeconds(),
                            newest.map(Path::toString).orElse(null)));
                }
            }
        }
        return forecasts;
    }

    /** The folders in {@code dir}, sorted; none if it does not exist. */
    private static List<Path> list(Path dir) throws IOException {
        return entries(dir).stream().filter(Files::isDirectory).toList();
    }

    private static List<Path> entries(Path dir) throws IOException {
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> entries = Files.list(dir)) {
            return entries.sorted().toList();
        }
    }

    /**
     * What a monitoring check pages for, one line each: no trained model, a trained region x variant without a
     * forecast, a newest forecast whose reference time is more than {@code maxAge} old, or a forecast partition
     * whose last run failed (stale data, a missing frame) with its message. Empty when all is well.
     */
    public static List<String> problems(Report report, Duration maxAge) {
        List<String> problems = new ArrayList<>();
        for (State p : report.partitions()) {
            if (p.job().equals("forecast") && p.lastFailure() != null
                    && (p.lastSuccess() == null || p.lastFailure().execution() > p.lastSuccess().execution())) {
                problems.add("the last forecast of " + p.region() + "/" + p.variant() + " failed: "
                        + p.lastFailure().message());
            }
        }
        if (report.forecasts().isEmpty()) {
            problems.add("no trained model in the work folder, so no forecast to check");
        }
        for (Forecast f : report.forecasts()) {
            if (f.newestReferenceTime() == null) {
                problems.add("no forecast of " + f.region() + "/" + f.variant());
            } else if (f.ageSeconds() > maxAge.toSeconds()) {
                problems.add("the newest forecast of " + f.region() + "/" + f.variant() + " is for "
                        + f.newestReferenceTime() + ", " + words(Duration.ofSeconds(f.ageSeconds())) + " old (more than "
                        + maxAge + ")");
            }
        }
        return problems;
    }

    /** An age as an operator reads it: minutes, hours and minutes, or days. */
    static String words(Duration age) {
        if (age.toHours() < 1) {
            return age.toMinutes() + " min";
        }
        return age.toDays() < 2 ? age.toHours() + " h " + age.toMinutesPart() + " min" : age.toDays() + " days";
    }
}
