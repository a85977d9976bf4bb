package io.gridcast.ingest.catalog;

import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.FrameReader;
import io.gridcast.ingest.read.FrameReaders;
import io.gridcast.ingest.read.FrameSource;
import io.gridcast.ingest.read.UnusableFileException;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The ingest stage: reads every matching file of a folder on Spark (one task per group of files), and writes
 * a {@link FrameCatalog} of accepted frames plus a quarantine list of everything rejected, with reasons.
 */
public final class FrameIngest {

    private static final Logger log = LoggerFactory.getLogger(FrameIngest.class);

    /**
     * @param inputDir   the archive folder (searched recursively)
     * @param pattern    a glob on file names, e.g. {@code *.nc}
     * @param variable   the variable to read
     * @param reader     a {@link FrameReaders} name, e.g. {@code cf-netcdf}
     * @param catalogDir where the catalog is written (replaced atomically)
     */
    public record Request(Path inputDir, String pattern, String variable, String reader, Path catalogDir) {
    }

    /** What one ingest did: counts of files and frames, and every rejection. */
    public record Summary(int files, int acceptedFiles, int frames, List<Rejection> rejections, Path catalogDir) {

        public String describe() {
            return files + " files: " + acceptedFiles + " accepted (" + frames + " frames), "
                    + (files - acceptedFiles) + " quarantined, " + rejections.size() + " rejections";
        }
    }

    /** What an executor found in one file for one time (or for the whole file, when it could not be opened). */
    record FrameRead(String file, int timeIndex, Instant time, String units, String standardName, String gridJson,
                     long validCells, double min, double max, double mean, String reason, String exception)
            implements java.io.Serializable {

        boolean accepted() {
            return reason == null;
        }
    }

    private FrameIngest() {
    }

    public static Summary run(SparkSession spark, Request request) {
        FrameReader reader = FrameReaders.byName(request.reader());
        List<String> files = listFiles(request.inputDir(), request.pattern());
        log.info("ingest: {} files matching '{}' in {} for variable '{}'", files.size(), request.pattern(),
                request.inputDir(), request.variable());

        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        int slices = Math.max(1, Math.min(files.size(), jsc.defaultParallelism() * 4));
        String variable = request.variable();
        List<FrameRead> reads = jsc.parallelize(files, slices)
                .flatMap(file -> readFile(reader, Path.of(file), variable))
                .collect();

        FrameCatalog.Contents contents = screen(reads, request);
        FrameCatalog.write(spark, request.catalogDir(), contents);
        Summary summary = new Summary(files.size(), contents.acceptedFiles(), contents.frames().size(),
                contents.rejections(), request.catalogDir());
        log.info("ingest: {}", summary.describe());
        return summary;
    }

    static List<String> listFiles(Path dir, String pattern) {
        if (!Files.isDirectory(dir)) {
            throw new IllegalArgumentException("input folder " + dir + " does not exist or is not a folder");
        }
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        try (Stream<Path> walk = Files.walk(dir)) {
            List<String> files = walk.filter(Files::isRegularFile)
                    .filter(p -> matcher.matches(p.getFileName()))
                    .map(p -> p.toAbsolutePath().normalize().toString())
                    .sorted()
                    .toList();
            if (files.isEmpty()) {
                throw new IllegalArgumentException("no files matching '" + pattern + "' in input folder " + dir);
            }
            return files;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list input folder " + dir, e);
        }
    }

    /** Runs on an executor: one row per frame, or one rejection row for a file that cannot be opened. */
    private static Iterator<FrameRead> readFile(FrameReader reader, Path file, String variable) {
        List<FrameRead> rows = new ArrayList<>();
        try (FrameSource source = reader.open(file, variable)) {
            String gridJson = Json.MAPPER.writeValueAsString(source.grid());
            List<Instant> times = source.times();
            for (int i = 0; i < times.size(); i++) {
                Instant time = times.get(i);
                try {
                    rows.add(frameRow(file, i, time, source, gridJson, source.frame(i)));
                } catch (UnusableFileException | RuntimeException e) {
                    rows.add(rejectionRow(file.toString(), i, time, "frame " + i + " unreadable", e));
                }
            }
        } catch (UnusableFileException e) {
            rows.add(rejectionRow(file.toString(), -1, null, e.getMessage(), e));
        } catch (IOException | RuntimeException e) {
            rows.add(rejectionRow(file.toString(), -1, null, "unexpected failure reading " + file, e));
        }
        return rows.iterator();
    }

