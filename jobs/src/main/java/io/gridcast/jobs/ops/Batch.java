package io.gridcast.jobs.ops;

import io.gridcast.jobs.GridcastApplication;
import io.gridcast.jobs.batch.RunSettings;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.ExitStatus;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobInstance;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.explore.JobExplorer;
import org.springframework.batch.core.launch.JobLauncher;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;

/**
 * The job repository of one work folder, open: launches, restarts and lists job executions. The repository is
 * an H2 file under {@code <work>/repository/} unless the {@code postgres} profile is active (URL, user and
 * password from the environment). Before a launch, executions left STARTED by a dead process are marked FAILED
 * (so they can be restarted) and, when nothing else runs in the work folder, stale temporaries are removed.
 */
public final class Batch implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(Batch.class);

    public static final List<String> JOBS = List.of("ingest", "train", "forecast", "report", "cycle");
    public static final String POSTGRES = "postgres";
    /** The environment variables the {@code postgres} profile reads; their values are never logged. */
    public static final List<String> POSTGRES_ENV = List.of("GRIDCAST_DB_URL", "GRIDCAST_DB_USER", "GRIDCAST_DB_PASSWORD");

    private final ConfigurableApplicationContext context;
    private final Path workDir;
    private final String repositoryName;

    private Batch(ConfigurableApplicationContext context, Path workDir, String repositoryName) {
        this.context = context;
        this.workDir = workDir;
        this.repositoryName = repositoryName;
    }

    /**
     * Opens the job repository for {@code workDir}. {@code profiles} adds to {@code SPRING_PROFILES_ACTIVE};
     * {@code environment} is where the PostgreSQL settings are read (the process environment in production).
     */
    public static Batch open(Path workDir, List<String> profiles, Map<String, String> environment) {
        Path work = workDir.toAbsolutePath().normalize();
        Set<String> active = new LinkedHashSet<>(profiles);
        String fromEnvironment = environment.getOrDefault("SPRING_PROFILES_ACTIVE", "");
        for (String p : fromEnvironment.split(",")) {
            if (!p.isBlank()) {
                active.add(p.strip());
            }
        }
        for (String p : active) {
            if (!p.equals(POSTGRES)) {
                throw new IllegalArgumentException("unknown profile '" + p + "'; expected: " + POSTGRES);
            }
        }
        boolean postgres = active.contains(POSTGRES);
        List<String> properties = new ArrayList<>(List.of("gridcast.work=" + work));
        if (postgres) {
            List<String> missing = POSTGRES_ENV.stream().filter(k -> environment.get(k) == null).toList();
            if (!missing.isEmpty()) {
                throw new IllegalArgumentException("profile 'postgres' reads the job repository's connection from the "
                        + "environment: set " + String.join(", ", missing));
            }
            // Spring would read them from the process environment; passing them makes an explicit map work too.
            POSTGRES_ENV.forEach(k -> properties.add(k + "=" + environment.get(k)));
        } else {
            properties.add("gridcast.repository.url=" + H2Repository.url(work));
            properties.add("gridcast.repository.password=" + H2Repository.prepare(work));
        }
        ConfigurableApplicationContext context = new SpringApplicationBuilder(GridcastApplication.class)
                .web(WebApplicationType.NONE)
                .profiles(active.toArray(String[]::new))
                .properties(properties.toArray(String[]::new))
                .run();
        return new Batch(context, work, postgres ? "PostgreSQL (GRIDCAST_DB_URL)" : "H2 " + work.resolve("repository"));
    }

    /** Where the executions are kept, for messages: never the PostgreSQL URL or user. */
    public String repositoryName() {
        return repositoryName;
    }

    /** Runs {@code job} with {@code settings}; returns the finished execution. */
    public JobExecution run(String job, RunSettings settings) throws Exception {
        prepare();
        return launch(job, settings.toJobParameters());
    }

    /**
     * Runs {@code job} as a new run: when this run's name is already taken by a run of the same job with the same
     * parameters (two runs started within one second of each other), the name gets a suffix ({@code -2}, ...).
     */
    public JobExecution runNew(String job, RunSettings settings) throws Exception {
        JobRepository repository = context.getBean(JobRepository.class);
        RunSettings named = settings;
        for (int n = 2; repository.isJobInstanceExists(job, named.toJobParameters()); n++) {
            named = settings.withRun(settings.run() + "-" + n);
        }
        return run(job, named);
    }

    /** Runs the newest failed (or stopped) execution of {@code job} in this work folder again, as the same JobInstance. */
    public JobExecution restart(String job) throws Exception {
        requireJob(job);
        prepare();
        JobExecution failed = lastFailed(job);
        log.info("restarting job {} execution {} (parameters {})", job, failed.getId(), failed.getJobParameters());
        return launch(job, failed.getJobParameters());
    }

    private JobExecution launch(String job, org.springframework.batch.core.JobParameters parameters) throws Exception {
        Job bean = context.getBean(job + "Job", Job.class);
        return context.getBean(JobLauncher.class).run(bean, parameters);
    }

    private JobExecution lastFailed(String job) {
        JobExplorer explorer = context.getBean(JobExplorer.class);
        for (JobInstance instance : explorer.getJobInstances(job, 0, 1000)) {
            JobExecution last = explorer.getLastJobExecution(instance);
            if (last != null && inThisWorkDir(last)
                    && (last.getStatus() == BatchStatus.FAILED || last.getStatus() == BatchStatus.STOPPED)) {
                return last;
            }
        }
        throw new IllegalArgumentException("no failed run of job '" + job + "' to restart in work folder " + workDir
                + " (gridcast status lists the runs)");
    }

    private boolean inThisWorkDir(JobExecution execution) {
        return workDir.toString().equals(execution.getJobParameters().getString("work"));
    }

    static void requireJob(String job) {
        if (!JOBS.contains(job)) {
            throw new IllegalArgumentException("unknown job '" + job + "'; expected one of " + JOBS);
        }
    }

    /** Marks dead runs FAILED; removes stale temporaries if no live run is left in the work folder. */
    private synchronized void prepare() throws IOException {
        if (recoverDeadRuns() == 0) {
            Temporaries.clean(workDir);
        }
    }

    /**
     * Executions in this work folder that the repository says are running but whose process is gone become
     * FAILED, with their running steps, so that a restart can resume them. Returns how many live runs remain.
     */
    synchronized int recoverDeadRuns() throws IOException {
        JobExplorer explorer = context.getBean(JobExplorer.class);
        JobRepository repository = context.getBean(JobRepository.class);
        int live = 0;
        for (String job : JOBS) {
            for (JobExecution running : explorer.findRunningJobExecutions(job)) {
                if (!inThisWorkDir(running)) {
                    continue;
                }
                if (RunLocks.alive(workDir, running, Instant.now())) {
                    live++;
                    continue;
                }
                String reason = "the run's process died (" + RunLocks.holder(workDir, running.getId())
                        + " is gone); marked FAILED so that it can be restarted";
                LocalDateTime now = LocalDateTime.now();
                JobExecution execution = explorer.getJobExecution(running.getId());
                for (StepExecution step : execution.getStepExecutions()) {
                    if (step.getStatus().isRunning()) {
                        step.setStatus(BatchStatus.FAILED);
                        step.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
                        step.setEndTime(now);
                        repository.update(step);
                    }
                }
                execution.setStatus(BatchStatus.FAILED);
                execution.setExitStatus(ExitStatus.FAILED.addExitDescription(reason));
                execution.setEndTime(now);
                repository.update(execution);
                java.nio.file.Files.deleteIfExists(RunLocks.lockFile(workDir, running.getId()));
                log.warn("job {} execution {}: {}", job, running.getId(), reason);
            }
        }
        return live;
    }

    /** The newest {@code limit} executions of every job, newest first. */
    public List<JobExecution> recent(int limit) throws IOException {
        recoverDeadRuns();
        JobExplorer explorer = context.getBean(JobExplorer.class);
        List<JobExecution> executions = new ArrayList<>();
        for (String job : JOBS) {
            for (JobInstance instance : explorer.getJobInstances(job, 0, limit)) {
                executions.addAll(explorer.getJobExecutions(instance));
            }
        }
        executions.sort(Comparator.comparing(JobExecution::getId).reversed());
        return executions.subList(0, Math.min(limit, executions.size()));
    }

    @Override
    public void close() {
        context.close();
    }
}
