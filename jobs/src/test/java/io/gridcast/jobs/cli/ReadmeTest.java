package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.jobs.cli.ReadmeCommands.Command;
import io.gridcast.jobs.config.GridcastConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.function.Executable;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import picocli.CommandLine;

/**
 * Every command README.md shows, run one after another as a new user would, in a fresh project folder: its
 * {@code conf/}, {@code bench/} and {@code models/} (for its test scripts), and {@code ../shared} beside it (links),
 * so the README's relative paths hold and {@code work/...} stays in a temporary folder. {@code ./gridcast} runs in a
 * JVM of its own with this JVM's classpath and the launcher's environment, every model capped at one epoch
 * ({@code GRIDCAST_MAX_EPOCHS}); each command at its smallest settings ({@link ReadmeCommands}). A command fails the
 * test on a non-zero exit or a missing output the README promises; one that cannot run here is skipped with its
 * reason.
 */
class ReadmeTest {

    static final Path HOME = Path.of(System.getProperty("gridcast.home", "..")).toAbsolutePath().normalize();
    static final Path SHARED = Path.of(System.getProperty("gridcast.shared", HOME.resolve("../shared").toString()));
    static final ObjectMapper JSON = new ObjectMapper();
    /** {@code ./gridcast}'s heap where the README sets none. */
    static final long HEAP = 2L << 30;

    @TempDir
    static Path temp;

    static Path root;
    /** Each command as run, and the README line that showed it first. */
    static final Map<String, Integer> shown = new HashMap<>();
    /** The commands that do the same at their smallest settings run once, in the smallest heap any of them names. */
    static Map<String, Command> heaps;

    /** One check of a README command, named after its line; run in the README's order. */
    record Step(String name, Executable body) {
        @Override
        public String toString() {
            return name;
        }
    }

