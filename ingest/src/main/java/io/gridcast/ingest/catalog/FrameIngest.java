package io.gridcast.ingest.catalog;

import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.FrameReader;
import io.gridcast.ingest.read.ReaderSpec;
import io.gridcast.ingest.read.FrameSource;
import io.gridcast.ingest.read.FrameStatistics;
import io.gridcast.ingest.read.RejectionKind;
import io.gridcast.ingest.read.UnusableFileException;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.stream.Collectors;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage: reads every matching file of a folder on Spark (one task per group of files), and writes
 * a {@link FrameCatalog} of accepted frames plus a quarantine list of everything rejected, with reasons. Every
 * file ends in exactly one of the two: a file with one bad frame is quarantined whole, naming that frame.
 *
 * <p>Ingest is incremental: the catalog keeps a manifest of every file's size, modification time, outcome and
 * what was read from it. A re-run reads only files that are new or whose size or modification time changed,
 * then screens all of them again, so the catalog is the same as a full re-ingest would write.
 */
public final class FrameIngest {

    private static final Logger log = LoggerFactory.getLogger(FrameIngest.class);

    /**
     * @param inputDir   the archive folder (searched recursively)
     * @param pattern    a glob on file names, e.g. {@code *.nc}
     * @param variable   the variable to read
     * @param reader     a {@link io.gridcast.ingest.read.FrameReaders} name, e.g. {@code cf-netcdf}, with the reader's settings
     * @param catalogDir where the catalog is written (replaced atomically)
     * @param units      the units the variable must have (compared as UDUNITS units, never rescaled), or null
     *                   to require only that every file agrees with the most common units
     */
    public record Request(Path inputDir, String pattern, String variable, ReaderSpec reader, Path catalogDir,
                          String units) {

        public Request(Path inputDir, String pattern, String variable, String reader, Path catalogDir, String units) {
            this(inputDir, pattern, variable, ReaderSpec.of(reader), catalogDir, units);
        }

        public Request(Path inputDir, String pattern, String variable, String reader, Path catalogDir) {
            this(inputDir, pattern, variable, reader, catalogDir, null);
        }
    }

    /**
     * When a file is still being written, and so left for the next ingest ("pending") instead of read: its name
     * matches one of {@code temporaryNames} (globs on the file name: feeds write to a temporary name, then rename),
     * or its size or modification time changes within {@code settleTime} (a file copied in place). A file that
     * stays unchanged over the settle time and still cannot be read is quarantined; once it changes it is read again.
     */
    public record Arrival(Duration settleTime, List<String> temporaryNames) {

        /** Two seconds, and the temporary names of common feeds: dot-files (rsync), {@code .tmp}, {@code .part}, ... */
        public static final Arrival DEFAULT = new Arrival(Duration.ofSeconds(2),
                List.of(".*", "*.tmp", "*.temp", "*.part", "*.partial", "*.filepart", "*.crdownload", "*~"));

        public Arrival {
            temporaryNames = List.copyOf(temporaryNames);
        }
    }

    /** A file left for the next ingest, and why. */
    public record Pending(String file, String reason) {
    }

    /** A hole in the series: consecutive catalogued frames further apart than the archive's step. */
    public record Gap(Instant after, Instant before, int missingSteps, String fileBefore, String fileAfter) {

        public String describe() {
            return missingSteps + " missing step(s) between " + after + " (" + fileBefore + ") and " + before
                    + " (" + fileAfter + ")";
        }
    }

    /**
     * What one ingest did: counts of files and frames, every quarantined file (one rejection each), the gaps,
     * and how many files were read now versus taken unchanged from the previous run's manifest.
     */
    public record Summary(int files, int acceptedFiles, int frames, List<Rejection> rejections, List<Gap> gaps,
                          int filesRead, int filesReused, Path catalogDir, List<Pending> pending) {

        public int quarantinedFiles() {
            return rejections.size();
        }

        /** Quarantined files by kind, by {@link RejectionKind#label()} in the kinds' order; absent kinds left out. */
        public Map<String, Integer> quarantinedByKind() {
            return byKind(rejections);
        }

        public String describe() {
            return files + " files: " + acceptedFiles + " accepted (" + frames + " frames), " + quarantinedFiles()
                    + " quarantined" + kinds(rejections) + (pending.isEmpty() ? "" : ", " + pending.size()
                    + " pending (still being written: read at the next ingest)") + "; " + gaps.size() + " gap(s); "
                    + filesRead + " read, " + filesReused + " unchanged since the last ingest";
        }
    }

