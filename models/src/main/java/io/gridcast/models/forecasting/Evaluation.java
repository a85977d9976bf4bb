package io.gridcast.models.forecasting;

import io.gridcast.features.RegionFeatures;
import io.gridcast.features.WindowIterator;
import io.gridcast.features.WindowPlan;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.verification.LeadScores;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;

/**
 * Verifies a model variant on held-out windows (the test block; the validation block when settings are being
 * chosen), in physical units: each forecast lead against the observed frame, missing observations left out. The
 * forecasts of a few chosen cases are kept for map panels.
 */
public final class Evaluation {

    private static final int BATCH = 8;

    private Evaluation() {
    }

    /**
     * @param leads     the accumulated scores of each lead
     * @param forecasts for each kept case (its test window's first frame index), the forecast of each lead
     */
    public record Result(List<LeadScores> leads, Map<Integer, List<float[]>> forecasts) {
    }

    /** @param split the block verified on: {@code features.plan().test()}, or its validation block */
    public static Result verify(RegionFeatures features, WindowPlan.Split split, ModelMetadata metadata,
                                Nowcaster model, List<Double> thresholds, List<Integer> fssScales,
                                List<Integer> keptCases) {
        try (WindowIterator windows = features.iterator(split, BATCH, null, metadata.channels())) {
            return verify(features, split, metadata, model, windows, thresholds, fssScales, keptCases);
        }
    }

    private static Result verify(RegionFeatures features, WindowPlan.Split split, ModelMetadata metadata,
                                 Nowcaster model, WindowIterator windows, List<Double> thresholds,
                                 List<Integer> fssScales, List<Integer> keptCases) {
        List<LeadScores> leads = new ArrayList<>();
        for (int k = 0; k < metadata.out(); k++) {
            leads.add(new LeadScores(thresholds, fssScales, features.shape().height(), features.shape().width()));
        }
        Map<Integer, List<float[]>> kept = new LinkedHashMap<>();
        int window = 0;
        while (windows.hasNext()) {
            DataSet batch = windows.next();
            INDArray predicted = model.predict(batch.getFeatures());
            for (int b = 0; b < predicted.size(0); b++, window++) {
                int start = split.starts().get(window);
                for (int k = 0; k < metadata.out(); k++) {
                    float[] forecast = Forecasting.physical(predicted, b, k, metadata);
                    leads.get(k).add(forecast, features.frames().frame(start + metadata.in() + k));
                    if (keptCases.contains(start)) {
                        kept.computeIfAbsent(start, s -> new ArrayList<>()).add(forecast);
                    }
                }
            }
            windows.release(batch);
        }
        return new Result(leads, kept);
    }

    /**
     * The {@code count} windows of {@code split} (by first frame index) with the most observed amount over their
     * forecast frames, wettest first: the cases worth a map. Only observations decide, so every variant shows the
     * same cases.
     */
    public static List<Integer> wettestCases(RegionFeatures features, WindowPlan.Split split, int in, int out,
                                             int count) {
        List<Integer> starts = split.starts();
        double[] amount = new double[starts.size()];
        for (int w = 0; w < starts.size(); w++) {
            for (int k = 0; k < out; k++) {
                for (float v : features.frames().frame(starts.get(w) + in + k)) {
                    amount[w] += Float.isNaN(v) ? 0 : v;
                }
            }
        }
        return IntStream.range(0, starts.size()).boxed()
                .sorted(Comparator.comparingDouble((Integer w) -> -amount[w]).thenComparing(w -> w))
                .limit(count).map(starts::get).toList();
    }
}
