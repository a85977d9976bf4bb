package io.gridcast.models.forecasting;

import io.gridcast.features.RegionFeatures;
import io.gridcast.features.WindowIterator;
import io.gridcast.features.WindowPlan;
import io.gridcast.models.EnsembleNowcaster;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.verification.EnsembleScores;
import io.gridcast.models.verification.LeadScores;
import io.gridcast.models.verification.MetricRow;
import io.gridcast.models.verification.Metrics;
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
 * forecasts of a few chosen cases are kept for map panels. An ensemble ({@link EnsembleNowcaster}) is scored as an
 * ensemble and, by its ensemble mean, as a deterministic forecast; its members are made one at a time, and only one
 * batch's members are held (a cell's CRPS and rank need all its members).
 */
public final class Evaluation {

    private static final int BATCH = 8;

    private Evaluation() {
    }

    /**
     * @param leads     the accumulated scores of each lead (of the ensemble mean for an ensemble)
     * @param ensembles the accumulated ensemble scores of each lead; empty for a deterministic variant
     * @param forecasts for each kept case (its test window's first frame index), the forecast of each lead (the
     *                  ensemble mean for an ensemble)
     */
    public record Result(List<LeadScores> leads, List<EnsembleScores> ensembles, Map<Integer, List<float[]>> forecasts) {

        /**
         * Every score in report rows: an ensemble's {@code crps} is its members' (not its mean's MAE), beside its
         * mean's deterministic scores.
         */
        public List<MetricRow> rows(String region, String variant, List<Long> leadMinutes) {
            List<MetricRow> rows = new ArrayList<>(Metrics.rows(region, variant, leadMinutes, leads));
            if (!ensembles.isEmpty()) {
                List<String> ensembleNames = Metrics.ENSEMBLE.stream().map(Metrics.Metric::name).toList();
                rows.removeIf(row -> ensembleNames.contains(row.metric()));
                rows.addAll(Metrics.ensembleRows(region, variant, leadMinutes, ensembles));
            }
            return rows;
        }
    }

    /**
     * @param split            the block verified on: {@code features.plan().test()}, or its validation block
     * @param rankHistogramMin an ensemble's rank histogram leaves out cells where the observation and every member
     *                         are below this ({@link io.gridcast.models.verification.RankHistogram}); minus
     *                         infinity counts every cell
     */
    public static Result verify(RegionFeatures features, WindowPlan.Split split, ModelMetadata metadata,
                                Nowcaster model, List<Double> thresholds, double rankHistogramMin,
                                List<Integer> fssScales, List<Integer> keptCases) {
        try (WindowIterator windows = features.iterator(split, BATCH, null, metadata.channels())) {
            return verify(features, split, metadata, model, windows, thresholds, rankHistogramMin, fssScales,
                    keptCases);
        }
    }

    private static Result verify(RegionFeatures features, WindowPlan.Split split, ModelMetadata metadata,
                                 Nowcaster model, WindowIterator windows, List<Double> thresholds,
                                 double rankHistogramMin, List<Integer> fssScales, List<Integer> keptCases) {
        List<LeadScores> leads = new ArrayList<>();
        List<EnsembleScores> ensembles = new ArrayList<>();
        for (int k = 0; k < metadata.out(); k++) {
            leads.add(new LeadScores(thresholds, fssScales, features.shape().height(), features.shape().width()));
            if (model instanceof EnsembleNowcaster ensemble) {
                ensembles.add(new EnsembleScores(ensemble.members(), thresholds, rankHistogramMin,
                        features.shape().height(), features.shape().width()));
            }
        }
        Map<Integer, List<float[]>> kept = new LinkedHashMap<>();
        int window = 0;
        while (windows.hasNext()) {
            DataSet batch = windows.next();
            // [window][lead][member][cell], one member for a deterministic variant
            float[][][][] forecasts = model instanceof EnsembleNowcaster ensemble
                    ? members(ensemble, batch.getFeatures(), metadata)
                    : members(model.predict(batch.getFeatures()), metadata);
            for (int b = 0; b < forecasts.length; b++, window++) {
                int start = split.starts().get(window);
                for (int k = 0; k < metadata.out(); k++) {
                    float[] observed = features.frames().frame(start + metadata.in() + k);
                    float[] forecast = mean(forecasts[b][k]);
                    leads.get(k).add(forecast, observed);
                    if (!ensembles.isEmpty()) {
                        ensembles.get(k).add(forecasts[b][k], observed);
                    }
                    if (keptCases.contains(start)) {
                        kept.computeIfAbsent(start, s -> new ArrayList<>()).add(forecast);
                    }
                }
            }
            windows.release(batch);
        }
        return new Result(leads, ensembles, kept);
    }

    /** The batch's forecasts in physical units, {@code [window][lead][1][cell]}. */
    private static float[][][][] members(INDArray predicted, ModelMetadata metadata) {
        float[][][][] forecasts = new float[(int) predicted.size(0)][metadata.out()][1][];
        for (int b = 0; b < forecasts.length; b++) {
            for (int k = 0; k < metadata.out(); k++) {
                forecasts[b][k][0] = Forecasting.physical(predicted, b, k, metadata);
            }
        }
        return forecasts;
    }

    /** Every member of the batch's ensembles in physical units, {@code [window][lead][member][cell]}. */
    private static float[][][][] members(EnsembleNowcaster ensemble, INDArray inputs, ModelMetadata metadata) {
        float[][][][] forecasts = new float[(int) inputs.size(0)][metadata.out()][ensemble.members()][];
        EnsembleNowcaster.Members members = ensemble.of(inputs);
        for (int m = 0; m < ensemble.members(); m++) {
            INDArray predicted = members.member(m);
            for (int b = 0; b < forecasts.length; b++) {
                for (int k = 0; k < metadata.out(); k++) {
                    forecasts[b][k][m] = Forecasting.physical(predicted, b, k, metadata);
                }
            }
        }
        return forecasts;
    }

    /** The members' mean, cell by cell (the member itself for one). */
    private static float[] mean(float[][] members) {
        if (members.length == 1) {
            return members[0];
        }
        float[] mean = new float[members[0].length];
        for (float[] member : members) {
            for (int i = 0; i < mean.length; i++) {
                mean[i] += member[i] / members.length;
            }
        }
        return mean;
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
