package io.gridcast.jobs.cli;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/** {@code gridcast} in a separate JVM, as an operator runs it: real console, real exit code, killable with SIGKILL. */
final class ChildGridcast implements AutoCloseable {

    /**
     * How long a test waits for a child before calling it hung: far beyond any step's time on a loaded machine
     * (SparkClusterTest, a minute in CI, took 33 under a load of 40 on 2 cores). A child that dies ends the wait.
     */
    static final Duration DEADLINE = Duration.ofMinutes(30);

    private final Process process;
    private final StringBuffer console = new StringBuffer();
    private final Thread reader;
    private volatile Predicate<String> awaited = line -> false;
    private volatile CountDownLatch seen = new CountDownLatch(1);

    private ChildGridcast(Process process) {
        this.process = process;
        this.reader = new Thread(() -> {
            try (BufferedReader lines = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = lines.readLine(); line != null; line = lines.readLine()) {
                    console.append(line).append('\n');
                    if (awaited.test(line)) {
                        seen.countDown();
                    }
                }
            } catch (IOException ignored) {
                // the process was killed
            }
        });
        reader.setDaemon(true);
        reader.start();
    }

    /** Starts {@code gridcast args} with the test JVM's options and classpath, plus {@code environment}. */
    static ChildGridcast start(Map<String, String> environment, String... args) throws IOException {
        return start(List.of(), Gridcast.class, environment, args);
    }

    /** The same, started by a POSIX shell that sets the file-creation mask {@code umask} (octal, e.g. 027) first. */
    static ChildGridcast startWithUmask(String umask, String... args) throws IOException {
        return start(List.of("/bin/sh", "-c", "umask " + umask + " && exec \"$@\"", "sh"), Gridcast.class, Map.of(), args);
    }

    /**
     * {@code gridcast args} whose step stops for good once it has printed a line containing {@code text}
     * ({@link HeldGridcast}): {@link #awaitLine} of that text returns while the step is still running.
     */
    static ChildGridcast startHeldAt(String text, String... args) throws IOException {
        List<String> held = new ArrayList<>(List.of(text));
        held.addAll(List.of(args));
        return start(List.of(), HeldGridcast.class, Map.of(), held.toArray(String[]::new));
    }

    private static ChildGridcast start(List<String> launcher, Class<?> main, Map<String, String> environment,
            String... args) throws IOException {
        List<String> command = new ArrayList<>(launcher);
        command.addAll(ChildJvm.command(List.of("-Xmx2g"), main, List.of(args)));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true);
        builder.environment().putAll(environment);
        return new ChildGridcast(builder.start());
    }

    /** {@code java jvmOptions ... Gridcast args} with the test JVM's options and classpath (surefire's: no Maven build). */
    static List<String> command(List<String> jvmOptions, List<String> args) {
        return ChildJvm.command(jvmOptions, args);
    }

    /** Waits until the console shows a line matching {@code line}; false if the process ended or time ran out first. */
    boolean awaitLine(Predicate<String> line, Duration timeout) throws InterruptedException {
        seen = new CountDownLatch(1);
        awaited = line;
        if (console.toString().lines().anyMatch(line)) {
            return true;
        }
        long end = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < end) {
            if (seen.await(200, TimeUnit.MILLISECONDS)) {
                return true;
            }
            if (!process.isAlive()) {
                reader.join(5000);
                return console.toString().lines().anyMatch(line);
            }
        }
        return false;
    }

    /** kill -9: no shutdown hook, no finally block runs. */
    void kill() throws InterruptedException {
        process.destroyForcibly();
        process.waitFor();
    }

    long pid() {
        return process.pid();
    }

    int exitCode(Duration timeout) throws InterruptedException {
        if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly();
            throw new AssertionError("gridcast did not end within " + timeout + ":\n" + console);
        }
        reader.join(5000);
        return process.exitValue();
    }

    String console() {
        return console.toString();
    }

    @Override
    public void close() throws InterruptedException {
        if (process.isAlive()) {
            kill();
        }
    }
}
