package io.gridcast.jobs.cli;

import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.jobs.ops.Batch;
import io.gridcast.jobs.ops.Scheduler;
import io.gridcast.jobs.ops.WorkFolderLock;
import io.gridcast.jobs.batch.RunSettings;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code gridcast schedule}: runs the configuration's {@code schedules} until stopped. */
@Command(name = "schedule", mixinStandardHelpOptions = true,
        description = "Run the configured schedules (schedules[].job at schedules[].cron, UTC) until stopped. A job "
                + "still running at its next slot is not started twice; slots missed while the process was busy or "
                + "asleep are logged. Each run is named after its slot (yyyyMMddTHHmmssZ).")
final class Schedule implements Callable<Integer> {

    @CommandLine.Mixin
    Gridcast.RunOptions options;

    @Option(names = "--stop-after", paramLabel = "DURATION",
            description = "stop starting runs after this long (ISO-8601, e.g. PT1H), then wait for running ones; default: never")
    Duration stopAfter;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        GridcastConfig config = ConfigLoader.load(options.config);
        List<Scheduler.Entry> entries = config.scheduleEntries();
        if (entries.isEmpty()) {
            throw new IllegalArgumentException(options.config + ": schedules: expected at least one {job, cron} to run");
        }
        RunSettings first = options.settings(null);
        for (Scheduler.Entry e : entries) {
            if ((e.job().equals("ingest") || e.job().equals("cycle")) && first.inputDir() == null) {
                throw new IllegalArgumentException("job '" + e.job() + "' is scheduled and reads an archive: give --input DIR "
                        + "or set input.dir in " + options.config);
            }
        }
        try (WorkFolderLock lock = WorkFolderLock.acquire(options.repository.out, "gridcast schedule",
                options.waitForWorkFolder);
             Batch batch = Batch.open(options.repository.out, options.repository.profiles, System.getenv())) {
            spec.commandLine().getOut().println("gridcast: running " + entries.size() + " schedules (UTC), job repository "
                    + batch.repositoryName() + (stopAfter == null ? "; stop with Ctrl-C" : "; stopping after " + stopAfter));
            new Scheduler(batch, entries, slot -> options.settings(null, RunSettings.RUN_NAME.format(slot)),
                    Clock.systemUTC()).run(stopAfter);
        }
        return 0;
    }
}
