package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import com.fasterxml.jackson.databind.JsonNode;
import io.gridcast.jobs.spark.SparkMain;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.registry.ModelRegistry;
import java.io.File;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.jar.Attributes;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.jar.JarOutputStream;
import java.util.jar.Manifest;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.CleanupMode;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * gridcast's stages submitted to a real Spark standalone cluster through Spark's own submit path
 * ({@code org.apache.spark.deploy.SparkSubmit}, client deploy mode, as {@code spark-submit} runs it): a master and two
 * workers on 127.0.0.1, and an application jar holding gridcast's classes. The cluster's Spark distribution is made
 * of the test classpath's third-party jars (a SPARK_HOME whose jars/ links them), never gridcast's own classes:
 * driver and executors get those from the application jar only. Ingest and features run with one worker killed
 * mid-ingest; then per-region training runs one region model per task with the worker that trains the ConvLSTM
 * killed mid-training. Spark reruns the lost tasks, and catalog, features and models equal those of a local run.
 * The tasks a kill must find running are held there by {@link HeldTasks} (a plugin on the executors), so the
 * test does not depend on how fast the machine would have finished them.
 */
class SparkClusterTest {

    static final Path LOGBACK = Path.of(System.getProperty("gridcast.home", ".."), "conf", "spark-logback.xml");

    // Kept when the test fails: the daemons', executors' and submissions' logs say why.
    @TempDir(cleanup = CleanupMode.ON_SUCCESS)
    Path dir;

    private final List<Process> daemons = new ArrayList<>();
    private Path sparkHome;
    private int port;

    @AfterEach
    void stopCluster() throws InterruptedException {
        for (Process p : daemons) {
            kill(p);
        }
    }

    @Test
    void submittedIngestFeaturesAndTrainingSurviveALostWorker() throws Exception {
        Path archive = CrashRestartTest.smallArchive(dir, 3);
        // Enough ConvLSTM epochs for a worker to die between two of them.
        Path config = dir.resolve("cluster.yml");
        Files.writeString(config, Files.readString(CrashRestartTest.CRASH).replace("epochs: 1", "epochs: 3"));
        Path local = dir.resolve("local");
        for (String job : List.of("ingest", "train")) {
            CycleEndToEndTest.Outcome outcome = CycleEndToEndTest.gridcast("run", job, "--config", config.toString(),
                    "--input", archive.toString(), "--out", local.toString());
            assertThat(outcome.status()).as(outcome.err()).isZero();
        }

        sparkHome = sparkHome();
        Path app = applicationJar();
        port = freePort();
        Process master = daemon("master", "org.apache.spark.deploy.master.Master", "--host", "127.0.0.1",
                "--port", String.valueOf(port), "--webui-port", String.valueOf(freePort()));
        awaitLog(dir.resolve("master.log"), "I have been elected leader", master);
        List<Process> workers = new ArrayList<>(List.of(worker(0), worker(1)));
        Path cluster = dir.resolve("cluster");

        // One application: ingest and features, then one task per region model. Worker 0 dies while its executor
        // runs an ingest task (held there; the other worker's ingest tasks wait for that) and worker 2 joins; then the
        // worker training the ConvLSTM dies after its first epoch (held there).
        Path holds = Files.createDirectories(dir.resolve("holds"));
        Files.createFile(holds.resolve(HeldTasks.HOLD_FIRST_STAGE));
        Files.createFile(holds.resolve(HeldTasks.HOLD_TRAINING));
        Process job = submit(app, holds, "ingest,features,train", config, archive, cluster);
        awaitFile(holds.resolve(HeldTasks.FIRST_STAGE_HELD), job);
        boolean ingestRunning = ingest(cluster).isEmpty() && job.isAlive();
        List<ListeningSockets.Listener> driverSockets = ListeningSockets.of(job.pid());
        kill(workers.get(0));
        Files.delete(holds.resolve(HeldTasks.HOLD_FIRST_STAGE));
        workers.set(0, worker(2));
        String trainer = awaitFile(holds.resolve(HeldTasks.TRAINING_HELD), job);
        boolean trainRunning = job.isAlive();
        Files.delete(holds.resolve(HeldTasks.HOLD_TRAINING));
        kill(workers.get(trainer.equals("worker-1") ? 1 : 0));
        assertThat(exitCode(job, "submit")).isZero();

        assertThat(ingestRunning).as("worker 0 died while the ingest ran").isTrue();
        assertThat(driverSockets).as("the driver listens where spark.driver.bindAddress (127.0.0.1) says")
                .isNotEmpty().allMatch(ListeningSockets::loopback);
        assertThat(trainer).as("a worker that joined before the training trained the ConvLSTM")
                .isIn("worker-1", "worker-2");
        assertThat(trainRunning).as("its worker died while the training ran").isTrue();
        Path survivor = dir.resolve(trainer.equals("worker-1") ? "worker-2" : "worker-1");
        assertThat(executorLogs(survivor)).as("the ConvLSTM task was rerun on the other worker")
                .anyMatch(log -> read(log).contains("all/convlstm"));
        String driver = Files.readString(dir.resolve("submit.log"));
        assertThat(driver.split("Lost executor", -1)).as("two executors lost:\n%s", driver).hasSize(3);
        assertThat(driver.split("its executor exited for a reason unrelated to the task", -1))
                .as("a task lost mid-ingest and the ConvLSTM's, both rerun").hasSizeGreaterThanOrEqualTo(3);

        assertThat(CrashRestartTest.entries(cluster)).isEqualTo(CrashRestartTest.entries(local)).hasSize(60);
        Path index = Path.of("features/rain_rate/all/index.json");
        assertThat(Files.readString(cluster.resolve(index))).isEqualTo(Files.readString(local.resolve(index)));
        // ND4J's sums and GEMM are split by thread count, and Spark runs executors with OMP_NUM_THREADS = task cpus
        // (1) where the local run uses every core: equal to float rounding, not bit for bit (measured: 1e-7 relative
        // in the ConvLSTM's losses, 1e-16 in the baselines' validation MSE).
        for (String variant : List.of("persistence", "convlstm", "advection")) {
            assertClose(CrashRestartTest.metadata(cluster, variant), CrashRestartTest.metadata(local, variant), variant);
            assertThat(versions(cluster, variant)).as("one version of " + variant).hasSize(1);
        }
        float[] values = new float[3 * 16 * 16];
        java.util.Random random = new java.util.Random(7);
        for (int i = 0; i < values.length; i++) {
            values[i] = (float) random.nextGaussian();
        }
        INDArray inputs = Nd4j.create(values, new long[] {1, 3, 1, 16, 16}, 'c');
        INDArray clusterForecast = convLstm(cluster).predict(inputs.dup());
        INDArray localForecast = convLstm(local).predict(inputs.dup());
        assertThat(clusterForecast.shape()).isEqualTo(new long[] {1, 3, 16, 16});
        assertThat(clusterForecast.sub(localForecast).amaxNumber().doubleValue()).as("the ConvLSTM's forecasts")
                .isLessThan(1e-4);
        assertThat(CrashRestartTest.temporaries(cluster.resolve("models"))).isEmpty();
    }

