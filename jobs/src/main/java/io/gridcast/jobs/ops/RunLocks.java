package io.gridcast.jobs.ops;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import io.gridcast.ingest.AtomicFiles;
import org.slf4j.MDC;
import org.springframework.batch.core.JobExecution;
import org.springframework.batch.core.JobExecutionListener;
import org.springframework.stereotype.Component;

/**
 * Every running job execution holds a lock file {@code <work>/locks/<execution id>.lock} naming its process and
 * host, touched every few seconds. A kill -9 leaves the execution STARTED in the job repository and its lock
 * behind: the lock's process is gone (same host) or its heartbeat stopped (another host sharing PostgreSQL),
 * so {@link Batch} can tell a dead run from a live one.
 */
@Component
public class RunLocks implements JobExecutionListener {

    static final Duration HEARTBEAT = Duration.ofSeconds(5);
    /** A lock untouched this long belongs to a dead process, wherever it ran. */
    static final Duration STALE = Duration.ofSeconds(60);

    private final ScheduledExecutorService heartbeats = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "gridcast-run-heartbeat");
        t.setDaemon(true);
        return t;
    });
    private final Map<Long, ScheduledFuture<?>> beating = new ConcurrentHashMap<>();

    static Path lockFile(Path workDir, long executionId) {
        return workDir.resolve("locks").resolve(executionId + ".lock");
    }

    static String host() {
        try {
            return InetAddress.getLocalHost().getHostName();
        } catch (IOException e) {
            return "localhost";
        }
    }

    @Override
    public void beforeJob(JobExecution execution) {
        MDC.put("job", execution.getJobInstance().getJobName());
        Path lock = lockFile(Path.of(execution.getJobParameters().getString("work")), execution.getId());
        try {
            Files.createDirectories(lock.getParent());
            Path staging = AtomicFiles.stagingFor(lock);
            Files.writeString(staging, ProcessHandle.current().pid() + " " + host() + "\n");
            AtomicFiles.replaceFile(staging, lock);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the run lock " + lock, e);
        }
        beating.put(execution.getId(), heartbeats.scheduleAtFixedRate(() -> {
            try {
                Files.setLastModifiedTime(lock, FileTime.from(Instant.now()));
            } catch (IOException ignored) {
                // the next beat tries again; a lock missing for STALE means a dead run
            }
        }, HEARTBEAT.toMillis(), HEARTBEAT.toMillis(), TimeUnit.MILLISECONDS));
    }

    @Override
    public void afterJob(JobExecution execution) {
        ScheduledFuture<?> beat = beating.remove(execution.getId());
        if (beat != null) {
            beat.cancel(false);
        }
        try {
            Files.deleteIfExists(lockFile(Path.of(execution.getJobParameters().getString("work")), execution.getId()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            MDC.remove("job");
        }
    }

    /**
     * Whether the process that runs {@code execution} is alive: its lock names a live process on this host, or
     * was touched recently by another host. An execution without a lock is given {@link #STALE} to write one.
     */
    static boolean alive(Path workDir, JobExecution execution, Instant now) throws IOException {
        Path lock = lockFile(workDir, execution.getId());
        if (!Files.exists(lock)) {
            Instant created = execution.getCreateTime() == null ? now
                    : execution.getCreateTime().atZone(java.time.ZoneId.systemDefault()).toInstant();
            return created.plus(STALE).isAfter(now);
        }
        String[] holder = Files.readString(lock).strip().split(" ", 2);
        if (holder.length == 2 && holder[1].equals(host())) {
            return ProcessHandle.of(Long.parseLong(holder[0])).map(ProcessHandle::isAlive).orElse(false);
        }
        return Files.getLastModifiedTime(lock).toInstant().plus(STALE).isAfter(now);
    }

    static String holder(Path workDir, long executionId) throws IOException {
        Path lock = lockFile(workDir, executionId);
        return Files.exists(lock) ? "process " + Files.readString(lock).strip().replace(" ", " on ") : "no process (no lock file)";
    }
}
