package io.gridcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import com.sun.management.ThreadMXBean;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.SparkSessions;
import io.gridcast.ingest.synth.SyntheticArchive;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import ucar.nc2.NetcdfFile;

/** Features on a real local Spark session over small real NetCDF archives. */
class RegionFeaturesTest {

    private static final int CELLS = TestArchive.SIZE * TestArchive.SIZE;

    static SparkSession spark;

    /** 100 frames whose every cell holds its own time (minutes since T0) x 1000 plus the cell's number. */
    @TempDir
    static Path stamped;

    static FrameCatalog stampedCatalog;

    @TempDir
    Path dir;

    @BeforeAll
    static void archive() throws Exception {
        spark = SparkSessions.create("local[2]", Map.of());
        Path archive = Files.createDirectories(stamped.resolve("archive"));
        TestArchive.write(archive, "rain_rate", "mm h-1", IntStream.range(0, 100).boxed().toList(), f -> {
            float[] v = new float[CELLS];
            for (int c = 0; c < CELLS; c++) {
                v[c] = f * 5 * 1000 + c;
            }
            return v;
        });
        stampedCatalog = TestArchive.ingest(spark, archive, "rain_rate", stamped.resolve("catalog"));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    private static final TransformSpec AS_IS = new TransformSpec("none", 0);

    private RegionFeatures stampedFeatures(WindowSpec spec, Path shards) {
        return RegionFeatures.prepare(spark, List.of(new DynamicInput(stampedCatalog, AS_IS)), List.of(),
                TestArchive.WHOLE, spec, shards);
    }

    /** The time each plane of a batch encodes, by window: inputs then targets. */
    private static List<List<Instant>> decode(DataSet batch, int in, int out) {
        float[] x = batch.getFeatures().dup().data().asFloat();
        float[] y = batch.getLabels().dup().data().asFloat();
        int n = (int) batch.getFeatures().size(0);
        List<List<Instant>> windows = new ArrayList<>();
        for (int b = 0; b < n; b++) {
            List<Instant> times = new ArrayList<>();
            for (int t = 0; t < in; t++) {
                times.add(stampOf(x, (b * in + t) * CELLS));
            }
            for (int k = 0; k < out; k++) {
                times.add(stampOf(y, (b * out + k) * CELLS));
            }
            windows.add(times);
        }
        return windows;
    }

    /** A plane's time: every cell holds minutes x 1000 plus its cell number, whichever way the plane was turned. */
    private static Instant stampOf(float[] values, int offset) {
        Set<Integer> minutes = new HashSet<>();
        Set<Integer> cells = new HashSet<>();
        for (int c = 0; c < CELLS; c++) {
            int v = Math.round(values[offset + c]);
            minutes.add(v / 1000);
            cells.add(v % 1000);
        }
        assertThat(minutes).as("one time per plane").hasSize(1);
        assertThat(cells).as("every cell once").hasSize(CELLS);
        return TestArchive.T0.plus(Duration.ofMinutes(minutes.iterator().next()));
    }

    private static Set<Instant> streamed(WindowIterator windows, int in, int out, boolean targetsOnly) {
        Set<Instant> times = new HashSet<>();
        while (windows.hasNext()) {
            for (List<Instant> window : decode(windows.next(), in, out)) {
                for (int k = 1; k < window.size(); k++) {
                    assertThat(window.get(k)).isEqualTo(window.get(k - 1).plus(TestArchive.STEP));
                }
                times.addAll(targetsOnly ? window.subList(in, in + out) : window);
            }
        }
        windows.close();
        return times;
    }

    @Test
    void noTrainingWindowReachesAValidationOrTestTargetNorTheOtherWayRound() {
        int in = 3;
        int out = 2;
        for (WindowSpec spec : List.of(WindowSpec.of(in, out).withAugment(List.of("rot90", "flip")),
                WindowSpec.of(in, out).withSplits(0, 0, List.of(
                        new SplitPeriod("test", TestArchive.time(0), TestArchive.time(25)),
                        new SplitPeriod("train", TestArchive.time(31), TestArchive.time(70)),
                        new SplitPeriod("validation", TestArchive.time(76), TestArchive.time(99)))))) {
            RegionFeatures features = stampedFeatures(spec, dir.resolve("shards"));
            WindowPlan plan = features.plan();

            Set<Instant> train = streamed(features.iterator(plan.train(), 4, 11L), in, out, false);
            Set<Instant> validation = streamed(features.iterator(plan.validation(), 4, null), in, out, false);
            Set<Instant> test = streamed(features.iterator(plan.test(), 4, null), in, out, false);
            Set<Instant> validationTargets = streamed(features.iterator(plan.validation(), 4, null), in, out, true);
            Set<Instant> testTargets = streamed(features.iterator(plan.test(), 4, null), in, out, true);

            assertThat(train).hasSize(plan.train().starts().size() + in + out - 1);
            assertThat(train).doesNotContainAnyElementsOf(validationTargets).doesNotContainAnyElementsOf(testTargets);
            assertThat(validation).doesNotContainAnyElementsOf(train).doesNotContainAnyElementsOf(test);
            // The buffers: every frame of one split is more than in + out steps from every frame of another.
            Duration buffer = TestArchive.STEP.multipliedBy(in + out);
            for (Instant a : train) {
                for (Instant b : validation) {
                    assertThat(Duration.between(a, b).abs()).isGreaterThan(buffer);
                }
                for (Instant b : test) {
                    assertThat(Duration.between(a, b).abs()).isGreaterThan(buffer);
                }
            }
            for (WindowPlan.Split split : plan.splits()) {
                Set<Instant> seen = split == plan.train() ? train : split == plan.validation() ? validation : test;
                assertThat(seen).allMatch(t -> !t.isBefore(split.first()) && !t.isAfter(split.last()));
            }
        }
    }

    @Test
    void trainingWindowsAreTurnedAndMirroredButValidationWindowsNever() {
        RegionFeatures features = stampedFeatures(WindowSpec.of(2, 2).withAugment(List.of("rot90", "flip")),
                dir.resolve("shards"));
        int[] identity = IntStream.range(0, CELLS).toArray();
        int altered = 0;
        try (WindowIterator train = features.iterator(features.plan().train(), 8, 5L)) {
            while (train.hasNext()) {
                DataSet batch = train.next();
                float[] x = batch.getFeatures().dup().data().asFloat();
                float[] y = batch.getLabels().dup().data().asFloat();
                for (int b = 0; b < batch.getFeatures().size(0); b++) {
                    int[] layout = cellsOf(x, b * 2 * CELLS);
                    // Every frame of a window, input or target, is turned the same way.
                    assertThat(cellsOf(x, (b * 2 + 1) * CELLS)).isEqualTo(layout);
                    assertThat(cellsOf(y, b * 2 * CELLS)).isEqualTo(layout);
                    assertThat(cellsOf(y, (b * 2 + 1) * CELLS)).isEqualTo(layout);
                    altered += Arrays.equals(layout, identity) ? 0 : 1;
                }
            }
        }
        assertThat(altered).as("most of 7 in 8 windows are altered").isGreaterThan(features.plan().train().starts().size() / 2);
        for (WindowPlan.Split split : List.of(features.plan().validation(), features.plan().test())) {
            try (WindowIterator windows = features.iterator(split, 8, 5L)) {
                while (windows.hasNext()) {
                    float[] x = windows.next().getFeatures().dup().data().asFloat();
                    for (int p = 0; p < x.length / CELLS; p++) {
                        assertThat(cellsOf(x, p * CELLS)).isEqualTo(identity);
                    }
                }
            }
        }
    }

    private static int[] cellsOf(float[] values, int offset) {
        int[] cells = new int[CELLS];
        for (int c = 0; c < CELLS; c++) {
            cells[c] = Math.round(values[offset + c]) % 1000;
        }
        return cells;
    }

    @Test
    void shufflingIsReproducibleWithASeedAndSpansShards() {
        WindowSpec spec = new WindowSpec(2, 2, 1, 0.5, 0.7, 0.15, List.of(), List.of(), 64, 16, 2, 2);
        RegionFeatures features = stampedFeatures(spec, dir.resolve("shards"));
        WindowPlan.Split train = features.plan().train();

        List<Integer> first = features.iterator(train, 4, 3L).order();
        List<Integer> again = features.iterator(train, 4, 3L).order();
        List<Integer> other = features.iterator(train, 4, 4L).order();

        assertThat(first).isEqualTo(again).isNotEqualTo(other).containsExactlyInAnyOrderElementsOf(train.starts());
        // The first pool of 2 shards (16 frames each) mixes windows from both shards, none from the others.
        Set<Integer> firstShards = new HashSet<>();
        first.subList(0, 20).forEach(s -> firstShards.add(s / 16));
        assertThat(firstShards).hasSize(2);
        assertThat(features.iterator(features.plan().validation(), 4, null).order())
                .isEqualTo(features.plan().validation().starts());
        try (WindowIterator a = features.iterator(train, 4, 3L); WindowIterator b = features.iterator(train, 4, 3L)) {
            assertThat(a.next().getFeatures()).isEqualTo(b.next().getFeatures());
            a.reset();
            b.reset();
            assertThat(a.order()).isEqualTo(b.order()).isNotEqualTo(first);
        }
    }

    @Test
    void thePrefetchingIteratorEndsCleanlyAndRaisesItsThreadsErrors() throws Exception {
        RegionFeatures features = stampedFeatures(WindowSpec.of(2, 2), dir.resolve("shards"));
        WindowPlan.Split validation = features.plan().validation();
        int batches = 0;
        try (WindowIterator windows = features.iterator(validation, 3, null)) {
            while (windows.hasNext()) {
                windows.next();
                batches++;
            }
            assertThat(windows.hasNext()).isFalse();
            assertThatThrownBy(windows::next).isInstanceOf(NoSuchElementException.class);
        }
        assertThat(batches).isEqualTo((validation.starts().size() + 2) / 3);
        // close() stops the thread; it may still be unwinding, however slow the machine.
        for (Thread t : Thread.getAllStackTraces().keySet()) {
            if (t.getName().equals("gridcast-windows")) {
                t.join(Duration.ofMinutes(1).toMillis());
            }
        }
        assertThat(Thread.getAllStackTraces().keySet()).noneMatch(t -> t.getName().equals("gridcast-windows"));

        Path shard = dir.resolve("shards").resolve(FrameShards.shardName(validation.starts().get(0) / 64));
        Files.write(shard, new byte[] {1, 2, 3});
        WindowIterator broken = features.iterator(validation, 3, null);
        assertThatThrownBy(broken::hasNext).isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("building windows failed").hasMessageContaining(shard.toString());
        broken.close();
    }

    /**
     * The streaming thread's own heap allocations while it builds windows from a cached shard: the garbage that
     * made G1 widen the heap with the number of windows streamed (issue 20) when each window copied its planes
     * and each batch had new arrays.
     */
    @Test
    void theStreamingThreadAllocatesLessThanAWindowPerWindow() throws Exception {
        int in = 2;
        int out = 2;
        int batch = 4;
        // One batch prefetched at a time, so the thread is alive (waiting to hand over the next batch) between takes.
        WindowSpec spec = new WindowSpec(in, out, 1, 0.5, 0.7, 0.15, List.of(), List.of(), 64, 64, 1, 1);
        RegionFeatures features = stampedFeatures(spec, dir.resolve("shards"));
        ThreadMXBean threads = (ThreadMXBean) ManagementFactory.getThreadMXBean();
        try (WindowIterator windows = features.iterator(features.plan().train(), batch, null)) {
            windows.release(windows.next());
            windows.release(windows.next());
            Thread streaming = Thread.getAllStackTraces().keySet().stream()
                    .filter(t -> t.getName().equals("gridcast-windows")).findFirst().orElseThrow();
            long before = threads.getThreadAllocatedBytes(streaming.getId());
            int taken = 8;
            // Windows 8 to 40: frames of the first shard only, which the first batch read.
            for (int b = 0; b < taken; b++) {
                windows.release(windows.next());
            }
            long perWindow = (threads.getThreadAllocatedBytes(streaming.getId()) - before) / (taken * batch);
            long windowBytes = (long) (in + out) * CELLS * Float.BYTES;
            assertThat(perWindow).as("bytes allocated per window of %d bytes", windowBytes).isLessThan(windowBytes);
        }
    }

    /**
     * Released batches' arrays are written into again, so the stream's native memory is bounded by the prefetch
     * queue, not by the windows streamed: ND4J M2.1 frees an array's memory only when a collection finds it, not on
     * {@code close()} (issue 20). What a batch holds is still its own windows.
     */
    @Test
    void releasedBatchesAreWrittenIntoAgainAndHoldTheirOwnWindows() {
        int in = 2;
        int out = 2;
        RegionFeatures features = stampedFeatures(WindowSpec.of(in, out), dir.resolve("shards"));
        WindowPlan.Split train = features.plan().train();
        Set<INDArray> arrays = java.util.Collections.newSetFromMap(new java.util.IdentityHashMap<>());
        List<Instant> firstTimes = new ArrayList<>();
        int batches = 0;
        try (WindowIterator windows = features.iterator(train, 4, null)) {
            while (windows.hasNext()) {
                DataSet batch = windows.next();
                arrays.add(batch.getFeatures());
                decode(batch, in, out).forEach(window -> firstTimes.add(window.get(0)));
                windows.release(batch);
                batches++;
            }
        }
        assertThat(batches).isGreaterThan(10);
        // The queue's batches, the one in hand, the one being written and the shorter last one were ever made.
        assertThat(arrays).as("feature arrays made for %d batches", batches)
                .hasSizeLessThanOrEqualTo(WindowSpec.of(in, out).prefetchBatches() + 3);
        assertThat(firstTimes).containsExactlyElementsOf(
                train.starts().stream().map(TestArchive::time).toList());
    }

    @Test
    void shardsAreWrittenOnceAndReusedWhileTheCatalogIsUnchanged() throws Exception {
        Path shards = dir.resolve("shards");
        stampedFeatures(WindowSpec.of(2, 2), shards);
        // A time no rewrite can give the index, whatever the clock's resolution or the machine's speed.
        FileTime written = FileTime.from(Instant.parse("2000-01-01T00:00:00Z"));
        Files.setLastModifiedTime(shards.resolve("index.json"), written);
        RegionFeatures again = stampedFeatures(WindowSpec.of(4, 1), shards);

        assertThat(Files.getLastModifiedTime(shards.resolve("index.json"))).isEqualTo(written);
        assertThat(again.frames().frame(7)[3]).isEqualTo(7 * 5000 + 3);
        try (var files = Files.list(shards)) {
            assertThat(files.map(p -> p.getFileName().toString()).sorted().toList())
                    .containsExactly("index.json", "shard-00000.f32.gz", "shard-00001.f32.gz");
        }
    }

    @Test
    void gapsBadFramesAndMissingChannelsAreSkippedByReasonAndChannelsStackInOrder() throws Exception {
        Path rainDir = Files.createDirectories(dir.resolve("rain"));
        Path temperatureDir = Files.createDirectories(dir.resolve("temperature"));
        List<Integer> rainFrames = IntStream.range(0, 80).filter(f -> f != 20).boxed().toList();
        TestArchive.write(rainDir, "rain_rate", "mm h-1", rainFrames, f -> {
            float[] v = new float[CELLS];
            Arrays.fill(v, f % 7);
            if (f == 35) {
                Arrays.fill(v, 0, 160, Float.NaN); // 160 of 256 cells missing: more than half
            }
            return v;
        });
        TestArchive.write(temperatureDir, "air_temperature", "K",
                IntStream.range(0, 80).filter(f -> f != 45).boxed().toList(), f -> {
                    float[] v = new float[CELLS];
                    Arrays.fill(v, 280 + f * 0.1f);
                    return v;
                });
        FrameCatalog rain = TestArchive.ingest(spark, rainDir, "rain_rate", dir.resolve("catalog/rain_rate"));
        FrameCatalog temperature = TestArchive.ingest(spark, temperatureDir, "air_temperature",
                dir.resolve("catalog/air_temperature"));
        SyntheticArchive.Result synth = SyntheticArchive.write(dir.resolve("synth"),
                new SyntheticArchive.Spec(1, TestArchive.SIZE, 1, TestArchive.STEP, TestArchive.T0));
        float[] elevation;
        // The static layer has no time axis, which frame readers require: read it as a plain NetCDF variable.
        try (NetcdfFile file = NetcdfFile.open(synth.elevation().toString())) {
            elevation = (float[]) file.findVariable("elevation").read().get1DJavaArray(float.class);
        }

        RegionFeatures features = RegionFeatures.prepare(spark, List.of(
                        new DynamicInput(rain, new TransformSpec("db", 0.1)),
                        new DynamicInput(temperature, TransformSpec.STANDARDISE)),
                List.of(new StaticChannel("elevation", elevation, false)), TestArchive.WHOLE, WindowSpec.of(2, 2),
                dir.resolve("shards"));

        WindowPlan plan = features.plan();
        assertThat(plan.skipped()).containsEntry(WindowPlan.GAP, 3).containsEntry(WindowPlan.MISSING_CELLS, 4)
                .containsEntry(WindowPlan.MISSING_CHANNEL, 4);
        assertThat(features.channels()).extracting(FeatureChannel::name)
                .containsExactly("rain_rate", "air_temperature", "elevation");
        assertThat(features.channels()).extracting(FeatureChannel::kind).containsExactly("dynamic", "dynamic", "static");
        assertThat(features.shape().channels()).isEqualTo(3);
        // Temperature statistics come from the training frames alone (timeline frames 0-54, none later).
        Statistics t = features.channels().get(1).transform().statistics();
        assertThat(t.max()).isLessThan(280 + 56 * 0.1 + 1e-3);
        assertThat(t.min()).isCloseTo(280, within(1e-3));
        try (WindowIterator windows = features.iterator(plan.train(), 2, null)) {
            float[] x = windows.next().getFeatures().dup().data().asFloat();
            // Window 0 input 1 (frame 1): rain channel is dB of 1 mm/h standardised, elevation the same every time.
            ChannelTransform db = features.channels().get(0).transform();
            assertThat(x[3 * CELLS]).isCloseTo(db.forward(1f), within(1e-5f));
            assertThat(Arrays.copyOfRange(x, 2 * CELLS, 3 * CELLS)).isEqualTo(Arrays.copyOfRange(x, 5 * CELLS, 6 * CELLS));
        }
    }
}