    /** The catalog summary, present once the ingest stage is done. */
    private static Optional<Path> ingest(Path work) {
        Path summary = work.resolve("catalog/rain_rate/summary.json");
        return Files.exists(summary) ? Optional.of(summary) : Optional.empty();
    }

    /**
     * {@code spark-submit} as its script runs it: SparkSubmit's main in a JVM of its own, the driver inside it; with
     * the {@link HeldTasks} plugin, controlled by the files in {@code holds}, on driver and executors.
     */
    private Process submit(Path app, Path holds, String stages, Path config, Path archive, Path work) throws Exception {
        Path plugin = pluginJar();
        // --driver-java-options of spark-submit: here the driver is this JVM.
        List<String> command = java("-Xmx1g");
        command.addAll(List.of("-Dlogback.configurationFile=" + LOGBACK.toAbsolutePath(),
                "-cp", sparkHome.resolve("jars") + "/*" + File.pathSeparator + plugin, "org.apache.spark.deploy.SparkSubmit",
                "--master", "spark://127.0.0.1:" + port, "--deploy-mode", "client",
                "--class", SparkMain.class.getName(),
                "--conf", "spark.driver.host=127.0.0.1", "--conf", "spark.driver.bindAddress=127.0.0.1",
                "--conf", "spark.ui.enabled=false",
                "--conf", "spark.plugins=" + HeldTasks.class.getName(), "--conf", HeldTasks.FOLDER + "=" + holds,
                "--conf", "spark.executor.extraClassPath=" + plugin,
                "--conf", "spark.executor.memory=512m", "--conf", "spark.executor.cores=1",
                "--conf", "spark.executor.extraJavaOptions=" + addOpens() + " -Dlogback.configurationFile="
                        + LOGBACK.toAbsolutePath(),
                app.toString(), "--stages", stages, config.toString(), archive.toString(), work.toString()));
        return start("submit", command);
    }

