package io.gridcast.ingest.catalog;

import java.io.Serializable;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.ReaderSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Duration;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReadWriteLock;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;

/**
 * The frame catalog of one variable: a Parquet table of accepted frames (partitioned by date), a Parquet
 * quarantine table with a readable {@code quarantine.txt}, and {@code description.json} (variable, units,
 * reader, the archive grid with its projection).
 */
public final class FrameCatalog {

    /**
     * What every frame shares: the variable, how to read it again, the archive's grid, and warnings about what the
     * files leave open (an {@linkplain Grid#unreferenced() unreferenced} grid).
     *
     * @param unitsSource {@link #UNITS_FROM_FILE} when every file states the units, {@link #UNITS_FROM_CONFIGURATION}
     *                    when files without units took {@code variables.<name>.units} (e.g. MRMS GRIB); null in a
     *                    catalog written before it was recorded
     */
    public record Description(String variable, String units, String standardName, String unitsSource,
                              ReaderSpec reader, String inputDir, Grid grid, List<String> warnings)
            implements Serializable {

        public Description {
            // Catalogs written before warnings were kept have none.
            warnings = warnings == null ? List.of() : List.copyOf(warnings);
        }
    }

    public static final String UNITS_FROM_FILE = "file";
    public static final String UNITS_FROM_CONFIGURATION = "configuration";

    /** A screened ingest result, ready to write; with no frames (every file rejected) there is no description. */
    record Contents(Description description, List<FrameIngest.FrameRead> frames, List<Rejection> rejections,
                    List<FrameIngest.Gap> gaps, List<FrameIngest.InputFile> files, List<FrameIngest.FrameRead> reads,
                    Map<String, Grid> grids, FrameIngest.Request request, List<FrameIngest.Pending> pending) {

        int acceptedFiles() {
            return (int) frames.stream().map(FrameIngest.FrameRead::file).distinct().count();
        }
    }

    private static final StructType FRAME_SCHEMA = new StructType()
            .add("date", DataTypes.StringType, false)
            .add("time", DataTypes.TimestampType, false)
            .add("file", DataTypes.StringType, false)
            .add("time_index", DataTypes.IntegerType, false)
            .add("variable", DataTypes.StringType, false)
            .add("units", DataTypes.StringType, true)
            .add("grid", DataTypes.StringType, false)
            .add("valid_cells", DataTypes.LongType, false)
            .add("min", DataTypes.DoubleType, false)
            .add("max", DataTypes.DoubleType, false)
            .add("mean", DataTypes.DoubleType, false);

    private static final StructType QUARANTINE_SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("kind", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, false)
            .add("exception", DataTypes.StringType, true);

    private final Description description;
    private final List<CatalogEntry> entries;

    private FrameCatalog(Description description, List<CatalogEntry> entries) {
        this.description = description;
        this.entries = entries;
    }

    public Description description() {
        return description;
    }

    /** Accepted frames in time order, no time twice. */
    public List<CatalogEntry> entries() {
        return entries;
    }

    /** The archive's time step: the most common difference between consecutive frames. */
    public Duration step() {
        if (entries.size() < 2) {
            throw new IllegalStateException("catalog of " + description.variable() + " has " + entries.size()
                    + " frame(s); at least 2 are needed to know the time step");
        }
        Map<Duration, Integer> counts = new HashMap<>();
        for (int i = 1; i < entries.size(); i++) {
            counts.merge(Duration.between(entries.get(i - 1).time(), entries.get(i).time()), 1, Integer::sum);
        }
        return counts.entrySet().stream().max(Map.Entry.comparingByValue()).orElseThrow().getKey();
    }

    /**
     * Each catalog folder's readers and its writer in this process: a schedule ingests on one thread and forecasts on
     * another, and a load must not meet the folder swapped out and deleted under it. Another process never writes it
     * while this one works (the work folder's lock).
     */
    private static final Map<Path, ReadWriteLock> LOCKS = new ConcurrentHashMap<>();

    private static ReadWriteLock lock(Path dir) {
        return LOCKS.computeIfAbsent(dir.toAbsolutePath().normalize(), d -> new ReentrantReadWriteLock());
    }

    /** Reads the catalog written by an ingest. */
    public static FrameCatalog load(SparkSession spark, Path dir) {
        Lock reading = lock(dir).readLock();
        reading.lock();
        try {
            Description description = readDescription(dir);
            List<CatalogEntry> entries = new ArrayList<>();
            for (Row row : spark.read().parquet(dir.resolve("frames").toString())
                    .select("time", "file", "time_index").collectAsList()) {
                entries.add(new CatalogEntry(row.getTimestamp(0).toInstant(), row.getString(1), row.getInt(2)));
            }
            entries.sort(Comparator.comparing(CatalogEntry::time));
            return new FrameCatalog(description, List.copyOf(entries));
        } finally {
            reading.unlock();
        }
    }

