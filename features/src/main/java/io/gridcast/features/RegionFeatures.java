package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import java.io.Serial;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the models need of one region: its grid, the frame shards, the channels with their
 * training-period transforms, and the window plan. {@link #iterator} streams one split.
 *
 * @param frames the target's frames in physical units (verification, maps)
 */
public record RegionFeatures(RegionGrid regionGrid, RegionFrames frames, WindowSource source, WindowPlan plan,
                             WindowShape shape, WindowSpec spec) implements Serializable {

    private static final Logger log = LoggerFactory.getLogger(RegionFeatures.class);

    /**
     * Cuts the region from every input catalog into shards under {@code dir} (once), plans the windows on the
     * first input's timeline (a time counts only where every input has a frame), and fits each channel's
     * transform on the training frames, on Spark.
     *
     * @param inputs  the dynamic inputs; the first is the forecast target
     * @param statics static layers on the same data grid, after the dynamic channels
     * @param dir     the region's shard folder, e.g. {@code <work>/features/<variable>/<region>}
     */
    public static RegionFeatures prepare(SparkSession spark, List<DynamicInput> inputs, List<StaticChannel> statics,
                                         Region region, WindowSpec spec, Path dir) {
        if (inputs.isEmpty()) {
            throw new IllegalArgumentException("region '" + region.name() + "': no input variables");
        }
        FrameCatalog target = inputs.get(0).catalog();
        RegionGrid regionGrid = RegionGrid.of(region, target.description().grid());
        List<CatalogEntry> timeline = target.entries();
        List<FrameShards.Source> sources = new ArrayList<>();
        for (DynamicInput input : inputs) {
            FrameCatalog.Description d = input.catalog().description();
            if (!d.grid().equals(target.description().grid())) {
                throw new IllegalArgumentException("input variable '" + d.variable() + "' is on another grid than '"
                        + target.description().variable() + "' (" + d.grid().describe() + " vs "
                        + target.description().grid().describe() + "): input channels must share one grid");
            }
            Map<Instant, CatalogEntry> byTime = new HashMap<>();
            input.catalog().entries().forEach(e -> byTime.put(e.time(), e));
            List<CatalogEntry> aligned = new ArrayList<>(timeline.size());
            timeline.forEach(e -> aligned.add(byTime.get(e.time())));
            sources.add(new FrameShards.Source(d.variable(), d.reader(), aligned));
        }
        FrameShards shards = FrameShards.prepare(spark, dir, regionGrid, sources, spec.shardFrames());
        String[] problems = new String[timeline.size()];
        float[] missing = shards.index().missing();
        for (int f = 0; f < problems.length; f++) {
            problems[f] = missing[f] < 0 ? WindowPlan.MISSING_CHANNEL
                    : missing[f] > spec.maxMissing() ? WindowPlan.MISSING_CELLS : null;
        }
        List<Instant> times = timeline.stream().map(CatalogEntry::time).toList();
        WindowPlan plan = WindowPlan.of(times, problems, target.step(), spec);

        // Without a training block (an archive too short to train on) only the baselines run: their transforms,
        // which carry no skill of their own, are fitted on the test frames they forecast.
        WindowPlan.Split fitBlock = plan.trainable() ? plan.train() : plan.test();
        if (!plan.trainable()) {
            log.warn("features {}: {}; transforms fitted on the test block", region.name(), plan.choice());
        }
        TreeSet<Integer> trainingFrames = new TreeSet<>();
        for (int start : fitBlock.starts()) {
            for (int k = 0; k < spec.in() + spec.out(); k++) {
                trainingFrames.add(start + k);
            }
        }
        List<FeatureChannel> channels = new ArrayList<>();
        for (int c = 0; c < inputs.size(); c++) {
            TransformSpec transform = inputs.get(c).transform();
            Statistics statistics = shards.statistics(spark, c, transform, new ArrayList<>(trainingFrames));
            channels.add(new FeatureChannel(sources.get(c).variable(), "dynamic", transform.fit(statistics)));
        }
        List<float[]> staticValues = new ArrayList<>();
        for (StaticChannel layer : statics) {
            float[] values = layer.on(regionGrid);
            staticValues.add(values);
            // Static layers have no time: their region statistics leak nothing between splits.
            TransformSpec transform = layer.categorical() ? new TransformSpec("none", 0) : TransformSpec.STANDARDISE;
            channels.add(new FeatureChannel(layer.name(), "static", transform.fit(Statistics.ofValues(values))));
        }
        WindowShape shape = new WindowShape(spec.in(), spec.out(), channels.size(), regionGrid.height(),
                regionGrid.width());
        WindowSource source = new WindowSource(shards, staticValues, shape, channels);
        Statistics t = channels.get(0).transform().statistics();
        log.info("features {}: {} on {}x{} cells, channels {}, {} training statistics mean {} std {} p99 {}; {}",
                region.name(), target.description().variable(), shape.height(), shape.width(),
                channels.stream().map(FeatureChannel::name).toList(), channels.get(0).transform().method(),
                String.format("%.4g", t.mean()), String.format("%.4g", t.std()), String.format("%.4g", t.p99()),
                plan.describe());
        return new RegionFeatures(regionGrid, new RegionFrames(timeline,
                shards.reader(Math.max(2, spec.cacheFrames() / spec.shardFrames()))), source, plan, shape, spec);
    }

    /**
     * Sent to a Spark task (per-region training on executors) as what reopens it there: the shard folder and its
     * index, not the shards' contents or a reader's cache. The folder must be shared with the executors.
     */
    @Serial
    private Object writeReplace() {
        FrameShards shards = source.shards();
        return new Shipped(regionGrid, List.copyOf(frames.entries()), shards.dir().toString(), shards.index(), source.statics(),
                shape, source.channels(), plan, spec);
    }

    private record Shipped(RegionGrid regionGrid, List<CatalogEntry> entries, String shardsDir, FrameShards.Index index,
                           List<float[]> statics, WindowShape shape, List<FeatureChannel> channels, WindowPlan plan,
                           WindowSpec spec) implements Serializable {
        @Serial
        private Object readResolve() {
            FrameShards shards = FrameShards.open(Path.of(shardsDir), index);
            return new RegionFeatures(regionGrid, new RegionFrames(entries,
                    shards.reader(Math.max(2, spec.cacheFrames() / spec.shardFrames()))),
                    new WindowSource(shards, statics, shape, channels), plan, shape, spec);
        }
    }

    /** The channels in order, with their fitted transforms: what the model metadata records. */
    public List<FeatureChannel> channels() {
        return source.channels();
    }

    /** Streams {@code split} with the features' own transforms; training windows are augmented as configured. */
    public WindowIterator iterator(WindowPlan.Split split, int batchSize, Long shuffleSeed) {
        return iterator(split, batchSize, shuffleSeed, channels());
    }

    /**
     * Streams {@code split} under a trained model's own transforms. Augmentation applies to the training split
     * only, and only when shuffled; validation and test windows are never altered.
     */
    public WindowIterator iterator(WindowPlan.Split split, int batchSize, Long shuffleSeed,
                                   List<FeatureChannel> fitted) {
        List<String> augment = "train".equals(split.name()) && shuffleSeed != null ? spec.augment() : List.of();
        return new WindowIterator(source.withChannels(fitted), split.starts(), batchSize, shuffleSeed, augment,
                spec.prefetchBatches(), spec.shuffleShards());
    }
}
