package io.gridcast.jobs.cli;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.forecasting.Forecasting;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.apache.commons.math3.stat.descriptive.rank.Percentile;
import org.springframework.scheduling.support.CronExpression;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code gridcast bench feed}: a live feed replayed at an accelerated cadence into an input folder while
 * {@code gridcast schedule}, a child process, ingests and forecasts on cron; it measures each frame's time to its
 * forecasts and whether the schedule process's resources stay flat.
 */
@Command(name = "feed", mixinStandardHelpOptions = true,
        description = "Replay an archive as a live feed, one frame every --cadence (half the files copied slowly in "
                + "place, half written to a temporary name and renamed), into an input folder that starts with the "
                + "archive itself, while 'gridcast schedule' (a child process) ingests at every cadence and forecasts "
                + "half a cadence later with models trained first (GRIDCAST_MAX_EPOCHS=--epochs). First a "
                + "persistence-only schedule runs --baseline-slots slots for the latency ratio. Print one JSON line: "
                + "per slot the seconds from a frame landing to every region x variant forecast of it being in "
                + "place (p50, p95, max), slots with a missing or rewritten forecast, and at slot 10 and at the "
                + "end the schedule process's RSS, heap after a full GC, threads, open file descriptors, and the "
                + "job repository's, log's and catalog's bytes (with bytes per slot).")
final class FeedBench implements Callable<Integer> {

    /** Resources at the end are compared with this slot's: after the first slots have warmed the process up. */
    static final int EARLY_SLOT = 10;

    private static final Pattern HEAP_USED = Pattern.compile("used (\\d+)K");

    @Option(names = "--config", paramLabel = "FILE", defaultValue = "${sys:gridcast.home:-.}/conf/bom.yml",
            description = "configuration: regions, models, variable (default: ${DEFAULT-VALUE}); its schedules and "
                    + "forecast.model are replaced (every variant forecasts)")
    Path config;

    @Option(names = "--input", paramLabel = "DIR",
            description = "the archive to replay: CF NetCDF files matching input.pattern (default: input.dir)")
    Path input;

    @Option(names = "--cadence", paramLabel = "DURATION", defaultValue = "PT10S",
            description = "time between frames, whole seconds that divide a minute or whole minutes that divide an "
                    + "hour (default: ${DEFAULT-VALUE})")
    Duration cadence;

    @Option(names = "--slots", defaultValue = "300", description = "frames replayed with the trained models (default: ${DEFAULT-VALUE})")
    int slots;

    @Option(names = "--baseline-slots", defaultValue = "30",
            description = "frames replayed with the persistence-only schedule first; 0: none (default: ${DEFAULT-VALUE})")
    int baselineSlots;

    @Option(names = "--epochs", defaultValue = "1", description = "GRIDCAST_MAX_EPOCHS of the training (default: ${DEFAULT-VALUE})")
    int epochs;

    @Option(names = "--profile", paramLabel = "NAME", split = ",",
            description = "Spring profiles of the child processes: 'postgres' keeps the job repository in PostgreSQL "
                    + "(GRIDCAST_DB_URL, GRIDCAST_DB_USER, GRIDCAST_DB_PASSWORD from the environment)")
    List<String> profiles = new ArrayList<>();

    @Option(names = "--log-max-size", paramLabel = "SIZE",
            description = "size at which the schedule's log rotates (logging.logback.rollingpolicy.max-file-size; "
                    + "default: the application's)")
    String logMaxSize;

    @Option(names = "--out", paramLabel = "DIR", description = "work folder, kept (default: a temporary one, removed)")
    Path out;

    @CommandLine.Spec
    CommandLine.Model.CommandSpec spec;

