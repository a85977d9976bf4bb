package io.gridcast.features;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.read.FrameReader;
import io.gridcast.ingest.read.ReaderSpec;
import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * A region's frames of every dynamic input channel in physical units, written once by Spark as gzip-compressed
 * shards of {@code shardFrames} consecutive timeline frames ({@code shard-00000.f32.gz}: frame count, channels,
 * cells, then the floats frame by frame, channel by channel, row by row) with an {@code index.json}. The folder is
 * written under a temporary name and renamed in, and reused while the catalogs and region are unchanged. A
 * reader keeps a bounded number of decompressed shards, so memory does not grow with the archive.
 */
public final class FrameShards {

    /**
     * @param key         a digest of the region, channels and catalog entries the shards were cut from
     * @param missing     per timeline frame, the largest share of missing region cells over the channels, or -1
     *                    when a channel has no frame at that time
     */
    public record Index(String key, List<String> channels, int height, int width, int frames, int shardFrames,
                        float[] missing) implements Serializable {

        int shards() {
            return (frames + shardFrames - 1) / shardFrames;
        }
    }

    /** Where one channel's frames come from: catalog entries aligned with the timeline, null where it has none. */
    public record Source(String variable, ReaderSpec reader, List<CatalogEntry> aligned) implements Serializable {
    }

    private static final ObjectMapper JSON = new ObjectMapper();

    private final Path dir;
    private final Index index;
    private final Map<Integer, float[]> cache;

