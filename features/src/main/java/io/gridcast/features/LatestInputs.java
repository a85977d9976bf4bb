package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.read.FrameReader;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A forecast's inputs from the newest frames alone: the newest {@code in} consecutive times at which every
 * dynamic input has a frame, only the region's cells read, under a trained model's own transforms. Nothing of
 * the training period is needed, so a live folder that holds only the last hours forecasts.
 *
 * @param reference the newest input time: the forecast's reference time
 * @param inputs    {@code [1, in, channels, h, w]} in model units
 */
public record LatestInputs(Instant reference, INDArray inputs) {

    /**
     * @param dynamic  each dynamic input's catalog, the forecast variable first
     * @param statics  the static layers on the data grid, after the dynamic channels
     * @param channels the trained model's channels with their fitted transforms, in the same order
     * @param step     the model's time step: the input frames must be this far apart
     */
    public static LatestInputs read(List<FrameCatalog> dynamic, List<StaticChannel> statics, RegionGrid regionGrid,
                                    List<FeatureChannel> channels, int in, Duration step) {
        List<String> given = Stream.concat(dynamic.stream().map(c -> c.description().variable()),
                statics.stream().map(StaticChannel::name)).toList();
        List<String> trained = channels.stream().map(FeatureChannel::name).toList();
        if (!given.equals(trained)) {
            throw new IllegalArgumentException("the model was trained on channels " + trained
                    + ", the configuration gives " + given);
        }
        List<Map<Instant, CatalogEntry>> byTime = new ArrayList<>();
        for (FrameCatalog catalog : dynamic) {
            Map<Instant, CatalogEntry> entries = new HashMap<>();
            catalog.entries().forEach(e -> entries.put(e.time(), e));
            byTime.add(entries);
        }
        // A time counts only where every input has a frame, as in training.
        List<Instant> times = dynamic.get(0).entries().stream().map(CatalogEntry::time)
                .filter(t -> byTime.stream().allMatch(m -> m.containsKey(t))).toList();
        int start = WindowPlan.latestInputs(times, step, in);

        int cells = regionGrid.height() * regionGrid.width();
        int count = channels.size();
        float[] x = new float[in * count * cells];
        AtomicLong missing = new AtomicLong();
        List<FrameReader> readers = dynamic.stream().map(c -> c.description().reader().create()).toList();
        List<float[]> staticValues = statics.stream().map(s -> s.on(regionGrid)).toList();
        for (int t = 0; t < in; t++) {
            Instant time = times.get(start + t);
            for (int c = 0; c < count; c++) {
                float[] physical = c < dynamic.size()
                        ? RegionFrames.read(readers.get(c), trained.get(c), byTime.get(c).get(time), regionGrid)
                        : staticValues.get(c - dynamic.size());
                float[] plane = WindowSource.transform(physical, channels.get(c).transform(), missing);
                System.arraycopy(plane, 0, x, (t * count + c) * cells, cells);
            }
        }
        return new LatestInputs(times.get(start + in - 1), Nd4j.create(x,
                new long[] {1, in, count, regionGrid.height(), regionGrid.width()}, DataType.FLOAT));
    }
}
