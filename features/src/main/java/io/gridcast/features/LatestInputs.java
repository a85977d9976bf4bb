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
 * the training period is needed, so a live folder that holds only the last hours forecasts. Found in two steps:
 * {@link #newest} picks the frames from the catalogs' times alone, {@link Frames#read} reads them, so a forecast
 * already written for that reference time costs no frame read.
 *
 * @param reference the newest input time: the forecast's reference time
 * @param inputs    {@code [1, in, channels, h, w]} in model units
 */
public record LatestInputs(Instant reference, INDArray inputs) {

    /**
     * The frames a forecast starts from, not yet read.
     *
     * @param variables each dynamic input's variable and reader, the forecast variable first
     * @param entries   per input time, oldest first, each dynamic input's catalog entry in the same order
     */
    public record Frames(List<FrameCatalog.Description> variables, List<List<CatalogEntry>> entries) {

        /** The newest input time: the forecast's reference time. */
        public Instant reference() {
            return entries.get(entries.size() - 1).get(0).time();
        }

        /**
         * Reads the region's cells of every frame and transforms them.
         *
         * @param statics  the static layers on the data grid, after the dynamic channels
         * @param channels the trained model's channels with their fitted transforms, in the same order
         */
        public LatestInputs read(List<StaticChannel> statics, RegionGrid regionGrid, List<FeatureChannel> channels) {
            List<String> given = Stream.concat(variables.stream().map(FrameCatalog.Description::variable),
                    statics.stream().map(StaticChannel::name)).toList();
            List<String> trained = channels.stream().map(FeatureChannel::name).toList();
            if (!given.equals(trained)) {
                throw new IllegalArgumentException("the model was trained on channels " + trained
                        + ", the configuration gives " + given);
            }
            int in = entries.size();
            int cells = regionGrid.height() * regionGrid.width();
            int count = channels.size();
            float[] x = new float[in * count * cells];
            AtomicLong missing = new AtomicLong();
            List<FrameReader> readers = variables.stream().map(v -> v.reader().create()).toList();
            List<float[]> staticValues = statics.stream().map(s -> s.on(regionGrid)).toList();
            for (int t = 0; t < in; t++) {
                for (int c = 0; c < count; c++) {
                    float[] physical = c < variables.size()
                            ? RegionFrames.read(readers.get(c), trained.get(c), entries.get(t).get(c), regionGrid)
                            : staticValues.get(c - variables.size());
                    WindowSource.put(new FrameShards.Plane(physical, 0), channels.get(c).transform(),
                            regionGrid.height(), regionGrid.width(), x, (t * count + c) * cells, 0, false, missing);
                }
            }
            return new LatestInputs(reference(), Nd4j.create(x,
                    new long[] {1, in, count, regionGrid.height(), regionGrid.width()}, DataType.FLOAT));
        }
    }

    /**
     * The newest {@code in} frames, {@code step} apart, at which every dynamic input has one: from the catalogs'
     * times alone, no frame read.
     *
     * @param dynamic each dynamic input's catalog, the forecast variable first
     * @param step    the model's time step: the input frames must be this far apart
     */
    public static Frames newest(List<FrameCatalog> dynamic, int in, Duration step) {
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
        List<List<CatalogEntry>> entries = new ArrayList<>();
        for (Instant time : times.subList(start, start + in)) {
            entries.add(byTime.stream().map(m -> m.get(time)).toList());
        }
        return new Frames(dynamic.stream().map(FrameCatalog::description).toList(), entries);
    }
}