    @Override
    public Integer call() throws Exception {
        if (slots <= EARLY_SLOT) {
            throw new CommandLine.ParameterException(spec.commandLine(),
                    "--slots: expected more than " + EARLY_SLOT + " (resources are compared with slot " + EARLY_SLOT + "'s)");
        }
        String[] crons = crons();
        GridcastConfig base = ConfigLoader.load(config);
        Path archive = input != null ? input : Path.of(base.input().dir());
        ArchiveReplay replay = ArchiveReplay.of(archive, base.pattern());
        Path work = out != null ? Files.createDirectories(out) : Files.createTempDirectory("gridcast-bench-feed");
        try {
            Path copies = Files.createDirectories(work.resolve("archive"));
            List<Path> seed = new ArrayList<>();
            for (int i = 0; i < replay.size(); i++) {
                seed.add(replay.copyArchive(i, copies));
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("bench", "feed");
            json.put("config", config.toString());
            json.put("input", archive.toString());
            json.put("cadence_s", cadence.toSeconds());
            json.put("repository", profiles.contains("postgres") ? "postgres" : "h2");
            Double baselineP95 = null;
            if (baselineSlots > 0) {
                Map<String, Object> baseline = new Phase("baseline", work, replay, seed, crons, true).run(baselineSlots);
                json.put("baseline", baseline);
                baselineP95 = (Double) ((Map<?, ?>) baseline.get("latency_s")).get("p95");
            }
            Map<String, Object> models = new Phase("models", work, replay, seed, crons, false).run(slots);
            json.putAll(models);
            Double p95 = (Double) ((Map<?, ?>) models.get("latency_s")).get("p95");
            if (baselineP95 != null && p95 != null) {
                json.put("p95_ratio_to_baseline", Bench.Train.round(p95 / baselineP95));
            }
            spec.commandLine().getOut().println(new ObjectMapper().writeValueAsString(json));
        } finally {
            if (out == null) {
                AtomicFiles.deleteTree(work);
            }
        }
        return 0;
    }

    /** The ingest cron (at every cadence) and the forecast cron (half a cadence later). */
    private String[] crons() {
        long c = cadence.toSeconds();
        boolean seconds = c > 0 && c < 60 && 60 % c == 0;
        boolean minutes = c >= 60 && c % 60 == 0 && 3600 % c == 0;
        if (!seconds && !minutes || cadence.toNanosPart() != 0) {
            throw new CommandLine.ParameterException(spec.commandLine(), "--cadence: expected whole seconds that "
                    + "divide a minute (PT5S, PT10S, ...) or whole minutes that divide an hour, not " + cadence);
        }
        long half = c / 2;
        return seconds
                ? new String[] {"0/" + c + " * * * * *", half + "/" + c + " * * * * *"}
                : new String[] {"0 0/" + c / 60 + " * * * *", half % 60 + " " + half / 60 + "/" + c / 60 + " * * * *"};
    }

    /** One schedule process fed slot by slot: the persistence-only baseline or the trained models. */
    private final class Phase {
        private final Path dir;
        private final Path feed;
        private final Path run;
        private final ArchiveReplay replay;
        private final List<Path> seed;
        private final String[] crons;
        private final boolean baseline;

        Phase(String name, Path work, ArchiveReplay replay, List<Path> seed, String[] crons, boolean baseline) {
            this.dir = work.resolve(name);
            this.feed = dir.resolve("feed");
            this.run = dir.resolve("work");
            this.replay = replay;
            this.seed = seed;
            this.crons = crons;
            this.baseline = baseline;
        }

        Map<String, Object> run(int count) throws Exception {
            Files.createDirectories(feed);
            for (Path f : seed) {
                Files.copy(f, feed.resolve(f.getFileName()));
            }
            Path file = writeConfig();
            GridcastConfig loaded = ConfigLoader.load(file);
            List<String[]> partitions = new ArrayList<>();
            for (GridcastConfig.RegionEntry region : loaded.regions()) {
                for (GridcastConfig.ModelEntry model : loaded.models()) {
                    partitions.add(new String[] {region.name(), model.name()});
                }
            }
            List<String> common = new ArrayList<>(List.of("--config", file.toString(), "--out", run.toString()));
            if (!profiles.isEmpty()) {
                common.addAll(List.of("--profile", String.join(",", profiles)));
            }
            // Baselines are "trained" too: the train job saves the metadata they forecast with.
            Map<String, String> env = Map.of(GridcastConfig.MAX_EPOCHS, Integer.toString(epochs));
            for (String job : List.of("ingest", "train")) {
                List<String> args = new ArrayList<>(List.of("run", job));
                args.addAll(common);
                Process p = start(job, env, args);
                if (p.waitFor() != 0) {
                    throw new IllegalStateException("gridcast run " + job + " failed (exit " + p.exitValue()
                            + "): " + tail(dir.resolve(job + ".console.txt")));
                }
            }
            List<String> args = new ArrayList<>(List.of("schedule"));
            args.addAll(common);
            Process schedule = start("schedule", Map.of(), args);
            try (ForecastWatch watch = new ForecastWatch(run.resolve("forecasts"))) {
                return feed(schedule, watch, partitions, count);
            } finally {
                schedule.destroy();
                if (!schedule.waitFor(2, TimeUnit.MINUTES)) {
                    schedule.destroyForcibly().waitFor();
                }
            }
        }

        private Map<String, Object> feed(Process schedule, ForecastWatch watch, List<String[]> partitions, int count)
                throws Exception {
            Path console = dir.resolve("schedule.console.txt");
            Instant ready = Instant.now().plus(Duration.ofMinutes(10));
            // Warm-up: the schedule's first ingest and forecast, of the archive itself, before the first slot.
            while (watch.inPlace(expected(partitions, replay.archiveTime(replay.size() - 1))) == null) {
                if (!schedule.isAlive() || Instant.now().isAfter(ready)) {
                    throw new IllegalStateException("gridcast schedule wrote no forecast of the archive's last frame "
                            + (schedule.isAlive() ? "within 10 minutes" : "and ended") + ": " + tail(console));
                }
                Thread.sleep(200);
            }
            CronExpression ingest = CronExpression.parse(crons[0]);
            ZonedDateTime first = ingest.next(ZonedDateTime.now(ZoneOffset.UTC).plus(cadence.dividedBy(2)));
            Path staging = Files.createDirectories(dir.resolve("staging"));
            List<Instant> landed = new ArrayList<>();
            List<Instant> times = new ArrayList<>();
            Map<String, Object> early = null;
            for (int k = 0; k < count; k++) {
                Path file = replay.copySlot(k, staging);
                Instant fire = first.toInstant().plus(cadence.multipliedBy(k));
                sleepUntil(fire.minus(cadence.multipliedBy(45).dividedBy(100)));
                // Every other file is copied slowly in place, as a feed over a slow link writes; the rest appear whole.
                landed.add(land(file, k % 2 == 1, cadence.multipliedBy(3).dividedBy(10)));
                times.add(replay.slotTime(k));
                if (k == EARLY_SLOT - 1 && !baseline) {
                    awaitForecasts(watch, expected(partitions, times.get(k)), fire.plus(cadence.multipliedBy(3).dividedBy(4)));
                    early = probe(schedule.pid());
                }
            }
            Instant lastFire = first.toInstant().plus(cadence.multipliedBy(count - 1));
            awaitForecasts(watch, expected(partitions, times.get(count - 1)), lastFire.plus(cadence.multipliedBy(5)));
            Map<String, Object> end = baseline ? null : probe(schedule.pid());
            // One more poll, so that a forecast rewritten just now is counted.
            watch.scan();
            return results(watch, partitions, times, landed, early, end, count);
        }

        private Map<String, Object> results(ForecastWatch watch, List<String[]> partitions, List<Instant> times,
                                            List<Instant> landed, Map<String, Object> early, Map<String, Object> end,
                                            int count) {
            List<Double> latencies = new ArrayList<>();
            List<Map<String, Object>> missing = new ArrayList<>();
            List<Map<String, Object>> rewritten = new ArrayList<>();
            for (int k = 0; k < count; k++) {
                List<Path> expected = expected(partitions, times.get(k));
                Instant inPlace = watch.inPlace(expected);
                if (inPlace == null) {
                    missing.add(slot(k, times.get(k), expected.stream().filter(p -> !watch.seen(p)).toList()));
                } else {
                    latencies.add(Duration.between(landed.get(k), inPlace).toMillis() / 1000.0);
                }
                List<Path> twice = expected.stream().filter(p -> watch.writes(p) > 1).toList();
                if (!twice.isEmpty()) {
                    rewritten.add(slot(k, times.get(k), twice));
                }
            }
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("slots", count);
            json.put("forecasts_per_slot", partitions.size());
            json.put("latency_s", percentiles(latencies));
            json.put("missing_slots", missing);
            json.put("duplicate_slots", rewritten);
            if (early != null) {
                json.put("slot_" + EARLY_SLOT, early);
                json.put("end", end);
                Map<String, Object> ratios = new LinkedHashMap<>();
                for (String key : List.of("rss_mb", "heap_after_gc_mb", "threads", "open_fds")) {
                    ratios.put(key, Bench.Train.round(((Number) end.get(key)).doubleValue()
                            / ((Number) early.get(key)).doubleValue()));
                }
                json.put("end_to_slot_" + EARLY_SLOT, ratios);
                Map<String, Object> perSlot = new LinkedHashMap<>();
                for (String key : List.of("repository_bytes", "catalog_bytes", "log_bytes")) {
                    perSlot.put(key, (((Number) end.get(key)).longValue() - ((Number) early.get(key)).longValue())
                            / (count - EARLY_SLOT));
                }
                json.put("bytes_per_slot", perSlot);
            }
            return json;
        }

        private Map<String, Object> slot(int k, Instant time, List<Path> forecasts) {
            Map<String, Object> json = new LinkedHashMap<>();
            json.put("slot", k + 1);
            json.put("frame_time", time.toString());
            json.put("forecasts", forecasts.stream().map(Path::toString).toList());
            return json;
        }

        private Path writeConfig() throws IOException {
            ObjectMapper yaml = new ObjectMapper(new YAMLFactory());
            ObjectNode root = (ObjectNode) yaml.readTree(config.toFile());
            ObjectNode in = (ObjectNode) root.get("input");
            in.put("dir", feed.toAbsolutePath().toString());
            in.put("pattern", "*.nc");
            in.put("reader", "cf-netcdf");
            in.remove("options");
            ObjectNode forecast = root.get("forecast") instanceof ObjectNode f ? f : root.putObject("forecast");
            forecast.remove("model");
            // The replay keeps the archive's old times, which the forecast job's stale-data check would refuse.
            forecast.put("max_data_age", "off");
            if (baseline) {
                root.putArray("models").addObject().put("name", "persistence").put("type", "persistence");
            }
            ArrayNode schedules = root.putArray("schedules");
            schedules.addObject().put("job", "ingest").put("cron", crons[0]);
            schedules.addObject().put("job", "forecast").put("cron", crons[1]);
            Path file = dir.resolve("feed.yml");
            yaml.writeValue(file.toFile(), root);
            return file;
        }

        private Process start(String name, Map<String, String> environment, List<String> args) throws IOException {
            List<String> jvm = new ArrayList<>(ChildJvm.heapOptions());
            if (logMaxSize != null) {
                jvm.add("-Dlogging.logback.rollingpolicy.max-file-size=" + logMaxSize);
            }
            ProcessBuilder builder = new ProcessBuilder(ChildJvm.command(jvm, args)).redirectErrorStream(true)
                    .redirectOutput(dir.resolve(name + ".console.txt").toFile());
            builder.environment().putAll(environment);
            return builder.start();
        }

        /** Writes the staged file into the feed folder; returns when it is complete under its own name. */
        private Instant land(Path staged, boolean slowly, Duration copyTime) throws IOException, InterruptedException {
            Path target = feed.resolve(staged.getFileName());
            if (slowly) {
                byte[] bytes = Files.readAllBytes(staged);
                int parts = 8;
                try (OutputStream o = Files.newOutputStream(target, StandardOpenOption.CREATE_NEW)) {
                    for (int i = 0; i < parts; i++) {
                        int from = (int) ((long) bytes.length * i / parts);
                        int to = (int) ((long) bytes.length * (i + 1) / parts);
                        o.write(bytes, from, to - from);
                        o.flush();
                        if (i < parts - 1) {
                            Thread.sleep(copyTime.toMillis() / (parts - 1));
                        }
                    }
                }
            } else {
                Path temp = feed.resolve(staged.getFileName() + ".part");
                Files.copy(staged, temp);
                Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE);
            }
            Files.delete(staged);
            return Instant.now();
        }

        /** The schedule process's resources and the work folder's stores, after a full collection. */
        private Map<String, Object> probe(long pid) throws IOException, InterruptedException {
            Map<String, Object> json = new LinkedHashMap<>();
            Map<String, Long> status = new HashMap<>();
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                String[] parts = line.split(":\\s+");
                if (parts.length == 2 && parts[1].matches("[0-9]+( kB)?")) {
                    status.put(parts[0], Long.parseLong(parts[1].replace(" kB", "")));
                }
            }
            json.put("rss_mb", status.get("VmRSS") / 1024);
            jcmd(pid, "GC.run");
            Matcher used = HEAP_USED.matcher(jcmd(pid, "GC.heap_info"));
            json.put("heap_after_gc_mb", used.find() ? Long.parseLong(used.group(1)) / 1024 : -1);
            json.put("threads", status.get("Threads"));
            try (Stream<Path> fds = Files.list(Path.of("/proc", Long.toString(pid), "fd"))) {
                json.put("open_fds", fds.count());
            }
            json.put("repository_bytes", profiles.contains("postgres") ? postgresBytes() : bytes(run.resolve("repository")));
            json.put("log_bytes", bytes(run.resolve("logs")));
            try (Stream<Path> logs = Files.list(run.resolve("logs"))) {
                json.put("log_files", logs.count());
            }
            json.put("catalog_bytes", bytes(run.resolve("catalog")));
            return json;
        }
    }

    /** The forecast files of frame time {@code time}, one per region x variant, relative to the forecasts folder. */
    private static List<Path> expected(List<String[]> partitions, Instant time) {
        return partitions.stream().map(p -> Path.of(p[0], p[1], Forecasting.fileName(p[0], p[1], time))).toList();
    }

    private static void awaitForecasts(ForecastWatch watch, List<Path> expected, Instant deadline) throws InterruptedException {
        while (watch.inPlace(expected) == null && Instant.now().isBefore(deadline)) {
            Thread.sleep(100);
        }
    }

    private static void sleepUntil(Instant time) throws InterruptedException {
        long millis = Duration.between(Instant.now(), time).toMillis();
        if (millis > 0) {
            Thread.sleep(millis);
        }
    }

    private static Map<String, Object> percentiles(List<Double> values) {
        Map<String, Object> json = new LinkedHashMap<>();
        double[] v = values.stream().mapToDouble(Double::doubleValue).toArray();
        Percentile percentile = new Percentile();
        json.put("p50", v.length == 0 ? null : Bench.Train.round(percentile.evaluate(v, 50)));
        json.put("p95", v.length == 0 ? null : Bench.Train.round(percentile.evaluate(v, 95)));
        json.put("max", v.length == 0 ? null : Bench.Train.round(percentile.evaluate(v, 100)));
        return json;
    }

    private static String jcmd(long pid, String command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(Path.of(System.getProperty("java.home"), "bin", "jcmd").toString(),
                Long.toString(pid), command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes());
        if (p.waitFor() != 0) {
            throw new IOException("jcmd " + pid + " " + command + " failed: " + output);
        }
        return output;
    }

    /** The job repository's tables (Spring Batch's BATCH_*) in PostgreSQL, indexes included. */
    private static long postgresBytes() throws IOException {
        try (Connection c = DriverManager.getConnection(System.getenv("GRIDCAST_DB_URL"),
                System.getenv("GRIDCAST_DB_USER"), System.getenv("GRIDCAST_DB_PASSWORD"));
             ResultSet r = c.createStatement().executeQuery("select coalesce(sum(pg_total_relation_size(c.oid)), 0) "
                     + "from pg_class c join pg_namespace n on n.oid = c.relnamespace "
                     + "where c.relkind = 'r' and c.relname like 'batch\\_%' and n.nspname = current_schema()")) {
            r.next();
            return r.getLong(1);
        } catch (java.sql.SQLException e) {
            throw new IOException("measuring the job repository in PostgreSQL (GRIDCAST_DB_URL): " + e.getMessage(), e);
        }
    }

    private static long bytes(Path dir) throws IOException {
        if (!Files.exists(dir)) {
            return 0;
        }
        try (Stream<Path> files = Files.walk(dir)) {
            return files.filter(Files::isRegularFile).mapToLong(f -> {
                try {
                    return Files.size(f);
                } catch (IOException e) {
                    return 0; // a temporary file renamed or removed meanwhile
                }
            }).sum();
        }
    }

    private static String tail(Path console) throws IOException {
        List<String> lines = Files.exists(console) ? Files.readAllLines(console) : List.of();
        return console + ":\n" + String.join("\n", lines.subList(Math.max(0, lines.size() - 20), lines.size()));
    }

    /**
     * Polls the forecasts folder: when each forecast file first appeared, and how often it was written (a forecast
     * file written again, a new file renamed over it, is a second forecast of the same frame).
     */
    private static final class ForecastWatch implements AutoCloseable {
        private record Seen(Instant first, Object fileKey, int writes) {
        }

        private final Path dir;
        private final Map<Path, Seen> seen = new ConcurrentHashMap<>();
        private final Thread thread;
        private volatile boolean running = true;

        ForecastWatch(Path dir) {
            this.dir = dir;
            this.thread = new Thread(() -> {
                while (running) {
                    scan();
                    try {
                        Thread.sleep(100);
                    } catch (InterruptedException e) {
                        return;
                    }
                }
            }, "forecast-watch");
            thread.setDaemon(true);
            thread.start();
        }

        synchronized void scan() {
            if (!Files.isDirectory(dir)) {
                return;
            }
            Instant now = Instant.now();
            try (Stream<Path> files = Files.walk(dir)) {
                for (Path f : files.filter(f -> Forecasting.referenceTime(f).isPresent()
                        && !f.getFileName().toString().startsWith(".")).toList()) {
                    Object key = Files.readAttributes(f, BasicFileAttributes.class).fileKey();
                    seen.compute(dir.relativize(f), (name, s) -> s == null ? new Seen(now, key, 1)
                            : s.fileKey().equals(key) ? s : new Seen(s.first(), key, s.writes() + 1));
                }
            } catch (NoSuchFileException | UncheckedIOException e) {
                // a temporary file renamed while listing: the next poll sees the result
            } catch (IOException e) {
                throw new UncheckedIOException(e);
            }
        }

        /** When the last of {@code files} appeared, or null while any is missing. */
        Instant inPlace(List<Path> files) {
            Instant last = Instant.MIN;
            for (Path f : files) {
                Seen s = seen.get(f);
                if (s == null) {
                    return null;
                }
                last = s.first().isAfter(last) ? s.first() : last;
            }
            return last;
        }

        boolean seen(Path file) {
            return seen.containsKey(file);
        }

        int writes(Path file) {
            Seen s = seen.get(file);
            return s == null ? 0 : s.writes();
        }

        @Override
        public void close() throws InterruptedException {
            running = false;
            thread.interrupt();
            thread.join();
        }
    }
}
