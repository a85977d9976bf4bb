package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.synth.SyntheticArchive;
import io.gridcast.models.forecasting.Forecasting;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A gap in a live feed, met by a running {@code gridcast schedule}: frames of 5 s land in real time and are
 * forecast; the feed stops, the forecast job refuses the data once they are older than three steps and
 * {@code status --check} says so; the feed comes back and the same process forecasts again. Every wait is for an
 * event (a file, a log line), never for a time, so a slow machine only makes it longer.
 */
class FeedGapTest {

    static final Duration STEP = Duration.ofSeconds(5);
    static final String CONFIG = """
            # 5-second frames, so that data go stale (forecast.max_data_age: three steps by default) within seconds.
            input:
              variable: rain_rate
            regions:
              - name: all
                box: {x_min: -16, x_max: 16, y_min: -16, y_max: 16}
                cell_size: 2.0
            windows:
              in: 2
              out: 2
              train: 0.5
              validation: 0.25
            models:
              - name: persistence
                type: persistence
            schedules:           # frames land on whole multiples of 5 s: ingest 1 s later, forecast 3 s later
              - {job: ingest, cron: "1/5 * * * * *"}
              - {job: forecast, cron: "3/5 * * * * *"}
            """;

    @TempDir
    Path temp;

    @Test
    void aRunningScheduleStopsForecastingWhenTheFeedStopsAndResumesWhenItComesBack() throws Exception {
        Path config = Files.writeString(temp.resolve("feed.yml"), CONFIG);
        Path trained = temp.resolve("trained");
        Path archive = SyntheticArchive.write(temp.resolve("archive"), new SyntheticArchive.Spec(60, 32, 11, STEP,
                SyntheticArchive.Spec.defaults().start())).framesDir();
        for (String job : List.of("ingest", "train")) {
            CycleEndToEndTest.Outcome run = CycleEndToEndTest.gridcast("run", job, "--config", config.toString(),
                    "--input", archive.toString(), "--out", trained.toString());
            assertThat(run.status()).as(run.err()).isZero();
        }
        Path work = temp.resolve("work");
        LiveFolderTest.deployModels(trained, work);
        Path forecasts = work.resolve("forecasts/all/persistence");
        Path log = work.resolve("logs/gridcast.log");

        try (Feed feed = new Feed(Files.createDirectories(temp.resolve("feed")), temp.resolve("landing"));
             ChildGridcast schedule = ChildGridcast.start(Map.of(), "schedule", "--config", config.toString(),
                     "--input", feed.dir.toString(), "--out", work.toString())) {
            BooleanSupplier alive = () -> ProcessHandle.of(schedule.pid()).map(ProcessHandle::isAlive).orElse(false);

            // Frames arrive: forecasts follow.
            awaitTrue(() -> newest(forecasts).isPresent(), alive, "a first forecast", log);

            // The feed stops: the first forecast run once its newest frame is three steps old refuses it.
            Instant stopped = feed.stop();
            Instant staleFrom = stopped.plus(STEP.multipliedBy(3)).plusSeconds(1);
            Run refused = awaitRun(log, "forecast", slot -> !slot.isBefore(staleFrom), -1, alive);
            assertThat(refused.outcome()).startsWith("ended FAILED: ")
                    .contains("stale data: the newest frame of 'rain_rate' is ");
            CycleEndToEndTest.Outcome stale = CycleEndToEndTest.gridcast("status", "--out", work.toString(), "--check");
            assertThat(stale.status()).as(stale.out() + stale.err()).isEqualTo(Status.UNHEALTHY);
            assertThat(stale.out()).contains("the last forecast of all/persistence failed: ",
                    "stale data: the newest frame of 'rain_rate' is ");

            // The feed comes back: once two consecutive frames (windows.in) are ingested, the same process forecasts.
            Feed.Landed second = feed.awaitLanded(feed.resume() + 1);
            Run ingested = awaitRun(log, "ingest", slot -> !slot.isBefore(second.at()), -1, alive);
            assertThat(ingested.outcome()).startsWith("completed");
            Run resumed = awaitRun(log, "forecast", slot -> true, ingested.end(), alive);
            assertThat(resumed.outcome()).as(read(log)).startsWith("completed");
            assertThat(newest(forecasts).orElseThrow()).isAfterOrEqualTo(second.time());
            CycleEndToEndTest.Outcome healthy = CycleEndToEndTest.gridcast("status", "--out", work.toString(),
                    "--check", "--max-age", "PT1H");
            assertThat(healthy.status()).as(healthy.out() + healthy.err()).isZero();
            assertThat(alive.getAsBoolean()).as(schedule.console()).isTrue();
            assertThat(CycleEndToEndTest.count(schedule.console(), "gridcast: running 2 schedules")).isEqualTo(1);
        }
    }

    /**
     * One scheduled run that has ended, from the scheduler's log lines.
     *
     * @param outcome its last line from "completed" or "ended" on
     * @param end     where that line ends in the log
     */
    private record Run(String outcome, int end) {
    }

