package io.gridcast.ingest.catalog;

import com.fasterxml.jackson.core.type.TypeReference;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.ReaderSpec;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.stream.Collectors;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.SparkSession;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The catalog's memory of its inputs, in {@code manifest/}: {@code files} (Parquet: path, size, modification
 * time, outcome and reason of every listed file), {@code reads} (Parquet: what was read from each file before the
 * cross-file checks), {@code grids.json} (the grids those rows refer to) and {@code request.json} (variable,
 * reader, units and pattern). A re-run with the same request reuses the reads of files whose size and
 * modification time are unchanged.
 */
final class IngestManifest {

    private static final Logger log = LoggerFactory.getLogger(IngestManifest.class);

    /** What makes earlier reads reusable: the same variable read the same way. */
    record RequestKey(String variable, ReaderSpec reader, String units, String pattern) {

        static RequestKey of(FrameIngest.Request r) {
            return new RequestKey(r.variable(), r.reader(), r.units(), r.pattern());
        }
    }

    /** The earlier run's reads by file, or nothing. */
    record Previous(Map<String, List<FrameIngest.FrameRead>> reads, Map<String, Grid> grids) {

        static final Previous NONE = new Previous(Map.of(), Map.of());

        /** The earlier rows of {@code f} if its size and modification time are unchanged, else null. */
        List<FrameIngest.FrameRead> unchanged(FrameIngest.InputFile f) {
            List<FrameIngest.FrameRead> rows = reads.get(f.path());
            if (rows == null || rows.get(0).size() != f.size() || rows.get(0).modified() != f.modified()) {
                return null;
            }
            return rows;
        }
    }

    static final StructType FILES_SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("size", DataTypes.LongType, false)
            .add("modified", DataTypes.TimestampType, false)
            .add("outcome", DataTypes.StringType, false)
            .add("reason", DataTypes.StringType, true);

    private static final StructType READS_SCHEMA = new StructType()
            .add("file", DataTypes.StringType, false)
            .add("size", DataTypes.LongType, false)
            .add("modified", DataTypes.LongType, false)
            .add("time_index", DataTypes.IntegerType, false)
            .add("time", DataTypes.TimestampType, true)
            .add("units", DataTypes.StringType, true)
            .add("standard_name", DataTypes.StringType, true)
            .add("grid_key", DataTypes.StringType, true)
            .add("valid_cells", DataTypes.LongType, false)
            .add("min", DataTypes.DoubleType, false)
            .add("max", DataTypes.DoubleType, false)
            .add("mean", DataTypes.DoubleType, false)
            .add("reason", DataTypes.StringType, true)
            .add("exception", DataTypes.StringType, true)
            .add("kind", DataTypes.StringType, true);

    private IngestManifest() {
    }

    static Previous load(SparkSession spark, FrameIngest.Request request) {
        Path dir = request.catalogDir().resolve("manifest");
        Path requestFile = dir.resolve("request.json");
        if (!Files.isRegularFile(requestFile)) {
            return Previous.NONE;
        }
        RequestKey earlier = Json.read(requestFile, RequestKey.class);
        if (!earlier.equals(RequestKey.of(request))) {
            log.info("ingest: the catalog in {} was made for {}, now {}: reading every file again",
                    request.catalogDir(), earlier, RequestKey.of(request));
            return Previous.NONE;
        }
        Map<String, Grid> grids = readGrids(dir.resolve("grids.json"));
        List<FrameIngest.FrameRead> rows = new ArrayList<>();
        for (Row r : spark.read().schema(READS_SCHEMA).parquet(dir.resolve("reads").toString()).collectAsList()) {
            rows.add(new FrameIngest.FrameRead(r.getString(0), r.getLong(1), r.getLong(2), r.getInt(3),
                    r.isNullAt(4) ? null : r.getTimestamp(4).toInstant(), r.getString(5), r.getString(6),
                    r.getString(7), r.getLong(8), r.getDouble(9), r.getDouble(10), r.getDouble(11),
                    FrameReadEncoding.kind(r.getString(14)), r.getString(12), r.getString(13)));
        }
        if (rows.stream().anyMatch(r -> r.reason() != null && r.kind() == null)) {
            log.info("ingest: the manifest in {} predates rejection kinds: reading every file again", dir);
            return Previous.NONE;
        }
        Map<String, List<FrameIngest.FrameRead>> byFile = rows.stream()
                .sorted(java.util.Comparator.comparingInt(FrameIngest.FrameRead::timeIndex))
                .collect(Collectors.groupingBy(FrameIngest.FrameRead::file));
        return new Previous(byFile, grids);
    }

    private static Map<String, Grid> readGrids(Path file) {
        try {
            return Json.MAPPER.readValue(file.toFile(), new TypeReference<Map<String, Grid>>() { });
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read ingest manifest grids " + file, e);
        }
    }

    /** Writes the manifest of {@code contents} into {@code dir} (the catalog's staging folder). */
    static void write(Path dir, FrameCatalog.Contents contents, FrameIngest.Request request) throws IOException {
        Path manifest = Files.createDirectories(dir.resolve("manifest"));
        Map<String, String> reasons = new HashMap<>();
        contents.rejections().forEach(r -> reasons.put(r.file(), r.reason()));
        List<Row> files = contents.files().stream().map(f -> RowFactory.create(f.path(), f.size(),
                new Timestamp(f.modified()), reasons.containsKey(f.path()) ? "quarantine" : "catalog",
                reasons.get(f.path()))).toList();

        List<Row> reads = contents.reads().stream().map(r -> RowFactory.create(r.file(), r.size(), r.modified(),
                r.timeIndex(), r.time() == null ? null : Timestamp.from(r.time()), r.units(), r.standardName(),
                r.gridKey(), r.validCells(), r.min(), r.max(), r.mean(), r.reason(), r.exception(),
                r.kind() == null ? null : r.kind().name())).toList();

        Set<String> used = contents.reads().stream().map(FrameIngest.FrameRead::gridKey).filter(Objects::nonNull)
                .collect(Collectors.toSet());
        Map<String, Grid> grids = new HashMap<>(contents.grids());
        grids.keySet().retainAll(used);
        Json.write(manifest.resolve("grids.json"), grids);
        Json.write(manifest.resolve("request.json"), RequestKey.of(request));
        ParquetTables.write(manifest.resolve("files"), FILES_SCHEMA, files);
        ParquetTables.write(manifest.resolve("reads"), READS_SCHEMA, reads);
    }
}