    /**
     * What an executor found in one file for one time, or for the whole file when it could not be opened or a
     * frame failed (time index -1 or the failing frame's). The grid travels as a key into a per-partition map,
     * so a frame row stays a few hundred bytes.
     */
    record FrameRead(String file, long size, long modified, int timeIndex, Instant time, String units,
                     String standardName, String gridKey, long validCells, double min, double max, double mean,
                     RejectionKind kind, String reason, String exception) implements Serializable {

        boolean accepted() {
            return reason == null;
        }
    }

    /** One Spark partition's rows and the grids they refer to; the rows travel encoded ({@link FrameReadEncoding}). */
    record PartitionRead(List<FrameRead> rows, Map<String, Grid> grids) implements Serializable {

        private Object writeReplace() {
            return new EncodedPartitionRead(FrameReadEncoding.encode(rows), grids);
        }
    }

    /** What Java serialization carries for a {@link PartitionRead}: one byte array of rows and the few grids. */
    private record EncodedPartitionRead(byte[] rows, Map<String, Grid> grids) implements Serializable {

        private Object readResolve() {
            return new PartitionRead(FrameReadEncoding.decode(rows), grids);
        }
    }

    /** A listed input file with what identifies its version. */
    record InputFile(String path, long size, long modified) implements Serializable {
    }

    private FrameIngest() {
    }

    public static Summary run(SparkSession spark, Request request) {
        return run(spark, request, Arrival.DEFAULT);
    }

    /** Ingests the files that have arrived whole; those still being written ({@code arrival}) wait for the next run. */
    public static Summary run(SparkSession spark, Request request, Arrival arrival) {
        FrameReader reader = request.reader().create();
        List<InputFile> listed = listFiles(request.inputDir(), request.pattern());
        List<Pending> pending = new ArrayList<>();
        List<InputFile> files = settled(listed, arrival, pending);
        IngestManifest.Previous previous = IngestManifest.load(spark, request);

        List<FrameRead> reads = new ArrayList<>();
        Map<String, Grid> grids = new HashMap<>(previous.grids());
        List<InputFile> toRead = new ArrayList<>();
        for (InputFile f : files) {
            List<FrameRead> earlier = previous.unchanged(f);
            if (earlier == null) {
                toRead.add(f);
            } else {
                reads.addAll(earlier);
            }
        }
        log.info("ingest: {} files matching '{}' in {} for variable '{}': {} to read, {} unchanged", files.size(),
                request.pattern(), request.inputDir(), request.variable(), toRead.size(), files.size() - toRead.size());

        long start = System.nanoTime();
        if (!toRead.isEmpty()) {
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<List<InputFile>> groups = balancedGroups(toRead, jsc.defaultParallelism() * 4);
            String variable = request.variable();
            // One group per partition (Spark slices a list of n elements into n partitions of one each).
            for (PartitionRead part : jsc.parallelize(groups, groups.size())
                    .mapPartitions(it -> List.of(readPartition(reader, it.next().iterator(), variable)).iterator())
                    .collect()) {
                reads.addAll(part.rows());
                grids.putAll(part.grids());
            }
        }

        long read = System.nanoTime();
        files = unchangedWhileRead(files, reads, arrival, pending);
        FrameCatalog.Contents contents = screen(files, reads, grids, request, pending);
        FrameCatalog.write(request.catalogDir(), contents);
        pending.forEach(p -> log.info("ingest: pending: {}: {}", p.file(), p.reason()));
        if (contents.frames().isEmpty()) {
            throw new NoFramesException(request, contents.rejections(), pending);
        }
        log.info("ingest: read {} files in {} s, screened and wrote the catalog in {} s", toRead.size(),
                String.format(Locale.ROOT, "%.3f", (read - start) / 1e9),
                String.format(Locale.ROOT, "%.3f", (System.nanoTime() - read) / 1e9));
        Summary summary = new Summary(listed.size(), contents.acceptedFiles(), contents.frames().size(),
                contents.rejections(), contents.gaps(), toRead.size(), files.size() - toRead.size(),
                request.catalogDir(), List.copyOf(pending));
        log.info("ingest: {}", summary.describe());
        contents.gaps().forEach(g -> log.warn("ingest: gap: {}", g.describe()));
        return summary;
    }

