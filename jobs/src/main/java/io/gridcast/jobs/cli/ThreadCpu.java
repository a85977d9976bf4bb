package io.gridcast.jobs.cli;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;
import java.util.function.ToLongFunction;

/**
 * CPU seconds of this process's threads by name, from Linux's {@code /proc/self/task/<tid>/schedstat}: nanoseconds
 * on a CPU, and nanoseconds runnable but waiting for one. Unlike wall time the first barely moves with other
 * processes' load, and unlike {@code ThreadMXBean} it also sees the JIT compiler's threads, which compete with Spark's
 * task threads for the cores once there are as many task threads as cores; the second says how long a task thread
 * had work but no core (taken by the compiler, the collector or another process).
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

    /** One thread's nanoseconds on a CPU and waiting in a run queue, since it started. */
    record Times(long onCpu, long waiting) {
    }

    private ThreadCpu() {
    }

    /** The {@link Times} so far of every live thread, keyed {@code "<tid> <name>"}; empty without /proc. */
    static Map<String, Times> byThread() {
        Map<String, Times> times = new HashMap<>();
        if (!AVAILABLE) {
            return times;
        }
        try (DirectoryStream<Path> threads = Files.newDirectoryStream(TASKS_DIR)) {
            for (Path t : threads) {
                try {
                    String name = Files.readString(t.resolve("comm")).trim();
                    String[] fields = Files.readString(t.resolve("schedstat")).trim().split(" ");
                    times.put(t.getFileName() + " " + name, new Times(Long.parseLong(fields[0]),
                            Long.parseLong(fields[1])));
                } catch (IOException ended) {
                    // The thread ended between listing and reading; it is not one the bench follows.
                }
            }
        } catch (IOException e) {
            return times;
        }
        return times;
    }

    /** CPU nanoseconds between two {@link #byThread} readings of the threads whose name {@code matches}. */
    static long since(Map<String, Times> before, Map<String, Times> after, Predicate<String> matches) {
        return since(before, after, matches, Times::onCpu);
    }

    /** Run-queue nanoseconds between two {@link #byThread} readings of the threads whose name {@code matches}. */
    static long waitingSince(Map<String, Times> before, Map<String, Times> after, Predicate<String> matches) {
        return since(before, after, matches, Times::waiting);
    }

    private static long since(Map<String, Times> before, Map<String, Times> after, Predicate<String> matches,
            ToLongFunction<Times> field) {
        long ns = 0;
        for (Map.Entry<String, Times> e : after.entrySet()) {
            if (matches.test(e.getKey().substring(e.getKey().indexOf(' ') + 1))) {
                Times then = before.get(e.getKey());
                ns += field.applyAsLong(e.getValue()) - (then == null ? 0 : field.applyAsLong(then));
            }
        }
        return ns;
    }

    /**
     * Seconds the hypervisor ran something else on this machine's CPUs (all of them together, Linux's {@code steal}
     * in {@code /proc/stat}); 0 where there is no such count.
     */
    static double stealSeconds() {
        try {
            List<String> lines = Files.readAllLines(Path.of("/proc/stat"));
            String[] cpu = lines.get(0).trim().split("\\s+");
            // cpu user nice system idle iowait irq softirq steal ..., in clock ticks of 1/100 s on Linux.
            return cpu.length > 8 && cpu[0].equals("cpu") ? Long.parseLong(cpu[8]) / 100.0 : 0;
        } catch (IOException e) {
            return 0;
        }
    }
}