    private static final Pattern STARTING = Pattern.compile("schedule: job (\\w+) slot (\\S+) starting");
    private static final Pattern ENDED = Pattern.compile("schedule: job (\\w+) slot (\\S+) ((?:completed|ended|could"
            + " not run).*)");

    /**
     * Waits for the first run of {@code job} whose "starting" line comes after log position {@code after} (-1: any)
     * and whose slot {@code slot} accepts, to end.
     */
    private static Run awaitRun(Path log, String job, Predicate<Instant> slot, int after, BooleanSupplier alive)
            throws InterruptedException {
        AtomicReference<Run> found = new AtomicReference<>();
        awaitTrue(() -> {
            run(read(log), job, slot, after).ifPresent(found::set);
            return found.get() != null;
        }, alive, "run of " + job + " ending", log);
        return found.get();
    }

    private static Optional<Run> run(String log, String job, Predicate<Instant> slot, int after) {
        Matcher starting = STARTING.matcher(log);
        while (starting.find()) {
            Instant time = ZonedDateTime.parse(starting.group(2)).toInstant();
            if (!starting.group(1).equals(job) || starting.start() <= after || !slot.test(time)) {
                continue;
            }
            Matcher ended = ENDED.matcher(log).region(starting.end(), log.length());
            while (ended.find()) {
                if (ended.group(1).equals(job) && ended.group(2).equals(starting.group(2))) {
                    return Optional.of(new Run(ended.group(3), ended.end()));
                }
            }
            return Optional.empty();
        }
        return Optional.empty();
    }

    /** The newest reference time among the forecast files in {@code dir}. */
    private static Optional<Instant> newest(Path dir) {
        if (!Files.isDirectory(dir)) {
            return Optional.empty();
        }
        try (Stream<Path> files = Files.list(dir)) {
            return files.map(Forecasting::referenceTime).flatMap(Optional::stream).max(Instant::compareTo);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String read(Path file) {
        try {
            return Files.exists(file) ? Files.readString(file) : "";
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Waits until {@code condition} holds; fails at once if the schedule process died, or after the hang guard. */
    private static void awaitTrue(BooleanSupplier condition, BooleanSupplier alive, String what, Path log)
            throws InterruptedException {
        long end = System.nanoTime() + ChildGridcast.DEADLINE.toNanos();
        while (!condition.getAsBoolean()) {
            if (!alive.getAsBoolean() || System.nanoTime() > end) {
                throw new AssertionError("no " + what + " (the schedule " + (alive.getAsBoolean() ? "still runs"
                        : "died") + "); its log:\n" + read(log));
            }
            Thread.sleep(100);
        }
    }

    /**
     * A radar feed in real time: the frame of time t lands at t (written whole elsewhere, then renamed in), one
     * every {@link #STEP} on whole multiples of it, and is lost while the feed is down. The first two land at once.
     */
    private static final class Feed implements AutoCloseable {

        /** A frame's time and when it landed. */
        record Landed(Instant time, Instant at) {
        }

        final Path dir;
        private final Path landing;
        private final Thread thread;
        private final List<Landed> landed = new ArrayList<>();
        private boolean up = true;

        Feed(Path dir, Path landing) {
            this.dir = dir;
            this.landing = landing;
            long step = STEP.toSeconds();
            Instant first = Instant.ofEpochSecond(Instant.now().getEpochSecond() / step * step).minus(STEP);
            thread = new Thread(() -> {
                try {
                    for (Instant t = first; ; t = t.plus(STEP)) {
                        Thread.sleep(Math.max(0, Duration.between(Instant.now(), t).toMillis()));
                        land(t);
                    }
                } catch (InterruptedException e) {
                    // closed
                } catch (IOException e) {
                    throw new IllegalStateException(e);
                }
            }, "feed");
            thread.start();
        }

        private synchronized void land(Instant time) throws IOException {
            if (!up) {
                return;
            }
            Path frame = SyntheticArchive.write(landing.resolve(String.valueOf(time.getEpochSecond())),
                    new SyntheticArchive.Spec(1, 32, 11, STEP, time)).files().get(0);
            // Complete before it lands, as a feed that writes to a temporary name leaves it.
            Files.setLastModifiedTime(frame, FileTime.from(Instant.now().minusSeconds(60)));
            Files.move(frame, dir.resolve(frame.getFileName()));
            landed.add(new Landed(time, Instant.now()));
            notifyAll();
        }

        /** Stops the feed; returns the newest frame that landed. */
        synchronized Instant stop() {
            up = false;
            return landed.get(landed.size() - 1).time();
        }

        /** Starts the feed again; returns how many frames have landed so far. */
        synchronized int resume() {
            up = true;
            return landed.size();
        }

        /** Waits until frame {@code index} (0 the first ever) has landed (the hang guard at most). */
        synchronized Landed awaitLanded(int index) throws InterruptedException {
            long end = System.nanoTime() + ChildGridcast.DEADLINE.toNanos();
            while (landed.size() <= index && System.nanoTime() < end) {
                wait(1000);
            }
            return landed.get(index);
        }

        @Override
        public void close() throws InterruptedException {
            thread.interrupt();
            thread.join();
        }
    }
}
