package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.synth.SyntheticArchive;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The ingest job on a real Spark standalone cluster: a master and two workers on 127.0.0.1, started from the
 * project's own classpath (a SPARK_HOME whose jars/ are the test classpath's jars), one worker killed with SIGKILL
 * while the job runs. Spark reruns the lost tasks, and the catalog equals the one of a local run.
 */
class SparkClusterTest {

    @TempDir
    Path dir;

    private final List<Process> daemons = new ArrayList<>();

    @Test
    void ingestOnAStandaloneClusterSurvivesALostWorker() throws Exception {
        Path archive = SyntheticArchive.write(dir.resolve("synth"), new SyntheticArchive.Spec(60, 32, 3,
                SyntheticArchive.Spec.defaults().step(), SyntheticArchive.Spec.defaults().start())).framesDir();
        CycleEndToEndTest.Outcome local = CycleEndToEndTest.gridcast("run", "ingest", "--config",
                CrashRestartTest.CRASH.toString(), "--input", archive.toString(), "--out", dir.resolve("local").toString());
        assertThat(local.status()).as(local.err()).isZero();

        Path sparkHome = sparkHome();
        int port = freePort();
        try {
            Process master = daemon(sparkHome, "master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                    "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
            awaitLog(dir.resolve("master.log"), "I have been elected leader", master);
            List<Path> workDirs = new ArrayList<>();
            for (int i = 0; i < 2; i++) {
                Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
                workDirs.add(workDir);
                Process worker = daemon(sparkHome, "worker-" + i, "org.apache.spark.deploy.worker.Worker",
                        "spark://127.0.0.1:" + port, "--host", "127.0.0.1", "--cores", "1", "--memory", "768m",
                        "--webui-port", String.valueOf(freePort()), "--work-dir", workDir.toString());
                awaitLog(dir.resolve("worker-" + i + ".log"), "Successfully registered with master", worker);
            }

            Path config = dir.resolve("cluster.yml");
            Files.writeString(config, Files.readString(CrashRestartTest.CRASH) + "spark:\n"
                    + "  master: spark://127.0.0.1:" + port + "\n"
                    + "  settings:\n"
                    + "    spark.driver.host: 127.0.0.1\n"
                    + "    spark.driver.bindAddress: 127.0.0.1\n"
                    + "    spark.executor.memory: 512m\n"
                    + "    spark.executor.cores: \"1\"\n"
                    // the workers share this machine: executors load gridcast's classes from the same paths
                    + "    spark.executor.extraClassPath: \"" + System.getProperty("java.class.path") + "\"\n"
                    + "    spark.executor.extraJavaOptions: \"" + addOpens() + "\"\n");
            CompletableFuture<CycleEndToEndTest.Outcome> ingest = CompletableFuture.supplyAsync(() ->
                    CycleEndToEndTest.gridcast("run", "ingest", "--config", config.toString(), "--input", archive.toString(),
                            "--out", dir.resolve("cluster").toString()));
            // An executor folder on worker 0 means the application is running there: kill that worker.
            awaitPath(workDirs.get(0), "app-", ingest);
            boolean killedWhileRunning = !ingest.isDone();
            daemons.get(1).destroyForcibly().waitFor();
            CycleEndToEndTest.Outcome cluster = ingest.get(5, TimeUnit.MINUTES);

            assertThat(killedWhileRunning).as("the worker died while the ingest ran").isTrue();
            assertThat(cluster.status()).as(cluster.err()).isZero();
            assertThat(cluster.out()).as("the job ran on the cluster").contains("work folder " + dir.resolve("cluster"));
            assertThat(Files.readString(dir.resolve("master.log"))).contains("Registering app gridcast");
            assertThat(CrashRestartTest.entries(dir.resolve("cluster"))).isEqualTo(CrashRestartTest.entries(dir.resolve("local")))
                    .hasSize(60);
        } finally {
            for (Process p : daemons) {
                p.destroyForcibly().waitFor();
            }
        }
    }

    /** A Spark distribution made of the test classpath: jars/ links every jar, RELEASE marks it as built. */
    private Path sparkHome() throws IOException {
        Path home = Files.createDirectories(dir.resolve("spark-home"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.writeString(home.resolve("RELEASE"), "");
        for (String entry : System.getProperty("java.class.path").split(File.pathSeparator)) {
            Path jar = Path.of(entry);
            if (entry.endsWith(".jar") && Files.isRegularFile(jar) && !Files.exists(jars.resolve(jar.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(jar.getFileName()), jar.toAbsolutePath());
            }
        }
        return home;
    }

    private static String addOpens() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.equals("-XX:+IgnoreUnrecognizedVMOptions"))
                .collect(Collectors.joining(" "));
    }

    private Process daemon(Path sparkHome, String name, String mainClass, String... args) throws IOException {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx256m"));
        command.addAll(List.of(addOpens().split(" ")));
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        command.addAll(List.of(args));
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().putAll(Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12",
                "JAVA_HOME", System.getProperty("java.home"), "SPARK_LOCAL_IP", "127.0.0.1"));
        Process p = builder.start();
        daemons.add(p);
        return p;
    }

    private static void awaitLog(Path log, String text, Process p) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(2).toNanos();
        while (System.nanoTime() < end) {
            if (Files.exists(log) && Files.readString(log).contains(text)) {
                return;
            }
            if (!p.isAlive()) {
                break;
            }
            Thread.sleep(200);
        }
        throw new AssertionError("no '" + text + "' in " + log + ":\n" + (Files.exists(log) ? Files.readString(log) : ""));
    }

    private static void awaitPath(Path root, String prefix, CompletableFuture<?> job) throws Exception {
        long end = System.nanoTime() + Duration.ofMinutes(3).toNanos();
        while (System.nanoTime() < end && !job.isDone()) {
            try (Stream<Path> list = Files.list(root)) {
                if (list.anyMatch(p -> p.getFileName().toString().startsWith(prefix))) {
                    return;
                }
            }
            Thread.sleep(50);
        }
    }

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