    private FrameShards(Path dir, Index index, int cacheShards) {
        this.dir = dir;
        this.index = index;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, float[]> eldest) {
                return size() > cacheShards;
            }
        };
    }

    public Index index() {
        return index;
    }

    public Path dir() {
        return dir;
    }

    /** Another reader of the same shards with its own cache of {@code cacheShards} shards (one per thread). */
    public FrameShards reader(int cacheShards) {
        return new FrameShards(dir, index, Math.max(1, cacheShards));
    }

    /** The shards already written in {@code dir} as {@code index} says (e.g. on a Spark executor). */
    static FrameShards open(Path dir, Index index) {
        return new FrameShards(dir, index, 2);
    }

    /** Writes the shards into {@code dir} unless shards of the same sources are already there. */
    public static FrameShards prepare(SparkSession spark, Path dir, RegionGrid regionGrid, List<Source> sources,
                                      int shardFrames) {
        String key = key(regionGrid, sources, shardFrames);
        Path indexFile = dir.resolve("index.json");
        try {
            if (Files.isRegularFile(indexFile)) {
                Index existing = JSON.readValue(indexFile.toFile(), Index.class);
                if (existing.key().equals(key)) {
                    return new FrameShards(dir, existing, 2);
                }
            }
            Path staging = AtomicFiles.stagingFor(dir);
            Files.createDirectories(staging);
            int frames = sources.get(0).aligned().size();
            int shards = (frames + shardFrames - 1) / shardFrames;
            // Each task carries only its own shard's catalog entries.
            List<ShardTask> tasks = new ArrayList<>();
            for (int s = 0; s < shards; s++) {
                int first = s * shardFrames;
                int last = Math.min(frames, first + shardFrames);
                List<Source> slices = new ArrayList<>();
                for (Source source : sources) {
                    slices.add(new Source(source.variable(), source.reader(),
                            new ArrayList<>(source.aligned().subList(first, last))));
                }
                tasks.add(new ShardTask(s, slices));
            }
            String stagingName = staging.toString();
            JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
            List<float[]> missing = jsc.parallelize(tasks, Math.max(1, Math.min(shards, jsc.defaultParallelism() * 4)))
                    .map(task -> writeShard(Path.of(stagingName), task, regionGrid))
                    .collect();
            float[] all = new float[frames];
            for (int s = 0; s < shards; s++) {
                System.arraycopy(missing.get(s), 0, all, s * shardFrames, missing.get(s).length);
            }
            Index index = new Index(key, sources.stream().map(Source::variable).toList(), regionGrid.height(),
                    regionGrid.width(), frames, shardFrames, all);
            JSON.writeValue(staging.resolve("index.json").toFile(), index);
            Files.createDirectories(dir.toAbsolutePath().getParent());
            AtomicFiles.replaceDirectory(staging, dir);
            return new FrameShards(dir, index, 2);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the window shards of region '" + regionGrid.region().name()
                    + "' in " + dir, e);
        }
    }

    private record ShardTask(int shard, List<Source> sources) implements Serializable {
    }

    /** One Spark task: reads a shard's frames of every channel, cuts the region, writes the shard file. */
    private static float[] writeShard(Path dir, ShardTask task, RegionGrid regionGrid) throws IOException {
        List<Source> sources = task.sources();
        int count = sources.get(0).aligned().size();
        int cells = regionGrid.height() * regionGrid.width();
        float[] missing = new float[count];
        List<FrameReader> readers = sources.stream().map(s -> s.reader().create()).toList();
        try (DataOutputStream out = new DataOutputStream(new BufferedOutputStream(new GZIPOutputStream(
                Files.newOutputStream(dir.resolve(shardName(task.shard()))), 1 << 16)))) {
            out.writeInt(count);
            out.writeInt(sources.size());
            out.writeInt(cells);
            for (int f = 0; f < count; f++) {
                for (int c = 0; c < sources.size(); c++) {
                    CatalogEntry entry = sources.get(c).aligned().get(f);
                    float[] values;
                    if (entry == null) {
                        values = new float[cells];
                        java.util.Arrays.fill(values, Float.NaN);
                        missing[f] = -1;
                    } else {
                        values = RegionFrames.read(readers.get(c), sources.get(c).variable(), entry, regionGrid);
                        int nan = 0;
                        for (float v : values) {
                            nan += Float.isNaN(v) ? 1 : 0;
                        }
                        if (missing[f] >= 0) {
                            missing[f] = Math.max(missing[f], (float) nan / cells);
                        }
                    }
                    ByteBuffer bytes = ByteBuffer.allocate(values.length * Float.BYTES);
                    bytes.asFloatBuffer().put(values);
                    out.write(bytes.array());
                }
            }
        }
        return missing;
    }

    static String shardName(int shard) {
        return String.format("shard-%05d.f32.gz", shard);
    }

    /** Channel {@code channel} of timeline frame {@code frame}, physical units, NaN where missing. */
    public float[] frame(int frame, int channel) {
        Plane plane = plane(frame, channel);
        return java.util.Arrays.copyOfRange(plane.values(), plane.offset(), plane.offset() + index.height() * index.width());
    }

    /**
     * Where a frame's plane lies: {@code height x width} values from {@code offset} of a cached shard, which is
     * never written after it is read, so the plane stays valid after the shard leaves the cache.
     */
    record Plane(float[] values, int offset) {
    }

    /** Channel {@code channel} of timeline frame {@code frame} in its cached shard, not copied. */
    synchronized Plane plane(int frame, int channel) {
        int shard = frame / index.shardFrames();
        float[] values = cache.get(shard);
        if (values == null) {
            values = readShard(dir, index, shard);
            cache.put(shard, values);
        }
        int cells = index.height() * index.width();
        return new Plane(values, ((frame - shard * index.shardFrames()) * index.channels().size() + channel) * cells);
    }

    /** A whole shard, decompressed: frames x channels x cells. */
    static float[] readShard(Path dir, Index index, int shard) {
        Path file = dir.resolve(shardName(shard));
        try (DataInputStream in = new DataInputStream(new BufferedInputStream(new GZIPInputStream(
                Files.newInputStream(file), 1 << 16), 1 << 16))) {
            int count = in.readInt();
            int channels = in.readInt();
            int cells = in.readInt();
            if (channels != index.channels().size() || cells != index.height() * index.width()) {
                throw new IOException("holds " + channels + " channels of " + cells + " cells, the index says "
                        + index.channels().size() + " of " + index.height() * index.width());
            }
            // Decoded through a small buffer: a second copy of the whole shard would double its garbage.
            float[] values = new float[count * channels * cells];
            byte[] chunk = new byte[1 << 16];
            for (int done = 0; done < values.length; ) {
                int n = Math.min(values.length - done, chunk.length / Float.BYTES);
                in.readFully(chunk, 0, n * Float.BYTES);
                ByteBuffer.wrap(chunk, 0, n * Float.BYTES).asFloatBuffer().get(values, done, n);
                done += n;
            }
            return values;
        } catch (IOException e) {
            throw new UncheckedIOException("window shard " + file + " is unreadable: " + e.getMessage(), e);
        }
    }

    /**
     * Statistics of channel {@code channel} over the timeline frames {@code frames} (the training period), of the
     * values {@code transform} prepares, computed on Spark from the shards in one pass: moments, range and
     * approximate quantiles ({@code percentile_approx}).
     */
    public Statistics statistics(SparkSession spark, int channel, TransformSpec transform, List<Integer> frames) {
        Map<Integer, List<Integer>> byShard = new java.util.TreeMap<>();
        for (int f : frames) {
            byShard.computeIfAbsent(f / index.shardFrames(), s -> new ArrayList<>()).add(f);
        }
        List<List<Integer>> tasks = new ArrayList<>(byShard.values());
        String dirName = dir.toString();
        Index idx = index;
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        org.apache.spark.api.java.JavaRDD<Float> values = jsc.parallelize(tasks,
                        Math.max(1, Math.min(tasks.size(), jsc.defaultParallelism() * 4)))
                .flatMap(shardFrames -> prepared(Path.of(dirName), idx, shardFrames, channel, transform));
        org.apache.spark.sql.Row row = spark.createDataset(values.rdd(), org.apache.spark.sql.Encoders.FLOAT())
                .toDF("value")
                .agg(org.apache.spark.sql.functions.count("value"), org.apache.spark.sql.functions.sum("value"),
                        org.apache.spark.sql.functions.expr("sum(cast(value as double) * value)"),
                        org.apache.spark.sql.functions.min("value"), org.apache.spark.sql.functions.max("value"),
                        org.apache.spark.sql.functions.expr("percentile_approx(value, array(0.01, 0.5, 0.99), "
                                + Math.round(1 / Statistics.QUANTILE_ERROR) + ")"))
                .first();
        long count = row.getLong(0);
        if (count == 0) {
            throw new IllegalArgumentException("channel '" + index.channels().get(channel) + "': every cell of the "
                    + frames.size() + " training frames is missing in " + dir);
        }
        List<Float> quantiles = row.getList(5);
        return Statistics.of(new double[] {count, row.getDouble(1), row.getDouble(2), row.getFloat(3), row.getFloat(4)},
                quantiles.stream().mapToDouble(Float::doubleValue).toArray());
    }

    /** The prepared, non-missing values of one channel of some frames of one shard, produced lazily. */
    private static java.util.Iterator<Float> prepared(Path dir, Index index, List<Integer> frames, int channel,
                                                      TransformSpec transform) {
        int shard = frames.get(0) / index.shardFrames();
        float[] all = readShard(dir, index, shard);
        int cells = index.height() * index.width();
        return new java.util.Iterator<>() {
            private int frame;
            private int cell;
            private float next = advance();

            private float advance() {
                while (frame < frames.size()) {
                    int offset = ((frames.get(frame) - shard * index.shardFrames()) * index.channels().size() + channel)
                            * cells;
                    while (cell < cells) {
                        float v = transform.prepare(all[offset + cell++]);
                        if (!Float.isNaN(v)) {
                            return v;
                        }
                    }
                    frame++;
                    cell = 0;
                }
                return Float.NaN;
            }

            @Override
            public boolean hasNext() {
                return !Float.isNaN(next);
            }

            @Override
            public Float next() {
                if (!hasNext()) {
                    throw new java.util.NoSuchElementException();
                }
                float v = next;
                next = advance();
                return v;
            }
        };
    }

    private static String key(RegionGrid regionGrid, List<Source> sources, int shardFrames) {
        try {
            MessageDigest digest = MessageDigest.getInstance("SHA-256");
            digest.update((regionGrid.region() + "|" + regionGrid + "|" + regionGrid.sourceGrid().describe() + "|"
                    + shardFrames).getBytes(StandardCharsets.UTF_8));
            for (Source s : sources) {
                digest.update(("|" + s.variable() + "|" + s.reader()).getBytes(StandardCharsets.UTF_8));
                for (CatalogEntry e : s.aligned()) {
                    digest.update(String.valueOf(e).getBytes(StandardCharsets.UTF_8));
                }
            }
            return HexFormat.of().formatHex(digest.digest());
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