    private static FrameRead frameRow(Path file, int index, Instant time, FrameSource source, String gridJson,
                                      Frame frame) {
        long valid = 0;
        double min = Double.POSITIVE_INFINITY;
        double max = Double.NEGATIVE_INFINITY;
        double sum = 0;
        for (float v : frame.values()) {
            if (Float.isFinite(v)) {
                valid++;
                min = Math.min(min, v);
                max = Math.max(max, v);
                sum += v;
            }
        }
        if (valid == 0) {
            return rejectionRow(file.toString(), index, time, "frame " + index + " at " + time + ": every cell is missing",
                    null);
        }
        return new FrameRead(file.toString(), index, time, source.units(), source.standardName(), gridJson, valid,
                min, max, sum / valid, null, null);
    }

    private static FrameRead rejectionRow(String file, int index, Instant time, String reason, Throwable e) {
        return new FrameRead(file, index, time, null, null, null, 0, Double.NaN, Double.NaN, Double.NaN, reason,
                e == null ? "" : e.toString());
    }

    /**
     * The driver's checks across files: the archive grid is the most common one, frames on other grids and
     * repeated valid times are rejected (the first file in name order keeps a repeated time).
     */
    static FrameCatalog.Contents screen(List<FrameRead> reads, Request request) {
        List<Rejection> rejections = new ArrayList<>();
        Map<String, Integer> gridVotes = new HashMap<>();
        for (FrameRead read : reads) {
            if (read.accepted()) {
                gridVotes.merge(read.gridJson(), 1, Integer::sum);
            } else {
                rejections.add(new Rejection(read.file(), read.reason(), read.exception()));
            }
        }
        if (gridVotes.isEmpty()) {
            throw new NoFramesException(request, rejections);
        }
        String gridJson = gridVotes.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
        Grid grid = Json.read(gridJson, Grid.class);

        List<FrameRead> accepted = reads.stream().filter(FrameRead::accepted)
                .sorted(Comparator.comparing(FrameRead::time).thenComparing(FrameRead::file)
                        .thenComparing(FrameRead::timeIndex))
                .toList();
        Map<Instant, String> seen = new HashMap<>();
        List<FrameRead> catalogued = new ArrayList<>();
        for (FrameRead read : accepted) {
            if (!gridJson.equals(read.gridJson())) {
                rejections.add(new Rejection(read.file(), "grid " + Json.read(read.gridJson(), Grid.class).describe()
                        + " differs from the archive's grid " + grid.describe(), ""));
            } else if (seen.containsKey(read.time())) {
                rejections.add(new Rejection(read.file(), "duplicate valid time " + read.time()
                        + ", already read from " + seen.get(read.time()), ""));
            } else {
                seen.put(read.time(), read.file());
                catalogued.add(read);
            }
        }
        FrameRead first = catalogued.get(0);
        FrameCatalog.Description description = new FrameCatalog.Description(request.variable(), first.units(),
                first.standardName(), request.reader(), request.inputDir().toAbsolutePath().toString(), grid);
        return new FrameCatalog.Contents(description, catalogued, rejections);
    }

    /** No file of the folder yielded a single frame of the variable: the one error worth stopping for. */
    public static final class NoFramesException extends IllegalArgumentException {

        NoFramesException(Request request, List<Rejection> rejections) {
            super("no usable frames of variable '" + request.variable() + "' in " + request.inputDir() + ": "
                    + (rejections.isEmpty() ? "the files hold no time steps"
                            : rejections.size() + " rejections, e.g. " + rejections.get(0).reason()));
        }
    }
}
