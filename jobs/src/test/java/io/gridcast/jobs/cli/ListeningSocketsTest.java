package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * No open door: a running gridcast process listens on loopback only (its job repository's H2 server, Spark's
 * driver), read from the process's own sockets while it runs, and a second process on the same work folder still
 * reaches the repository.
 */
class ListeningSocketsTest {

    @TempDir
    Path work;

    Path archive;

    @BeforeEach
    void archive() throws IOException {
        assumeTrue(ListeningSockets.available(), "needs Linux's /proc/net/tcp to read a process's listening sockets");
        archive = CrashRestartTest.smallArchive(work, 1);
    }

    /** Every socket {@code child} listens on until it ends, polled every 100 ms. */
    static Set<ListeningSockets.Listener> listenersUntilExit(ChildGridcast child, Duration timeout) throws Exception {
        Set<ListeningSockets.Listener> seen = new LinkedHashSet<>();
        long end = System.nanoTime() + timeout.toNanos();
        while (ProcessHandle.of(child.pid()).map(ProcessHandle::isAlive).orElse(false) && System.nanoTime() < end) {
            seen.addAll(ListeningSockets.of(child.pid()));
            Thread.sleep(100);
        }
        return seen;
    }

    @Test
    void aRunningJobListensOnLoopbackOnly() throws Exception {
        try (ChildGridcast child = ChildGridcast.start(Map.of(), "run", "ingest", "--config",
                CrashRestartTest.CRASH.toString(), "--input", archive.toString(), "--out", work.toString())) {
            Set<ListeningSockets.Listener> listeners = listenersUntilExit(child, ChildGridcast.DEADLINE);

            assertThat(child.exitCode(ChildGridcast.DEADLINE)).as(child.console()).isZero();
            assertThat(listeners).as("the job repository's server and Spark's driver listened while the job ran")
                    .isNotEmpty();
            assertThat(listeners).as("sockets reachable from another machine").allMatch(ListeningSockets::loopback);
        }
    }

    @Test
    void aScheduleListensOnLoopbackOnlyAndAStatusBesideItReachesItsRepository() throws Exception {
        Path config = work.resolve("schedule.yml");
        Files.writeString(config, Files.readString(CrashRestartTest.CRASH)
                + "schedules:\n  - {job: ingest, cron: \"*/2 * * * * *\"}\n");
        // Stopped by the test once it has looked, however long the first ingest takes on a busy machine.
        try (ChildGridcast child = ChildGridcast.start(Map.of(), "schedule", "--config", config.toString(), "--input",
                archive.toString(), "--out", work.toString(), "--stop-after", "PT30M")) {
            assertThat(child.awaitLine(l -> l.contains("completed in"), ChildGridcast.DEADLINE)).as(child.console())
                    .isTrue();
            Set<ListeningSockets.Listener> listeners = new LinkedHashSet<>(ListeningSockets.of(child.pid()));
            // The schedule holds the repository open: this process reaches it through the schedule's H2 server.
            CycleEndToEndTest.Outcome status = CycleEndToEndTest.gridcast("status", "--out", work.toString());
            assertThat(status.status()).as(status.err()).isZero();
            assertThat(status.out()).contains(" ingest COMPLETED ");
            listeners.addAll(ListeningSockets.of(child.pid()));

            assertThat(child.console()).doesNotContain("Exception");
            assertThat(listeners).as("the schedule's job repository server, while it runs").isNotEmpty()
                    .allMatch(ListeningSockets::loopback);
        }
    }
}