    private Process worker(int i) throws Exception {
        Path workDir = Files.createDirectories(dir.resolve("worker-" + i));
        Process worker = daemon("worker-" + i, "org.apache.spark.deploy.worker.Worker", "spark://127.0.0.1:" + port,
                "--host", "127.0.0.1", "--cores", "1", "--memory", "768m", "--webui-port", String.valueOf(freePort()),
                "--work-dir", workDir.toString());
        awaitLog(dir.resolve("worker-" + i + ".log"), "Successfully registered with master", worker);
        return worker;
    }

    private Process daemon(String name, String mainClass, String... args) throws IOException {
        List<String> command = java("-Xmx256m");
        command.addAll(List.of("-cp", sparkHome.resolve("jars") + "/*", mainClass));
        command.addAll(List.of(args));
        command.add(1, "-Dlogback.configurationFile=" + LOGBACK.toAbsolutePath());
        Process p = start(name, command);
        daemons.add(p);
        return p;
    }

    private List<String> java(String heap) {
        List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                heap));
        command.addAll(List.of(addOpens().split(" ")));
        return command;
    }

    private Process start(String name, List<String> command) throws IOException {
        ProcessBuilder builder = new ProcessBuilder(command).redirectErrorStream(true)
                .redirectOutput(dir.resolve(name + ".log").toFile());
        builder.environment().putAll(Map.of("SPARK_HOME", sparkHome.toString(), "SPARK_SCALA_VERSION", "2.12",
                "JAVA_HOME", System.getProperty("java.home"), "SPARK_LOCAL_IP", "127.0.0.1"));
        return builder.start();
    }

    /** A lost machine: the worker and the executors it started, all with SIGKILL. */
    private static void kill(Process p) throws InterruptedException {
        List<ProcessHandle> children = p.descendants().toList();
        p.destroyForcibly();
        children.forEach(ProcessHandle::destroyForcibly);
        p.waitFor();
    }

    private int exitCode(Process p, String name) throws Exception {
        if (!p.waitFor(ChildGridcast.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            p.destroyForcibly();
        }
        int code = p.isAlive() ? -1 : p.exitValue();
        assertThat(code).as(Files.readString(dir.resolve(name + ".log"))).isZero();
        return code;
    }

    /**
     * A Spark distribution made of the test classpath's third-party jars (jars/ links them, an empty RELEASE marks
     * it as built). gridcast's own modules are left out: they come with the application jar.
     */
    private Path sparkHome() throws IOException {
        Path home = Files.createDirectories(dir.resolve("spark-home"));
        Path jars = Files.createDirectories(home.resolve("jars"));
        Files.writeString(home.resolve("RELEASE"), "");
        for (Path entry : classpath()) {
            if (!isGridcast(entry) && entry.toString().endsWith(".jar") && Files.isRegularFile(entry)
                    && !Files.exists(jars.resolve(entry.getFileName()))) {
                Files.createSymbolicLink(jars.resolve(entry.getFileName()), entry);
            }
        }
        return home;
    }

    /** The application jar: the main classes and resources of gridcast's modules (as built by this reactor). */
    private Path applicationJar() throws IOException {
        Path jar = dir.resolve("gridcast-app.jar");
        Manifest manifest = new Manifest();
        manifest.getMainAttributes().put(Attributes.Name.MANIFEST_VERSION, "1.0");
        manifest.getMainAttributes().put(Attributes.Name.MAIN_CLASS, SparkMain.class.getName());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar), manifest)) {
            for (Path entry : classpath()) {
                if (isGridcast(entry) && Files.isDirectory(entry)) {
                    copyFiles(entry, file -> true, out);
                } else if (isGridcast(entry) && entry.toString().endsWith(".jar")) {
                    copyEntries(entry, out);
                }
            }
        }
        return jar;
    }

    /** The {@link HeldTasks} plugin's classes alone, for the classpaths of the driver and the executors. */
    private Path pluginJar() throws Exception {
        Path jar = dir.resolve("held-tasks.jar");
        Path classes = Path.of(HeldTasks.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        try (JarOutputStream out = new JarOutputStream(Files.newOutputStream(jar))) {
            copyFiles(classes, file -> file.getFileName().toString().startsWith(HeldTasks.class.getSimpleName()), out);
        }
        return jar;
    }

    /** The files under {@code root} that {@code include} accepts, as entries named by their relative paths. */
    private static void copyFiles(Path root, Predicate<Path> include, JarOutputStream out) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(Files::isRegularFile).filter(include).sorted().toList()) {
                out.putNextEntry(new JarEntry(root.relativize(file).toString().replace(File.separatorChar, '/')));
                Files.copy(file, out);
                out.closeEntry();
            }
        }
    }

    private static void copyEntries(Path from, JarOutputStream out) throws IOException {
        try (JarFile jar = new JarFile(from.toFile())) {
            for (JarEntry e : jar.stream().filter(e -> !e.isDirectory() && !e.getName().startsWith("META-INF/")).toList()) {
                out.putNextEntry(new JarEntry(e.getName()));
                jar.getInputStream(e).transferTo(out);
                out.closeEntry();
            }
        }
    }

    private static List<Path> classpath() {
        return Stream.of(System.getProperty("java.class.path").split(File.pathSeparator))
                .map(e -> Path.of(e).toAbsolutePath().normalize()).toList();
    }

    /** A main output of one of gridcast's modules (a folder or jar under the project), not its tests. */
    private static boolean isGridcast(Path entry) {
        Path project = Path.of(System.getProperty("gridcast.home", "..")).toAbsolutePath().normalize();
        return entry.startsWith(project) && !entry.toString().contains("test-classes");
    }

    private static String addOpens() {
        return ManagementFactory.getRuntimeMXBean().getInputArguments().stream()
                .filter(a -> a.startsWith("--add-opens") || a.startsWith("-Djdk.reflect") || a.equals("-XX:+IgnoreUnrecognizedVMOptions"))
                .collect(Collectors.joining(" "));
    }

    /** The contents of {@code file} once a held task has written it (a generous deadline, and while {@code job} runs). */
    private String awaitFile(Path file, Process job) throws Exception {
        long end = System.nanoTime() + ChildGridcast.DEADLINE.toNanos();
        while (!Files.exists(file)) {
            if (System.nanoTime() > end || !job.isAlive()) {
                throw new AssertionError("no task held (" + file.getFileName() + ") while the job ran:\n"
                        + read(dir.resolve("submit.log")));
            }
            Thread.sleep(50);
        }
        return Files.readString(file);
    }

    /** {@code <work-dir>/app-*}/{@code <executor>/stderr} and {@code stdout}. */
    private static List<Path> executorLogs(Path workerDir) throws IOException {
        try (Stream<Path> walk = Files.walk(workerDir, 3)) {
            return walk.filter(p -> p.getNameCount() > 2 && p.getName(p.getNameCount() - 3).toString().startsWith("app-")
                    && (p.endsWith("stderr") || p.endsWith("stdout"))).sorted().toList();
        }
    }

    private static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }

    private static List<String> versions(Path work, String variant) throws IOException {
        try (Stream<Path> list = Files.list(work.resolve("models/rain_rate/all").resolve(variant))) {
            return list.map(p -> p.getFileName().toString()).filter(n -> n.matches("\\d{8}T\\d{6}Z.*")).toList();
        }
    }

    private static Nowcaster convLstm(Path work) {
        ModelRegistry registry = new ModelRegistry(work.resolve("models/rain_rate"));
        return registry.load(registry.metadata("all", "convlstm"));
    }

    /** Equal JSON trees, numbers to a relative 1e-5. */
    private static void assertClose(JsonNode actual, JsonNode expected, String path) {
        if (expected.isNumber() && actual.isNumber()) {
            assertThat(actual.doubleValue()).as(path).isCloseTo(expected.doubleValue(),
                    within(1e-5 * Math.max(1e-3, Math.abs(expected.doubleValue()))));
        } else if (expected.isContainerNode()) {
            assertThat(fieldNames(actual.fieldNames())).as(path).isEqualTo(fieldNames(expected.fieldNames()));
            assertThat(actual.size()).as(path).isEqualTo(expected.size());
            for (int i = 0; expected.isArray() && i < expected.size(); i++) {
                assertClose(actual.get(i), expected.get(i), path + "[" + i + "]");
            }
            expected.fieldNames().forEachRemaining(f -> assertClose(actual.get(f), expected.get(f), path + "." + f));
        } else {
            assertThat(actual).as(path).isEqualTo(expected);
        }
    }

    private static List<String> fieldNames(java.util.Iterator<String> names) {
        List<String> list = new ArrayList<>();
        names.forEachRemaining(list::add);
        return list;
    }

    private static void awaitLog(Path log, String text, Process p) throws Exception {
        long end = System.nanoTime() + ChildGridcast.DEADLINE.toNanos();
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

    private static int freePort() throws IOException {
        try (ServerSocket socket = new ServerSocket(0)) {
            return socket.getLocalPort();
        }
    }
}
