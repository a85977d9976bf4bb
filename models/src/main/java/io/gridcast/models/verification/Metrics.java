package io.gridcast.models.verification;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The metrics registry: each score's name, which way is better, and how it is read from accumulated
 * {@link LeadScores}, {@link Contingency} tables or {@link Fss} sums. Reports list exactly what is registered
 * here. The fractions skill score at scale s cells is named {@code fss_<s>} (e.g. {@code fss_5}), so a
 * metrics row keeps its six columns and carries the threshold in {@code threshold}.
 */
public final class Metrics {

    /** Which way a score is better; the perfect value is what skill scores measure against. */
    public enum Orientation {
        /** Errors: 0 is perfect. */
        LOWER(0),
        /** Skill and similarity scores: 1 is perfect. */
        HIGHER(1),
        /** Mean error: 0 is unbiased, either sign is worse. */
        ZERO(0),
        /** Frequency bias: 1 is unbiased. */
        ONE(1);

        private final double perfect;

        Orientation(double perfect) {
            this.perfect = perfect;
        }

        /** Positive when {@code a} is better than {@code b}, negative when worse, 0 when as good; NaN is worst. */
        public int compare(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Boolean.compare(!Double.isNaN(a), !Double.isNaN(b));
            }
            return switch (this) {
                case LOWER -> Double.compare(b, a);
                case HIGHER -> Double.compare(a, b);
                case ZERO, ONE -> Double.compare(Math.abs(b - perfect), Math.abs(a - perfect));
            };
        }

        /**
         * The skill score (s - reference) / (perfect - reference) of {@code score} over {@code reference}: 1
         * perfect, 0 no better than the reference, negative worse. For MSE it is the usual 1 - MSE / MSE_ref.
         * NaN when the reference is perfect; empty for bias
         * scores, where better is a distance, not a direction.
         */
        public Optional<Double> skill(double score, double reference) {
            if (this != LOWER && this != HIGHER) {
                return Optional.empty();
            }
            return Optional.of(reference == perfect ? Double.NaN : (score - reference) / (perfect - reference));
        }
    }

    /** One registered score: its name in metrics.csv, orientation, a label for readers, and how it is read. */
    public record Metric<T>(String name, Orientation orientation, String label, ToDoubleFunction<T> score) {
    }

    /** Scores of the whole field. */
    public static final List<Metric<LeadScores>> CONTINUOUS = List.of(
            new Metric<>("mse", Orientation.LOWER, "mean squared error", LeadScores::mse),
            new Metric<>("rmse", Orientation.LOWER, "root mean squared error", LeadScores::rmse),
            new Metric<>("mae", Orientation.LOWER, "mean absolute error", LeadScores::mae),
            new Metric<>("bias", Orientation.ZERO, "mean error, forecast minus observed", LeadScores::bias),
            new Metric<>("pearson", Orientation.HIGHER, "Pearson correlation", LeadScores::pearson),
            new Metric<>("ssim", Orientation.HIGHER, "structural similarity, mean over cases", LeadScores::ssim));

    /** Scores of events at a threshold, from the accumulated contingency table. */
    public static final List<Metric<Contingency>> CATEGORICAL = List.of(
            new Metric<>("csi", Orientation.HIGHER, "critical success index", Contingency::csi),
            new Metric<>("pod", Orientation.HIGHER, "probability of detection", Contingency::pod),
            new Metric<>("far", Orientation.LOWER, "false alarm ratio", Contingency::far),
            new Metric<>("ets", Orientation.HIGHER, "equitable threat score (GSS)", Contingency::ets),
            new Metric<>("hss", Orientation.HIGHER, "Heidke skill score", Contingency::hss),
            new Metric<>("frequency_bias", Orientation.ONE, "frequency bias", Contingency::frequencyBias));

    /** Name prefix of the fractions skill score; the scale in cells follows. */
    public static final String FSS = "fss_";

    private Metrics() {
    }

    /** The registered metric called {@code name} ({@code fss_<scale>} for the FSS), if any. */
    public static Optional<Metric<?>> find(String name) {
        if (name.matches(FSS + "[1-9][0-9]*")) {
            return Optional.of(new Metric<Fss>(name, Orientation.HIGHER,
                    "fractions skill score, " + name.substring(FSS.length()) + "-cell boxes", Fss::fss));
        }
        return Stream.concat(CONTINUOUS.stream(), CATEGORICAL.stream()).filter(m -> m.name().equals(name))
                .<Metric<?>>map(m -> m).findFirst();
    }

    /** Every registered score of each lead, in report rows. */
    public static List<MetricRow> rows(String region, String model, List<Long> leadMinutes, List<LeadScores> leads) {
        List<MetricRow> rows = new ArrayList<>();
        for (int k = 0; k < leads.size(); k++) {
            LeadScores scores = leads.get(k);
            long lead = leadMinutes.get(k);
            CONTINUOUS.forEach(m -> rows.add(new MetricRow(region, model, lead, m.name(), null,
                    m.score().applyAsDouble(scores))));
            for (Contingency table : scores.contingencies()) {
                CATEGORICAL.forEach(m -> rows.add(new MetricRow(region, model, lead, m.name(), table.threshold(),
                        m.score().applyAsDouble(table))));
            }
            for (Fss fss : scores.fss()) {
                rows.add(new MetricRow(region, model, lead, FSS + fss.scale(), fss.threshold(), fss.fss()));
            }
        }
        return rows;
    }
}
