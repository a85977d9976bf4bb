package io.gridcast.jobs.cli;

import io.gridcast.ingest.read.FrameReaders;
import io.gridcast.ingest.synth.SyntheticArchive;
import io.gridcast.jobs.batch.RunSettings;
import io.gridcast.jobs.config.ConfigException;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.jobs.ops.Failures;
import io.gridcast.jobs.ops.WorkFolderLock;
import io.gridcast.jobs.report.Comparison;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.concurrent.Callable;
import org.springframework.batch.core.BatchStatus;
import org.springframework.batch.core.JobExecution;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The {@code gridcast} command line. Exit codes: 0 done, 1 a job failed, 2 bad usage, configuration or input
 * (picocli's own code for a usage error is 2 as well).
 */
@Command(name = "gridcast", mixinStandardHelpOptions = true, version = "gridcast 0.1.0",
        description = "Batch gridded weather nowcasting: ingest NetCDF archives on Spark, train DL4J models, "
                + "write CF NetCDF forecasts and verification reports.",
        subcommands = {Gridcast.Demo.class, Gridcast.Run.class, Status.class, Schedule.class, Gridcast.Synth.class, Gridcast.ReportCommand.class, Bench.class,
                CommandLine.HelpCommand.class})
public final class Gridcast {

    static final int JOB_FAILED = 1;
    static final int BAD_INPUT = 2;
    /** Another run or schedule holds the work folder ({@link WorkFolderLock}); try again later, or --wait. */
    static final int WORK_FOLDER_BUSY = 4;

    public static void main(String[] args) {
        PrintWriter out = new PrintWriter(System.out, true);
        PrintWriter err = new PrintWriter(System.err, true);
        if (args.length > 0 && args[0].equals("bench")) {
            // A benchmark's stdout is its one JSON line: libraries log (and SameDiff prints) to System.out, Spark's
            // shutdown hooks even after the command returned, so System.out is stderr for the rest of the process.
            System.setOut(System.err);
        }
        int status = execute(out, err, args);
        // Autoflush covers println only; a message written with print must not be lost at exit.
        out.flush();
        err.flush();
        System.exit(status);
    }

    static int execute(PrintWriter out, PrintWriter err, String... args) {
        CommandLine cli = new CommandLine(new Gridcast()).setOut(out).setErr(err);
        cli.setExecutionExceptionHandler((e, commandLine, parseResult) -> {
            commandLine.getErr().println("gridcast: " + Failures.message(e));
            return e instanceof IllegalArgumentException ? BAD_INPUT
                    : e instanceof WorkFolderLock.BusyException ? WORK_FOLDER_BUSY : JOB_FAILED;
        });
        return cli.execute(args);
    }

    /** Options every job run shares. */
    static class RunOptions {
        @Option(names = "--config", paramLabel = "FILE", description = "YAML configuration (default: ${DEFAULT-VALUE})",
                defaultValue = "${sys:gridcast.home:-.}/conf/demo.yml")
        Path config;

        @Option(names = "--input", paramLabel = "DIR", description = "archive folder of NetCDF files (default: the configuration's input.dir)")
        Path input;

        @Option(names = "--variable", paramLabel = "NAME", description = "variable to read (default: the configuration's input.variable)")
        String variable;

        @Option(names = "--pattern", paramLabel = "GLOB", description = "glob on the archive's file names, e.g. '*.cdf'"
                + " (default: the configuration's input.pattern)")
        String pattern;

        @Option(names = "--reader", paramLabel = "NAME", description = "the reader of the archive's files: "
                + "${COMPLETION-CANDIDATES} (default: the configuration's input.reader)",
                completionCandidates = ReaderNames.class)
        String reader;

        @Option(names = "--region", paramLabel = "NAME", split = ",",
                description = "work on these configured regions only (repeatable or comma-separated; default: all)")
        List<String> regions = new ArrayList<>();

        @CommandLine.Mixin
        RepositoryOptions repository;

        @Option(names = "--wait", description = "when another run or schedule holds the work folder, wait for it to "
                + "end instead of stopping with exit code 4")
        boolean waitForWorkFolder;

        @Option(names = "--model", paramLabel = "SELECTOR", description = "models the forecast job runs per region:"
                + " all, best (lowest validation MSE of every saved version), VARIANT (its latest version) or"
                + " VARIANT@VERSION (default: the configuration's forecast.model, else all)")
        String model;

        RunSettings settings(Path defaultInput) {
            return settings(defaultInput, RunSettings.newRunName());
        }

        RunSettings settings(Path defaultInput, String run) {
            Path out = repository.out;
            GridcastConfig loaded = ConfigLoader.load(config);
            Path inputDir = input != null ? input
                    : loaded.input().dir() != null ? Path.of(loaded.input().dir()) : defaultInput;
            try {
                if (input != null) {
                    loaded.confineInput(input, "--input");
                }
                loaded.confineWork(out, "--out");
                loaded.withInput(pattern, reader);
            } catch (ConfigException e) {
                throw new IllegalArgumentException(config + ": " + e.getMessage());
            }
            if (inputDir != null && !inputDir.toFile().isDirectory()) {
                throw new IllegalArgumentException("input folder " + inputDir + " does not exist or is not a folder");
            }
            RunSettings settings = new RunSettings(config, inputDir,
                    variable != null ? variable : loaded.input().variable(), out, run, regions, model, pattern, reader);
            try {
                settings.regions(loaded);
            } catch (ConfigException e) {
                throw new IllegalArgumentException("--region: " + e.getMessage().replace("regions: expected ", "expected "));
            }
            return settings;
        }
    }

    /** The synthetic archive's size; the rest is the default archive (5-minute steps from 2026-01-01). */
    static class SynthOptions {
        @Option(names = "--frames", description = "synthetic time steps (default: ${DEFAULT-VALUE})", defaultValue = "240")
        int frames;

        @Option(names = "--size", description = "synthetic grid cells per side (default: ${DEFAULT-VALUE})", defaultValue = "64")
        int size;

        @Option(names = "--seed", description = "synthetic archive's random seed (default: ${DEFAULT-VALUE})", defaultValue = "42")
        long seed;

        SyntheticArchive.Spec spec() {
            SyntheticArchive.Spec defaults = SyntheticArchive.Spec.defaults();
            return new SyntheticArchive.Spec(frames, size, seed, defaults.step(), defaults.start());
        }
    }

    /** The work folder and the job repository it uses; every command that reads or writes executions shares these. */
    static class RepositoryOptions {
        @Option(names = "--out", paramLabel = "DIR", description = "work folder for catalog, models, forecasts, reports, job repository (default: ${DEFAULT-VALUE})",
                defaultValue = "work/demo")
        Path out;

        @Option(names = "--profile", paramLabel = "NAME", split = ",",
                description = "Spring profiles besides SPRING_PROFILES_ACTIVE: 'postgres' keeps the job repository in "
                        + "PostgreSQL (GRIDCAST_DB_URL, GRIDCAST_DB_USER, GRIDCAST_DB_PASSWORD from the environment)")
        List<String> profiles = new ArrayList<>();
    }

    static int runJob(String job, RunSettings settings, RunOptions options, PrintWriter out, PrintWriter err)
            throws Exception {
        return ended(job, JobRunner.run(job, settings, options.repository.profiles, options.waitForWorkFolder), out, err);
    }

    static int ended(String job, JobExecution execution, PrintWriter out, PrintWriter err) {
        if (execution.getStatus() != BatchStatus.COMPLETED) {
            err.print("gridcast: job '" + job + "' " + execution.getStatus().toString().toLowerCase() + ": "
                    + Failures.of(execution));
            return JOB_FAILED;
        }
        RunSettings settings = RunSettings.from(execution.getJobParameters());
        execution.getStepExecutions().stream().filter(step -> step.getStepName().equals("ingest")).forEach(step ->
                out.println("gridcast: ingest: " + step.getExecutionContext().getString("summary", "")
                        + " (catalog and quarantine in " + settings.catalogDir() + ")"));
        JobRunner.untrained(execution).forEach(line -> err.println("gridcast: train: " + line));
        out.println("gridcast: job '" + job + "' completed (run " + settings.run() + ", work folder " + settings.workDir() + ")");
        return 0;
    }

    @Command(name = "run", mixinStandardHelpOptions = true,
            description = "Run one job: ingest, train, forecast, report, or cycle (all four in order). With --restart, "
                    + "run the newest failed (or killed) run of the job again: its completed partitions are skipped.")
    static final class Run implements Callable<Integer> {
        @Parameters(index = "0", paramLabel = "JOB", description = "one of: ${COMPLETION-CANDIDATES}",
                completionCandidates = JobNames.class)
        String job;

        @CommandLine.Mixin
        RunOptions options;

        @Option(names = "--restart", description = "restart the newest failed run of JOB in --out with its own "
                + "parameters (--config, --input, --variable and --region are those of that run)")
        boolean restart;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            if (!JobRunner.JOBS.contains(job)) {
                throw new IllegalArgumentException("unknown job '" + job + "'; expected one of " + JobRunner.JOBS);
            }
            PrintWriter out = spec.commandLine().getOut();
            PrintWriter err = spec.commandLine().getErr();
            if (restart) {
                return ended(job, JobRunner.restart(job, options.repository.out, options.repository.profiles,
                        options.waitForWorkFolder), out, err);
            }
            RunSettings settings = options.settings(null);
            if ((job.equals("ingest") || job.equals("cycle")) && settings.inputDir() == null) {
                throw new IllegalArgumentException("job '" + job + "' reads an archive: give --input DIR or set input.dir in "
                        + settings.configFile());
            }
            return runJob(job, settings, options, out, err);
        }
    }

    @Command(name = "demo", mixinStandardHelpOptions = true,
            description = "Synthesise a radar-like archive (unless --input is given) and run the whole cycle on it "
                    + "with conf/demo.yml: forecasts/<region>/<model>/*.nc and reports/<run>/{metrics.csv,index.html} under --out.")
    static final class Demo implements Callable<Integer> {
        @CommandLine.Mixin
        RunOptions options;

        @CommandLine.Mixin
        SynthOptions synth;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            PrintWriter out = spec.commandLine().getOut();
            Path synthetic = null;
            if (options.input == null) {
                SyntheticArchive.Result result = SyntheticArchive.write(options.repository.out.resolve("synth"), synth.spec());
                synthetic = result.framesDir();
                out.println("gridcast: synthesised " + result.files().size() + " frames in " + synthetic);
            }
            RunSettings settings = options.settings(synthetic);
            int status = runJob("cycle", settings, options, out, spec.commandLine().getErr());
            if (status == 0) {
                out.println("gridcast: forecasts in " + settings.forecastsDir() + ", report in "
                        + settings.reportDir().resolve("index.html"));
            }
            return status;
        }
    }

    @Command(name = "synth", mixinStandardHelpOptions = true,
            description = "Write a synthetic CF-1.8 NetCDF archive of rain-rate frames (one file per time step) of "
                    + "advecting, growing and decaying rain cells over a static elevation layer.")
    static final class Synth implements Callable<Integer> {
        @Option(names = "--out", required = true, paramLabel = "DIR", description = "folder to write into")
        Path out;

        @CommandLine.Mixin
        SynthOptions synth;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws IOException {
            SyntheticArchive.Result result = SyntheticArchive.write(out, synth.spec());
            spec.commandLine().getOut().println("gridcast: wrote " + result.files().size() + " frames to "
                    + result.framesDir() + " and the elevation layer to " + result.elevation());
            return 0;
        }
    }

    @Command(name = "report", mixinStandardHelpOptions = true,
            description = "Compare two runs' reports side by side: reads reports/RUN_A/metrics.json and "
                    + "reports/RUN_B/metrics.json under --out and writes reports/compare-RUN_A-vs-RUN_B/index.html, "
                    + "B's better scores green and worse red.")
    static final class ReportCommand implements Callable<Integer> {
        @Option(names = "--compare", required = true, arity = "2", paramLabel = "RUN",
                description = "the two runs (folder names under reports/), A then B")
        List<String> runs;

        @Option(names = "--out", paramLabel = "DIR", description = "work folder holding reports/ (default: ${DEFAULT-VALUE})",
                defaultValue = "work/demo")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Path page = Comparison.write(out.resolve("reports"), runs.get(0), runs.get(1));
            spec.commandLine().getOut().println("gridcast: comparison of " + runs.get(0) + " and " + runs.get(1)
                    + " in " + page);
            return 0;
        }
    }

    static final class ReaderNames implements Iterable<String> {
        @Override
        public Iterator<String> iterator() {
            return FrameReaders.names().iterator();
        }
    }

    static final class JobNames implements Iterable<String> {
        @Override
        public java.util.Iterator<String> iterator() {
            return JobRunner.JOBS.iterator();
        }
    }
}
