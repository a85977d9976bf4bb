package io.gridcast.jobs.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Predicate;

/**
 * CPU seconds of this process's threads by name, from Linux's {@code /proc/self/task/<tid>/schedstat} (nanoseconds
 * on a CPU). Unlike wall time it barely moves with other processes' load, and unlike {@code ThreadMXBean} it also sees
 * the JIT compiler's threads, which compete with Spark's task threads for the cores once there are as many task
 * threads as cores.
 */
final class ThreadCpu {

    private static final Path TASKS_DIR = Path.of("/proc/self/task");

    /** Spark's executor threads (a thread's kernel name keeps its first 15 characters). */
    static final Predicate<String> TASKS = name -> name.startsWith("Executor task l");

    /** HotSpot's C1 and C2 compiler threads. */
    static final Predicate<String> COMPILERS = name -> name.startsWith("C1 CompilerThre")
            || name.startsWith("C2 CompilerThre");

    static final boolean AVAILABLE = Files.isReadable(TASKS_DIR.resolve(String.valueOf(ProcessHandle.current().pid()))
            .resolve("schedstat"));

    private ThreadCpu() {
    }

    /** Nanoseconds on a CPU so far of every live thread, keyed {@code "<tid> <name>"}; empty without /proc. */
    static Map<String, Long> byThread() {
        Map<String, Long> cpu = new HashMap<>();
        if (!AVAILABLE) {
            return cpu;
        }
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(TASKS_DIR)) {
            for (Path t : threads) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim();
                    long ns = Long.parseLong(Files.readString(t.resolve("schedstat")).trim().split(" ")[0]);
                    cpu.put(t.getFileName() + " " + name, ns);
                } catch (IOException ended) {
                    // The thread ended between listing and reading; it is not one the bench follows.
                }
            }
        } catch (IOException e) {
            return cpu;
        }
        return cpu;
    }

    /** CPU nanoseconds between two {@link #byThread} readings of the threads whose name {@code matches}. */
    static long since(Map<String, Long> before, Map<String, Long> after, Predicate<String> matches) {
        long ns = 0;
        for (Map.Entry<String, Long> e : after.entrySet()) {
            if (matches.test(e.getKey().substring(e.getKey().indexOf(' ') + 1))) {
                ns += e.getValue() - before.getOrDefault(e.getKey(), 0L);
            }
        }
        return ns;
    }
}
