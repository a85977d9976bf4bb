package io.gridcast.jobs.cli;

import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/** {@code gridcast} in a JVM of its own, started the way this one was: its options, its classpath. */
final class ChildJvm {

    private ChildJvm() {
    }

    /**
     * {@code java jvmOptions ... Gridcast args}: this JVM's system properties, {@code --add-opens} and classpath, its
     * heap from {@code jvmOptions} (this JVM's {@code -Xmx}, debugging and profiling agents are left out).
     */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        return command(jvmOptions, Gridcast.class, args);
    }

    /** As {@link #command(List, List)} with another main class (tests run gridcast behind a wrapper of their own). */
    static List<String> command(List<String> jvmOptions, Class<?> main, List<String> args) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> !a.startsWith("-Xmx") && !a.startsWith("-agentlib") && !a.startsWith("-javaagent")).toList());
        command.addAll(jvmOptions);
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), main.getName()));
        command.addAll(args);
        return command;
    }

    /** This JVM's own {@code -Xmx}, to start a child with the heap the launcher gave this one. */
    static List<String> heapOptions() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream().filter(a -> a.startsWith("-Xmx")).toList();
    }
}