    /** The description alone (variable, units, reader, grid), without Spark: no frame is listed. */
    public static Description readDescription(Path dir) {
        Lock reading = lock(dir).readLock();
        reading.lock();
        try {
            Path descriptionFile = dir.resolve("description.json");
            if (!Files.isRegularFile(descriptionFile)) {
                throw new IllegalArgumentException("no frame catalog in " + dir + " (missing description.json): run ingest first");
            }
            return Json.read(descriptionFile, Description.class);
        } finally {
            reading.unlock();
        }
    }

    /** The readable account of an ingest: counts, every quarantined file with its reason, every gap. */
    private static Map<String, Object> summaryJson(Contents contents) {
        Map<String, Object> json = new LinkedHashMap<>();
        json.put("files", contents.files().size());
        json.put("accepted_files", contents.acceptedFiles());
        json.put("quarantined_files", contents.rejections().size());
        json.put("quarantined_by_kind", FrameIngest.byKind(contents.rejections()));
        json.put("frames", contents.frames().size());
        boolean none = contents.frames().isEmpty();
        json.put("first_time", none ? null : contents.frames().get(0).time().toString());
        json.put("last_time", none ? null : contents.frames().get(contents.frames().size() - 1).time().toString());
        json.put("gaps", contents.gaps().stream().map(g -> Map.of("after", g.after().toString(), "before",
                g.before().toString(), "missing_steps", g.missingSteps(), "file_before", g.fileBefore(),
                "file_after", g.fileAfter())).toList());
        json.put("pending", contents.pending().stream().map(p -> Map.of("file", p.file(), "reason", p.reason()))
                .toList());
        json.put("quarantine", contents.rejections().stream().map(r -> Map.of("file", r.file(), "kind",
                r.kind().label(), "reason", r.reason(), "exception", r.exception())).toList());
        return json;
    }

    /**
     * Writes the catalog into a temporary folder beside {@code dir}, then swaps it in. Without frames only the
     * quarantine, the summary and the manifest are written: no description, so no later stage takes it for a catalog.
     */
    static void write(Path dir, Contents contents) {
        Path staging = AtomicFiles.stagingFor(dir);
        try {
            Files.createDirectories(staging);
            Description description = contents.description();
            List<Row> frames = description == null ? List.of() : contents.frames().stream().map(f -> RowFactory.create(
                    f.time().atZone(ZoneOffset.UTC).toLocalDate().toString(), Timestamp.from(f.time()), f.file(),
                    f.timeIndex(), description.variable(), description.units(), description.grid().describe(),
                    f.validCells(), f.min(), f.max(), f.mean())).toList();
            List<Row> quarantine = contents.rejections().stream()
                    .map(q -> RowFactory.create(q.file(), q.kind().label(), q.reason(), q.exception())).toList();
            Files.write(staging.resolve("quarantine.txt"), contents.rejections().stream()
                    .map(q -> q.file() + "\t" + q.reason() + (q.exception().isEmpty() ? "" : "\t" + q.exception()))
                    .toList());
            if (description != null) {
                Json.write(staging.resolve("description.json"), description);
            }
            Json.write(staging.resolve("summary.json"), summaryJson(contents));
            // The manifest's two tables are written on a second thread beside the frames and quarantine tables: the
            // catalog write is serial driver work after ingest's parallel reads, with the other cores idle.
            CompletableFuture<Void> manifest = CompletableFuture.runAsync(() -> {
                try {
                    IngestManifest.write(staging, contents, contents.request());
                } catch (IOException e) {
                    throw new UncheckedIOException("cannot write the ingest manifest in " + staging, e);
                }
            });
            try {
                if (description != null) {
                    ParquetTables.writePartitioned(staging.resolve("frames"), "date", FRAME_SCHEMA, frames);
                }
                ParquetTables.write(staging.resolve("quarantine"), QUARANTINE_SCHEMA, quarantine);
            } catch (RuntimeException e) {
                // The staging folder is left for cleanup only once nothing writes into it any more.
                manifest.exceptionally(ignored -> null).join();
                throw e;
            }
            join(manifest);
            Lock writing = lock(dir).writeLock();
            writing.lock();
            try {
                AtomicFiles.replaceDirectory(staging, dir);
            } finally {
                writing.unlock();
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write frame catalog " + dir, e);
        }
    }

    /** Waits for {@code task}, rethrowing its own failure rather than a CompletionException around it. */
    private static void join(CompletableFuture<Void> task) {
        try {
            task.join();
        } catch (CompletionException e) {
            if (e.getCause() instanceof RuntimeException r) {
                throw r;
            }
            throw e;
        }
    }
}