    /**
     * Every matching regular file under {@code dir} (links followed to their files, as before), sorted by path,
     * with the size and modification time the walk already read: one {@code stat} a file on the driver, where
     * asking again cost three more per file of serial work before any task starts.
     */
    static List<InputFile> listFiles(Path dir, String pattern) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("input folder " + dir + " does not exist or is not a folder");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        Map<Path, InputFile> found = new TreeMap<>();
        try {
            Files.walkFileTree(dir, new SimpleFileVisitor<>() {
                @Override
                public FileVisitResult visitFile(Path file, BasicFileAttributes attributes) throws IOException {
                    if (matcher.matches(file.getFileName())) {
                        BasicFileAttributes a = attributes.isSymbolicLink() && Files.isRegularFile(file)
                                ? Files.readAttributes(file, BasicFileAttributes.class) : attributes;
                        if (a.isRegularFile()) {
                            Path p = file.toAbsolutePath().normalize();
                            found.put(p, new InputFile(p.toString(), a.size(), a.lastModifiedTime().toMillis()));
                        }
                    }
                    return FileVisitResult.CONTINUE;
                }
            });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input folder " + dir, e);
        }
        if (found.isEmpty()) {
            throw new IllegalArgumentException("no files matching '" + pattern + "' in input folder " + dir);
        }
        return new ArrayList<>(found.values());
    }

    /**
     * The files that are whole: a temporary name is pending; a file modified within the settle time is watched
     * until it has been unchanged for that long (one wait for all of them, at most the settle time), and is
     * pending if its size or modification time changed meanwhile.
     */
    static List<InputFile> settled(List<InputFile> files, Arrival arrival, List<Pending> pending) {
        List<PathMatcher> temporary = arrival.temporaryNames().stream()
                .map(g -> FileSystems.getDefault().getPathMatcher("glob:" + g)).toList();
        long settle = arrival.settleTime().toMillis();
        long now = System.currentTimeMillis();
        List<InputFile> named = new ArrayList<>();
        long wait = 0;
        for (InputFile f : files) {
            Path name = Path.of(f.path()).getFileName();
            if (temporary.stream().anyMatch(m -> m.matches(name))) {
                pending.add(new Pending(f.path(), "a temporary name (input.temporary_names): the feed renames it"
                        + " once written"));
            } else {
                named.add(f);
                // A modification time in the future (another host's clock) is watched for the whole settle time.
                wait = Math.max(wait, Math.min(settle, f.modified() + settle - now));
            }
        }
        if (wait <= 0) {
            return named;
        }
        try {
            Thread.sleep(wait);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for files to settle", e);
        }
        List<InputFile> whole = new ArrayList<>();
        for (InputFile f : named) {
            if (now - f.modified() < settle && changed(f)) {
                pending.add(new Pending(f.path(), "still being written: its size or modification time changed within"
                        + " input.settle_time (" + arrival.settleTime() + ")"));
            } else {
                whole.add(f);
            }
        }
        return whole;
    }

    /**
     * The files without those that could not be read and have changed since they were listed: a writer was still
     * at them, so they wait for the next ingest instead of the quarantine.
     */
    private static List<InputFile> unchangedWhileRead(List<InputFile> files, List<FrameRead> reads, Arrival arrival,
                                                      List<Pending> pending) {
        Set<String> failed = reads.stream().filter(r -> !r.accepted()).map(FrameRead::file)
                .collect(Collectors.toSet());
        List<InputFile> kept = new ArrayList<>();
        for (InputFile f : files) {
            if (failed.contains(f.path()) && changed(f)) {
                pending.add(new Pending(f.path(), "still being written: it changed while it was read"));
                reads.removeIf(r -> r.file().equals(f.path()));
            } else {
                kept.add(f);
            }
        }
        return kept;
    }

    /** Whether the file's size or modification time now differ from when it was listed (or it is gone). */
    private static boolean changed(InputFile f) {
        try {
            BasicFileAttributes a = Files.readAttributes(Path.of(f.path()), BasicFileAttributes.class);
            return a.size() != f.size() || a.lastModifiedTime().toMillis() != f.modified();
        } catch (IOException e) {
            return true;
        }
    }

    /**
     * The files dealt into at most {@code count} tasks of equal file counts and nearly equal bytes: the largest
     * first, in a snake order (0, 1, ..., n-1, n-1, ..., 0, ...). Spark's own slicing keeps neighbours together,
     * and an archive's neighbours are alike: of the BOM day's 8 slices one held 1.67x the mean bytes (its rainy
     * hours; a rainy frame took 2.3 ms to inflate, a dry one 0.7 ms), and the last task decides when a job ends.
     */
    static List<List<InputFile>> balancedGroups(List<InputFile> files, int count) {
        int n = Math.max(1, Math.min(files.size(), count));
        List<InputFile> bySize = new ArrayList<>(files);
        bySize.sort(Comparator.comparingLong(InputFile::size).reversed().thenComparing(InputFile::path));
        List<List<InputFile>> groups = new ArrayList<>(n);
        for (int i = 0; i < n; i++) {
            groups.add(new ArrayList<>());
        }
        for (int i = 0; i < bySize.size(); i++) {
            int round = i / n;
            int slot = i % n;
            groups.get(round % 2 == 0 ? slot : n - 1 - slot).add(bySize.get(i));
        }
        return groups;
    }

    /** Runs on an executor over one partition's files. */
    private static PartitionRead readPartition(FrameReader reader, Iterator<InputFile> files, String variable) {
        List<FrameRead> rows = new ArrayList<>();
        Map<Grid, String> keys = new HashMap<>();
        while (files.hasNext()) {
            rows.addAll(readFile(reader, files.next(), variable, keys));
        }
        Map<String, Grid> grids = new HashMap<>();
        keys.forEach((grid, key) -> grids.put(key, grid));
        return new PartitionRead(rows, grids);
    }

    /** Every frame of one file, or a single row with the reason the file is unusable. */
    private static List<FrameRead> readFile(FrameReader reader, InputFile in, String variable, Map<Grid, String> keys) {
        Path file = Path.of(in.path());
        List<FrameRead> rows = new ArrayList<>();
        try (FrameSource source = reader.open(file, variable)) {
            String gridKey = keys.computeIfAbsent(source.grid(), FrameIngest::gridKey);
            List<Instant> times = source.times();
            for (int i = 0; i < times.size(); i++) {
                Instant time = times.get(i);
                FrameRead row;
                try {
                    row = frameRow(in, i, time, source, gridKey, source.statistics(i));
                } catch (UnusableFileException e) {
                    row = rejectionRow(in, i, time, e.kind(), e.getMessage(), e);
                } catch (RuntimeException e) {
                    row = rejectionRow(in, i, time, RejectionKind.NOT_USABLE,
                            "frame " + i + " at " + time + " cannot be read", e);
                }
                if (!row.accepted()) {
                    return List.of(row);
                }
                rows.add(row);
            }
            if (rows.isEmpty()) {
                return List.of(rejectionRow(in, -1, null, RejectionKind.NO_VARIABLE,
                        "the file holds no time steps of '" + variable + "'", null));
            }
            return rows;
        } catch (UnusableFileException e) {
            return List.of(rejectionRow(in, -1, null, e.kind(), e.getMessage(), e));
        } catch (RuntimeException e) {
            return List.of(rejectionRow(in, -1, null, RejectionKind.NOT_USABLE, "unexpected failure reading " + file, e));
        }
    }

    private static FrameRead frameRow(InputFile in, int index, Instant time, FrameSource source, String gridKey,
                                      FrameStatistics stats) {
        if (stats.validCells() == 0) {
            return rejectionRow(in, index, time, RejectionKind.ALL_MISSING,
                    "frame " + index + " at " + time + ": every cell is missing", null);
        }
        return new FrameRead(in.path(), in.size(), in.modified(), index, time, source.units(), source.standardName(),
                gridKey, stats.validCells(), stats.min(), stats.max(), stats.mean(), null, null, null);
    }

    /**
     * The reason without the file name the rows already carry; the exception text is the underlying library
     * failure where there is one (the reason already says what our own check found).
     */
    private static FrameRead rejectionRow(InputFile in, int index, Instant time, RejectionKind kind, String reason,
                                          Throwable e) {
        String prefix = in.path() + ": ";
        String shortReason = reason.startsWith(prefix) ? reason.substring(prefix.length()) : reason;
        Throwable cause = e instanceof UnusableFileException && e.getCause() != null ? e.getCause() : e;
        String exception = cause == null ? "" : cause == e && e instanceof UnusableFileException
                ? e.getClass().getName() : cause.toString();
        return new FrameRead(in.path(), in.size(), in.modified(), index, time, null, null, null, 0, Double.NaN,
                Double.NaN, Double.NaN, kind, shortReason, exception);
    }

    static String gridKey(Grid grid) {
        try {
            byte[] json = Json.MAPPER.writeValueAsBytes(grid);
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(json), 0, 16);
        } catch (IOException | NoSuchAlgorithmException e) {
            throw new IllegalStateException("cannot key grid " + grid.describe(), e);
        }
    }

    /**
     * The driver's checks across files, in file-name order: unreadable files, units other than the configured
     * (or, without configured units, the most common) ones, grids other than the most common one, and valid
     * times an earlier file already holds each quarantine the whole file. Then gaps are found in the series.
     */
    static FrameCatalog.Contents screen(List<InputFile> files, List<FrameRead> reads, Map<String, Grid> grids,
                                        Request request, List<Pending> pending) {
        Map<String, List<FrameRead>> byFile = reads.stream().collect(Collectors.groupingBy(FrameRead::file,
                LinkedHashMap::new, Collectors.toList()));
        Map<String, Rejection> rejected = new LinkedHashMap<>();
        Map<String, List<FrameRead>> readable = new LinkedHashMap<>();
        for (InputFile f : files) {
            List<FrameRead> rows = byFile.get(f.path());
            FrameRead first = rows.get(0);
            if (!first.accepted()) {
                rejected.put(f.path(), new Rejection(f.path(), first.kind(), first.reason(), first.exception()));
            } else {
                readable.put(f.path(), rows);
            }
        }

        String units = request.units();
        if (units == null) {
            units = mostCommon(readable.values().stream().flatMap(List::stream).map(FrameRead::units)
                    .filter(u -> !unitless(u)).toList());
        }
        String gridKey = mostCommon(readable.values().stream().flatMap(List::stream)
                .filter(r -> request.units() == null || unitless(r.units()) || Units.same(r.units(), request.units()))
                .map(FrameRead::gridKey).toList());
        Grid grid = gridKey == null ? null : grids.get(gridKey);

        Map<Instant, String> seen = new HashMap<>();
        List<FrameRead> catalogued = new ArrayList<>();
        boolean unitsFromConfiguration = false;
        Map<String, String> outcomes = new LinkedHashMap<>();
        for (Map.Entry<String, List<FrameRead>> e : readable.entrySet()) {
            String file = e.getKey();
            List<FrameRead> rows = e.getValue();
            String fileUnits = rows.get(0).units();
            String reason = null;
            RejectionKind kind = null;
            if (unitless(fileUnits) && request.units() == null) {
                kind = RejectionKind.WRONG_UNITS;
                // GRIB local tables (MRMS) name no units: only the configuration can say what the values mean.
                reason = "the file states no units for '" + request.variable() + "'; expected units in the file, "
                        + "or set variables." + request.variable() + ".units in the configuration";
            } else if (!unitless(fileUnits) && !Units.same(fileUnits, units)) {
                kind = RejectionKind.WRONG_UNITS;
                reason = "units '" + fileUnits + "' of '" + request.variable() + "' differ from "
                        + (request.units() != null ? "the configured variables." + request.variable() + ".units" : "the archive's")
                        + " '" + units + "'; expected the same units (gridcast never rescales)";
            } else if (!rows.get(0).gridKey().equals(gridKey)) {
                kind = RejectionKind.OTHER_GRID;
                reason = "grid " + grids.get(rows.get(0).gridKey()).describe() + " differs from the archive's grid "
                        + grid.describe();
            } else {
                for (FrameRead r : rows) {
                    if (seen.containsKey(r.time())) {
                        kind = RejectionKind.DUPLICATE_TIME;
                        reason = "duplicate valid time " + r.time() + " (frame " + r.timeIndex()
                                + "), already read from " + seen.get(r.time());
                        break;
                    }
                }
            }
            if (reason != null) {
                rejected.put(file, new Rejection(file, kind, reason, ""));
            } else {
                rows.forEach(r -> seen.put(r.time(), file));
                catalogued.addAll(rows);
                unitsFromConfiguration |= unitless(fileUnits);
            }
        }
        List<Rejection> rejections = files.stream().map(f -> rejected.get(f.path())).filter(r -> r != null).toList();
        if (catalogued.isEmpty()) {
            // Every file rejected: the quarantine is still written, and the run then stops on NoFramesException.
            return new FrameCatalog.Contents(null, List.of(), rejections, List.of(), files, reads, grids, request,
                    pending);
        }
        catalogued.sort(Comparator.comparing(FrameRead::time));
        FrameRead first = catalogued.get(0);
        List<String> warnings = new ArrayList<>();
        if (grid.unreferenced()) {
            warnings.add("grid " + grid.describe() + ": the axes '" + grid.y().name() + "' and '" + grid.x().name()
                    + "' have no standard_name and '" + request.variable() + "' no grid_mapping, so the grid is read"
                    + " as plain x/y cells with no place on the Earth: forecasts carry the same axes and no"
                    + " geolocation, and static layers cannot be regridded onto it");
            // Once per archive, on the driver: every file shares the grid.
            log.warn("ingest: {}", warnings.get(0));
        }
        FrameCatalog.Description description = new FrameCatalog.Description(request.variable(),
                unitsFromConfiguration ? request.units() : first.units(), first.standardName(),
                unitsFromConfiguration ? FrameCatalog.UNITS_FROM_CONFIGURATION : FrameCatalog.UNITS_FROM_FILE,
                request.reader(), request.inputDir().toAbsolutePath().toString(), grid, warnings);
        return new FrameCatalog.Contents(description, catalogued, rejections, gaps(catalogued), files, reads, grids,
                request, pending);
    }

    private static boolean unitless(String units) {
        return units == null || units.isBlank();
    }

    private static String mostCommon(List<String> values) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        values.forEach(v -> counts.merge(v == null ? "" : v, 1, Integer::sum));
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).map(Map.Entry::getKey).orElse(null);
    }

    /** Holes wider than the most common step between consecutive frames. */
    static List<Gap> gaps(List<FrameRead> frames) {
        if (frames.size() < 3) {
            return List.of();
        }
        Map<Duration, Integer> counts = new HashMap<>();
        for (int i = 1; i < frames.size(); i++) {
            counts.merge(Duration.between(frames.get(i - 1).time(), frames.get(i).time()), 1, Integer::sum);
        }
        Duration step = counts.entrySet().stream().max(Map.Entry.<Duration, Integer>comparingByValue()
                .thenComparing(Map.Entry.comparingByKey(Comparator.reverseOrder()))).orElseThrow().getKey();
        List<Gap> gaps = new ArrayList<>();
        for (int i = 1; i < frames.size(); i++) {
            FrameRead a = frames.get(i - 1);
            FrameRead b = frames.get(i);
            Duration d = Duration.between(a.time(), b.time());
            if (d.compareTo(step) > 0) {
                int missing = (int) Math.max(1, d.toMillis() / step.toMillis() - 1);
                gaps.add(new Gap(a.time(), b.time(), missing, a.file(), b.file()));
            }
        }
        return List.copyOf(gaps);
    }

    static Map<String, Integer> byKind(List<Rejection> rejections) {
        Map<String, Integer> counts = new LinkedHashMap<>();
        for (RejectionKind kind : RejectionKind.values()) {
            int n = (int) rejections.stream().filter(r -> r.kind() == kind).count();
            if (n > 0) {
                counts.put(kind.label(), n);
            }
        }
        return counts;
    }

    /** {@code " (2 not_readable, 1 wrong_units)"}, or nothing when no file was quarantined. */
    private static String kinds(List<Rejection> rejections) {
        Map<String, Integer> counts = byKind(rejections);
        return counts.isEmpty() ? "" : counts.entrySet().stream().map(e -> e.getValue() + " " + e.getKey())
                .collect(Collectors.joining(", ", " (", ")"));
    }

    /**
     * No file of the folder yielded a single frame of the variable: the one error worth stopping for. It is
     * raised after the quarantine was written, so the message points to it.
     */
    public static final class NoFramesException extends IllegalArgumentException {

        NoFramesException(Request request, List<Rejection> rejections, List<Pending> pending) {
            super("no usable frames of variable '" + request.variable() + "' in " + request.inputDir() + ": "
                    + (rejections.isEmpty() ? "" : rejections.size() + " files quarantined" + kinds(rejections)
                    + ", e.g. " + rejections.get(0).file() + ": " + rejections.get(0).reason() + "; ")
                    + (pending.isEmpty() ? "" : pending.size() + " files still being written (read at the next"
                    + " ingest), e.g. " + pending.get(0).file() + ": " + pending.get(0).reason() + "; ")
                    + "every file and its reason in "
                    + request.catalogDir().resolve(rejections.isEmpty() ? "summary.json" : "quarantine.txt"));
        }
    }
}
