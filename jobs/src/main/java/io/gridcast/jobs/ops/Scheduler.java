package io.gridcast.jobs.ops;

import io.gridcast.jobs.batch.RunSettings;
import java.time.Clock;
import java.time.Duration;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import org.springframework.scheduling.support.CronExpression;

/**
 * Runs jobs at the slots of their cron expressions (UTC), each on its own thread. A job whose previous run is
 * still going when its next slot comes is not started twice (the slot is skipped and logged); slots that passed
 * while the process was busy or asleep are logged as missed, and only the latest of them runs. When the last running
 * job ends, the process returns the memory it no longer uses ({@link IdleMemory}), so its resident set stays flat over
 * months of slots.
 */
public final class Scheduler {

    private static final Logger log = LoggerFactory.getLogger(Scheduler.class);

    /** One configured schedule. */
    public record Entry(String job, CronExpression cron, String expression) {
    }

    /** The slot to run now and the earlier slots that passed unrun. */
    record Due(ZonedDateTime slot, List<ZonedDateTime> missed) {
    }

    private final Batch batch;
    private final List<Entry> entries;
    private final Function<ZonedDateTime, RunSettings> settingsForSlot;
    private final Clock clock;
    private final Set<String> running = ConcurrentHashMap.newKeySet();
    private final ExecutorService jobs = Executors.newCachedThreadPool();
    private final List<Thread> ticks = new ArrayList<>();
    private volatile boolean stopping;

    /** {@code settingsForSlot} names each run after its slot (its report folder, its JobInstance). */
    public Scheduler(Batch batch, List<Entry> entries, Function<ZonedDateTime, RunSettings> settingsForSlot, Clock clock) {
        this.batch = batch;
        this.entries = entries;
        this.settingsForSlot = settingsForSlot;
        this.clock = clock;
    }

    /**
     * Runs the schedules until {@code stopAfter} has passed (forever if null) or the process is asked to stop (a
     * signal, {@link #stop}), then waits for running jobs.
     */
    public void run(Duration stopAfter) throws InterruptedException {
        ZonedDateTime stop = stopAfter == null ? null : now().plus(stopAfter);
        Thread onSignal = new Thread(this::stop, "schedule-stop");
        Runtime.getRuntime().addShutdownHook(onSignal);
        synchronized (ticks) {
            for (Entry entry : entries) {
                log.info("schedule: job {} at '{}' (UTC), next at {}", entry.job(), entry.expression(), entry.cron().next(now()));
                Thread t = new Thread(() -> tick(entry, stop), "schedule-" + entry.job());
                t.start();
                ticks.add(t);
            }
        }
        for (Thread t : ticks) {
            t.join();
        }
        jobs.shutdown();
        jobs.awaitTermination(365, TimeUnit.DAYS);
        try {
            Runtime.getRuntime().removeShutdownHook(onSignal);
        } catch (IllegalStateException shuttingDown) {
            // The hook is running or has run: nothing to remove.
        }
    }

    /**
     * Starts no further run. On a signal the JVM closes the job repository while the schedule's threads still run: a
     * slot that came then failed with "Database is already closed" (an ERROR in every stopped schedule's log).
     */
    public void stop() {
        if (stopping) {
            return;
        }
        stopping = true;
        log.info("schedule: stopping; no further run starts{}", running.isEmpty() ? "" : " (running: " + running + ")");
        synchronized (ticks) {
            ticks.forEach(Thread::interrupt);
        }
    }

    private ZonedDateTime now() {
        return ZonedDateTime.now(clock.withZone(ZoneOffset.UTC));
    }

    private void tick(Entry entry, ZonedDateTime stop) {
        MDC.put("job", entry.job());
        ZonedDateTime slot = entry.cron().next(now());
        while (slot != null && (stop == null || slot.isBefore(stop)) && !stopping) {
            try {
                long wait = Duration.between(now(), slot).toMillis();
                if (wait > 0) {
                    Thread.sleep(wait);
                }
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            Due due = due(entry.cron(), slot, now());
            if (!due.missed().isEmpty()) {
                log.warn("schedule: job {} missed {} slot(s) from {} to {} (the process was busy or asleep); running the "
                        + "latest, {}", entry.job(), due.missed().size(), due.missed().get(0),
                        due.missed().get(due.missed().size() - 1), due.slot());
            }
            launch(entry.job(), due.slot());
            slot = entry.cron().next(due.slot());
        }
    }

    /** The latest slot at or before {@code now} from {@code slot} on, and the slots before it that were passed over. */
    static Due due(CronExpression cron, ZonedDateTime slot, ZonedDateTime now) {
        List<ZonedDateTime> missed = new ArrayList<>();
        ZonedDateTime latest = slot;
        for (ZonedDateTime next = cron.next(slot); next != null && !next.isAfter(now); next = cron.next(next)) {
            missed.add(latest);
            latest = next;
        }
        return new Due(latest, missed);
    }

    private void launch(String job, ZonedDateTime slot) {
        if (stopping) {
            return;
        }
        if (!running.add(job)) {
            log.warn("schedule: job {} slot {} skipped: its previous run is still running", job, slot);
            return;
        }
        jobs.submit(() -> {
            MDC.put("job", job);
            long start = System.nanoTime();
            try {
                log.info("schedule: job {} slot {} starting", job, slot);
                JobExecution execution = batch.run(job, settingsForSlot.apply(slot));
                MDC.put("job", job);
                if (execution.getStatus() == BatchStatus.COMPLETED) {
                    log.info("schedule: job {} slot {} completed in {} s", job, slot, Math.round((System.nanoTime() - start) / 1e9));
                } else {
                    // Each failed partition's own reason, as 'gridcast run' prints them.
                    log.error("schedule: job {} slot {} ended {}: {}", job, slot, execution.getStatus(),
                            Failures.of(execution).strip().replace("\n", "; "));
                }
            } catch (Exception | Error e) {
                log.error("schedule: job {} slot {} could not run: {}", job, slot, e.getMessage(), e);
            } finally {
                running.remove(job);
                // Not while the process stops: the memory goes back with it.
                if (running.isEmpty() && !stopping) {
                    IdleMemory.release();
                }
                MDC.remove("job");
            }
        });
    }
}