    static Stream<Step> readmeCommands() throws IOException {
        root = Files.createDirectories(temp.resolve("gridcast"));
        for (String folder : List.of("conf", "bench", "models")) {
            Files.createSymbolicLink(root.resolve(folder), HOME.resolve(folder));
        }
        if (Files.isDirectory(SHARED)) {
            Files.createSymbolicLink(temp.resolve("shared"), SHARED.toAbsolutePath());
        }
        List<Command> commands = ReadmeCommands.parse(Files.readString(HOME.resolve("README.md")));
        assertThat(commands).as("commands in README.md").isNotEmpty();
        heaps = ReadmeCommands.smallestHeaps(commands.stream().map(ReadmeTest::runnable).filter(Objects::nonNull)
                .map(Command::smallest).toList(), HEAP);
        return commands.stream().flatMap(ReadmeTest::steps);
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("readmeCommands")
    void runsAsTheReadmeShows(Step step) throws Throwable {
        step.body().execute();
    }

    private static Stream<Step> steps(Command command) {
        String name = "README.md:" + command.line() + " " + command.text();
        String reason = cannotRun(command);
        boolean gridcast = command.program().equals("./gridcast");
        if (gridcast && command.isName()) {
            List<String> withHelp = new ArrayList<>(command.words());
            withHelp.add("--help");
            return Stream.of(new Step(name + " (names a command: its --help)", () -> help(command.withWords(withHelp))));
        }
        if (gridcast && command.words().contains("COMMAND")) {
            return subcommands().stream().map(sub -> new Step(name + " (" + sub + ")", () ->
                    help(command.withWords(command.words().stream().map(w -> w.equals("COMMAND") ? sub : w).toList()))));
        }
        Command runnable = runnable(command);
        String task = runnable == null ? null : runnable.smallest().task();
        Integer earlier = runnable == null ? null : shown.putIfAbsent(task, command.line());
        return Stream.of(new Step(name, () -> {
            if (gridcast && command.isSynopsis()) {
                checkAgainstHelp(command);
            }
            if (reason != null) {
                Assumptions.abort(name + ": not run: " + reason);
            }
            if (earlier != null) {
                boolean otherHeap = !Objects.equals(runnable.environment().get(ReadmeCommands.JAVA_OPTS),
                        heaps.get(task).environment().get(ReadmeCommands.JAVA_OPTS));
                Assumptions.abort(name + ": not run again: at its smallest settings it is README.md:" + earlier + "'s command"
                        + (otherHeap ? ", run there in the smallest heap either names" : ""));
            }
            if (runnable != null) {
                runAndCheck(runnable.withJavaOptionsOf(heaps.get(task)));
            } else if (!gridcast) {
                Assumptions.abort(name + ": not run: a synopsis whose placeholders the test cannot fill (give an example too)");
            }
        }));
    }

    /** The command as it runs: a synopsis without its optional parts (null if that leaves placeholders). */
    private static Command runnable(Command command) {
        return command.isSynopsis() ? command.withoutOptionalParts() : command;
    }

    /** Why {@code command} cannot run in CI, or null. */
    static String cannotRun(Command c) {
        List<String> words = c.words();
        if (c.program().equals("mvn")) {
            return "a Maven build: this test runs inside `mvn verify`, and a nested build would rebuild the project under test";
        }
        if (c.program().equals("spark-submit")) {
            return "submits to a Spark cluster elsewhere; SparkClusterTest submits SparkMain to a standalone master and "
                    + "two workers on 127.0.0.1";
        }
        if (c.program().equals("export")) {
            return "sets the shell's environment for the commands after it: " + words.subList(1, words.size()).stream()
                    .map(w -> w.split("=")[0]).toList();
        }
        if ("postgres".equals(c.value("--profile"))) {
            return "keeps the job repository in a production PostgreSQL (GRIDCAST_DB_* credentials); the restart tests "
                    + "run against .ci/run's own throwaway server";
        }
        if (c.program().equals("./gridcast") && c.subcommand().equals(List.of("schedule")) && !c.has("--help")
                && !c.has("--stop-after")) {
            return "runs until stopped; ScheduleTest runs a real schedule";
        }
        if (c.program().equals("./gridcast") && c.subcommand().equals(List.of("bench", "feed")) && !c.has("--help")) {
            return "a soak of hundreds of slots that feeds a running schedule in real time; FeedBenchTest runs it for 20";
        }
        if (words.stream().anyMatch(w -> w.contains("../shared/")) && !Files.isDirectory(SHARED)) {
            return "needs the real data in ../shared, absent here";
        }
        if (isPython(c)) {
            return pythonCannotRun(c.program(), root.resolve(words.get(1)));
        }
        return null;
    }

    static boolean isPython(Command c) {
        return c.program().equals("/usr/bin/python3") || c.program().equals("python3");
    }

    /** A script that runs the launcher, or needs a module not installed here, cannot run. */
    static String pythonCannotRun(String python, Path script) {
        String source;
        try {
            source = Files.readString(script);
        } catch (IOException e) {
            return null; // running it reports the missing script as a failure
        }
        if (source.matches("(?s).*[\"']gridcast[\"']\\s*\\).*")) {
            return "runs the ./gridcast launcher, which builds with Maven when stale (a nested build inside `mvn verify`)";
        }
        // import a, b.c as d / from a.b import c: the top-level packages a, b
        Matcher imports = Pattern.compile("(?m)^\\s*(?:import\\s+([\\w., ]+)|from\\s+(\\w+))").matcher(source);
        Set<String> modules = new LinkedHashSet<>();
        while (imports.find()) {
            String names = imports.group(1) != null ? imports.group(1) : imports.group(2);
            for (String name : names.split(",")) {
                modules.add(name.strip().split("[. ]")[0]);
            }
        }
        for (String module : modules) {
            try {
                Process probe = new ProcessBuilder(python, "-c", "import " + module).redirectErrorStream(true).start();
                probe.getInputStream().readAllBytes();
                if (probe.waitFor() != 0) {
                    return "needs the Python module '" + module + "', not installed here";
                }
            } catch (IOException | InterruptedException e) {
                return python + " cannot be run: " + e.getMessage();
            }
        }
        return null;
    }

    static List<String> subcommands() {
        return List.copyOf(new CommandLine(new Gridcast()).getSubcommands().keySet());
    }

    /** {@code --help} prints the usage and exits 0. */
    private static void help(Command command) throws Exception {
        Outcome run = run(command);
        assertThat(run.status()).as(run.describe()).isZero();
        assertThat(run.out()).as(run.describe()).contains("Usage: gridcast");
    }

    /** A synopsis names options and alternatives: each must be in its command's --help. */
    private static void checkAgainstHelp(Command synopsis) throws Exception {
        List<String> path = new ArrayList<>(List.of("./gridcast"));
        synopsis.subcommand().stream().takeWhile(w -> !w.contains("|") && !ReadmeCommands.PLACEHOLDER.matcher(w).matches())
                .forEach(path::add);
        path.add("--help");
        Outcome help = run(synopsis.withWords(path));
        assertThat(help.status()).as(help.describe()).isZero();
        for (String word : synopsis.words()) {
            String bare = word.replaceAll("[\\[\\]]", "");
            if (bare.startsWith("--")) {
                assertThat(help.out()).as("README.md:%d shows %s; `%s` lists no such option", synopsis.line(), bare,
                        String.join(" ", path)).contains(bare);
            } else if (bare.contains("|")) {
                for (String alternative : bare.split("\\|")) {
                    assertThat(help.out()).as("README.md:%d shows %s", synopsis.line(), alternative).contains(alternative);
                }
            }
        }
    }

    /** Runs {@code command} at its smallest settings; checks its exit code and the outputs the README promises. */
    private static void runAndCheck(Command shown) throws Exception {
        Command command = filled(shown).smallest();
        Outcome run = run(command);
        assertThat(run.status()).as(run.describe()).isZero();
        if (!command.program().equals("./gridcast")) {
            assertThat(run.out()).as(run.describe()).isNotBlank();
            return;
        }
        List<String> sub = command.subcommand();
        Path out = root.resolve(command.value("--out") != null ? command.value("--out") : "work/demo");
        switch (sub.isEmpty() ? "" : sub.get(0)) {
            case "demo" -> {
                assertThat(run.out()).as(run.describe()).contains("gridcast: job 'cycle' completed");
                assertThat(CycleEndToEndTest.files(out.resolve("forecasts"), ".nc")).as(run.describe()).isNotEmpty();
                for (String file : List.of("metrics.csv", "metrics.json", "index.html")) {
                    assertThat(CycleEndToEndTest.files(out.resolve("reports"), file)).as(run.describe()).isNotEmpty();
                }
            }
            case "run" -> assertThat(run.out()).as(run.describe()).contains("job '" + sub.get(1) + "' completed");
            case "synth" -> {
                String frames = command.value("--frames") != null ? command.value("--frames") : "240";
                assertThat(CycleEndToEndTest.files(out.resolve("rain_rate"), ".nc")).as(run.describe())
                        .hasSize(Integer.parseInt(frames));
                assertThat(out.resolve("static/elevation.nc")).as(run.describe()).isRegularFile();
            }
            case "report" -> {
                List<String> runs = command.words().subList(command.words().indexOf("--compare") + 1,
                        command.words().indexOf("--compare") + 3);
                assertThat(out.resolve("reports/compare-" + runs.get(0) + "-vs-" + runs.get(1) + "/index.html"))
                        .as(run.describe()).isRegularFile();
            }
            case "status" -> assertThat(run.out()).as(run.describe()).isNotBlank();
            case "bench" -> {
                List<String> lines = run.out().lines().filter(l -> !l.isBlank()).toList();
                assertThat(lines).as("one JSON line per result on standard output: " + run.describe()).isNotEmpty();
                for (String line : lines) {
                    assertThat(JSON.readTree(line).isObject()).as(line).isTrue();
                }
            }
            default -> {
                // a command this test has no promise for: its exit code is the check
            }
        }
    }

    /**
     * The README's placeholders and absolute scratch paths made concrete: DIR a new folder, RUN_A and RUN_B the
     * oldest and newest report under the command's work folder, /tmp/... a folder under the test's own.
     */
    private static Command filled(Command command) throws IOException {
        Path out = root.resolve(command.value("--out") != null && !command.value("--out").equals("DIR")
                ? command.value("--out") : "work/demo");
        List<String> reports = new ArrayList<>();
        if (command.words().contains("RUN_A") || command.words().contains("RUN_B")) {
            reports = CycleEndToEndTest.files(out.resolve("reports"), "metrics.json").stream()
                    .map(p -> p.getParent().getFileName().toString()).sorted().toList();
            assertThat(reports).as("README.md:%d compares runs: the commands before it leave none in %s",
                    command.line(), out).isNotEmpty();
        }
        List<String> words = new ArrayList<>();
        for (String w : command.words()) {
            words.add(switch (w) {
                case "DIR" -> "work/readme-line-" + command.line();
                case "RUN_A" -> reports.get(0);
                case "RUN_B" -> reports.get(reports.size() - 1);
                default -> w.startsWith("/tmp/") ? root.resolve(w.substring(1)).toString() : w;
            });
        }
        return command.withWords(words);
    }

    record Outcome(Command command, int status, String out, String err) {
        String describe() {
            String tail = err.length() > 4000 ? "..." + err.substring(err.length() - 4000) : err;
            return "README.md:" + command.line() + " `" + command.text() + "` run as `" + command + "`: exit " + status
                    + "\n--- stdout\n" + out + "\n--- stderr\n" + tail;
        }
    }

    /** Runs {@code command} in the project folder; {@code ./gridcast} as the launcher would, from this JVM's classpath. */
    private static Outcome run(Command command) throws IOException, InterruptedException {
        List<String> args = command.words().subList(1, command.words().size());
        if (command.program().equals("./gridcast") && command.has("--help")) {
            // picocli prints the usage before any of the command runs: the launcher's code, in this JVM rather than
            // a JVM start (seconds, minutes under load) for each of the README's twenty --helps.
            CycleEndToEndTest.Outcome help = CycleEndToEndTest.gridcast(args.toArray(String[]::new));
            return new Outcome(command, help.status(), help.out(), help.err());
        }
        Map<String, String> environment = new HashMap<>(command.environment());
        List<String> line;
        if (command.program().equals("./gridcast")) {
            String javaOptions = environment.remove(ReadmeCommands.JAVA_OPTS);
            line = ChildGridcast.command(javaOptions == null ? List.of("-Xmx" + (HEAP >> 20) + "m")
                    : Arrays.asList(javaOptions.split("\\s+")), args);
            environment.putIfAbsent("OMP_WAIT_POLICY", "passive"); // the launcher's
            environment.put(GridcastConfig.MAX_EPOCHS, "1");
        } else {
            line = command.words();
        }
        Path logs = Files.createDirectories(temp.resolve("logs"));
        Path stdout = Files.createTempFile(logs, "line-" + command.line() + "-", ".out");
        Path stderr = stdout.resolveSibling(stdout.getFileName().toString().replace(".out", ".err"));
        ProcessBuilder builder = new ProcessBuilder(line).directory(root.toFile())
                .redirectOutput(stdout.toFile()).redirectError(stderr.toFile());
        builder.environment().putAll(environment);
        Process process = builder.start();
        if (!process.waitFor(ChildGridcast.DEADLINE.toMillis(), TimeUnit.MILLISECONDS)) {
            process.destroyForcibly().waitFor();
            fail("README.md:" + command.line() + " `" + command + "` did not end within " + ChildGridcast.DEADLINE + ":\n"
                    + Files.readString(stderr, StandardCharsets.UTF_8));
        }
        return new Outcome(command, process.exitValue(), Files.readString(stdout, StandardCharsets.UTF_8),
                Files.readString(stderr, StandardCharsets.UTF_8));
    }
}
