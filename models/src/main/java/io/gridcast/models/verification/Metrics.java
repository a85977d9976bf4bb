package io.gridcast.models.verification;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToDoubleFunction;
import java.util.stream.Stream;

/**
 * The metrics registry: each score's name, which way is better, and how it is read from accumulated
 * {@link LeadScores}, {@link Contingency} tables, {@link Fss} sums, {@link EnsembleScores} or
 * {@link ProbabilityScores}. Reports list exactly what is registered here. A metrics row keeps its six columns
 * and carries the event threshold in {@code threshold}, so what else tells rows apart is part of the name: the
 * fractions skill score at scale s cells is {@code fss_<s>} (e.g. {@code fss_5}), and a diagram's points are
 * one row each: {@code rank_histogram_<r>}, {@code reliability_<forecast|observed|cells>_<bin>} (bins 0 .. 9)
 * and {@code roc_<pod|pofd>_p<probability>} (e.g. {@code roc_pod_p0.25}, up to 4 decimals).
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
        ONE(1),
        /** A diagram's point or the ensemble spread: no value is better in itself. */
        NONE(Double.NaN);

        private final double perfect;

        Orientation(double perfect) {
            this.perfect = perfect;
        }

        /**
         * Positive when {@code a} is better than {@code b}, negative when worse, 0 when as good (always for
         * {@link #NONE}); NaN is worst.
         */
        public int compare(double a, double b) {
            if (Double.isNaN(a) || Double.isNaN(b)) {
                return Boolean.compare(!Double.isNaN(a), !Double.isNaN(b));
            }
            return switch (this) {
                case LOWER -> Double.compare(b, a);
                case HIGHER -> Double.compare(a, b);
                case ZERO, ONE -> Double.compare(Math.abs(b - perfect), Math.abs(a - perfect));
                case NONE -> 0;
            };
        }

        /**
         * The skill score (s - reference) / (perfect - reference) of {@code score} over {@code reference}: 1
         * perfect, 0 no better than the reference, negative worse. For MSE it is the usual 1 - MSE / MSE_ref.
         * NaN when the reference is perfect; empty for bias
         * scores, where better is a distance, not a direction, and for scores without a better direction.
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
            new Metric<>("ssim", Orientation.HIGHER, "structural similarity, mean over cases", LeadScores::ssim),
            // a deterministic forecast is an ensemble of one member, whose CRPS is its absolute error
            new Metric<>("crps", Orientation.LOWER,
                    "continuous ranked probability score; of a deterministic forecast its MAE", LeadScores::mae));

    /** Scores of events at a threshold, from the accumulated contingency table. */
    public static final List<Metric<Contingency>> CATEGORICAL = List.of(
            new Metric<>("csi", Orientation.HIGHER, "critical success index", Contingency::csi),
            new Metric<>("pod", Orientation.HIGHER, "probability of detection", Contingency::pod),
            new Metric<>("far", Orientation.LOWER, "false alarm ratio", Contingency::far),
            new Metric<>("ets", Orientation.HIGHER, "equitable threat score (GSS)", Contingency::ets),
            new Metric<>("hss", Orientation.HIGHER, "Heidke skill score", Contingency::hss),
            new Metric<>("frequency_bias", Orientation.ONE, "frequency bias", Contingency::frequencyBias));

    /** Scores of an ensemble's members against the observation, over the whole field. */
    public static final List<Metric<EnsembleScores>> ENSEMBLE = List.of(
            new Metric<>("crps", Orientation.LOWER,
                    "continuous ranked probability score of the members' empirical distribution (Hersbach 2000)",
                    EnsembleScores::crps),
            new Metric<>("crps_fair", Orientation.LOWER,
                    "fair CRPS (Ferro 2014), the expected CRPS of infinitely many such members", EnsembleScores::fairCrps),
            new Metric<>("ensemble_spread", Orientation.NONE,
                    "ensemble spread, the root of the members' mean variance", EnsembleScores::spread),
            new Metric<>("ensemble_mean_rmse", Orientation.LOWER,
                    "root mean squared error of the ensemble mean", EnsembleScores::ensembleMeanRmse),
            new Metric<>("spread_skill_ratio", Orientation.ONE,
                    "sqrt((m + 1) / m) spread / ensemble mean RMSE, 1 for a reliable ensemble of m members",
                    EnsembleScores::spreadSkillRatio),
            new Metric<>("rank_histogram_cells", Orientation.NONE,
                    "cells the rank histogram counts (not those where the observation and every member are below "
                            + "its minimum)", s -> s.rankHistogram().cells()),
            new Metric<>("rank_effective_cells", Orientation.NONE,
                    "as many independent cells as the rank histogram's counted ones, neighbours and consecutive "
                            + "cases being correlated", s -> s.rankHistogram().effectiveCells()),
            new Metric<>("rank_flatness_p", Orientation.NONE,
                    "p-value of the rank histogram's flatness: chi-square on the effective cells",
                    s -> s.rankHistogram().flatnessP()));

    /** Scores of the probability of an event at a threshold. */
    public static final List<Metric<ProbabilityScores>> PROBABILISTIC = List.of(
            new Metric<>("brier", Orientation.LOWER, "Brier score", ProbabilityScores::brier),
            new Metric<>("brier_reliability", Orientation.LOWER, "reliability term of the Brier score",
                    ProbabilityScores::reliability),
            new Metric<>("brier_resolution", Orientation.HIGHER,
                    "resolution term of the Brier score (at most the uncertainty)", ProbabilityScores::resolution),
            new Metric<>("brier_uncertainty", Orientation.NONE,
                    "uncertainty term of the Brier score, base rate (1 - base rate)", ProbabilityScores::uncertainty),
            new Metric<>("brier_skill_score", Orientation.HIGHER,
                    "Brier skill score against the climatological base rate", ProbabilityScores::brierSkillScore),
            new Metric<>("roc_area", Orientation.HIGHER, "area under the ROC curve", ProbabilityScores::rocArea));

    /** Name prefix of the fractions skill score; the scale in cells follows. */
    public static final String FSS = "fss_";

    /** Name prefix of the rank histogram's bins; the rank (members below the observation) follows. */
    public static final String RANK_HISTOGRAM = "rank_histogram_";

    /** One value of each of a diagram's points, reported as {@code <prefix><point>}. */
    private record PointValue<P>(String prefix, String label, ToDoubleFunction<P> value) {
    }

    /** The reliability diagram's values; the bin number 0 .. 9 follows the prefix. */
    private static final List<PointValue<ProbabilityScores.ReliabilityBin>> RELIABILITY = List.of(
            new PointValue<>("reliability_forecast_", "mean forecast probability",
                    ProbabilityScores.ReliabilityBin::meanProbability),
            new PointValue<>("reliability_observed_", "observed frequency",
                    ProbabilityScores.ReliabilityBin::observedFrequency),
            new PointValue<>("reliability_cells_", "number", ProbabilityScores.ReliabilityBin::cells));

    /** The ROC curve's values; "p" and the probability threshold follow the prefix. */
    private static final List<PointValue<ProbabilityScores.RocPoint>> ROC = List.of(
            new PointValue<>("roc_pod_p", "probability of detection", ProbabilityScores.RocPoint::pod),
            new PointValue<>("roc_pofd_p", "probability of false detection", ProbabilityScores.RocPoint::pofd));

    private static final String PROBABILITY = "(0|1|0\\.[0-9]{0,3}[1-9])";

    private Metrics() {
    }

    /**
     * Whether {@code name} is one point of a diagram (a rank histogram's bin, a reliability diagram's bin value, a
     * ROC curve's point) rather than a score to follow against lead time.
     */
    public static boolean isDiagramPoint(String name) {
        return name.matches(RANK_HISTOGRAM + "[0-9]+") || reliability(name).isPresent() || roc(name).isPresent();
    }

    /** Every registered name, a family of names as its prefix and {@code <...>}: for messages. */
    public static List<String> names() {
        List<String> names = new ArrayList<>();
        Stream.of(CONTINUOUS, CATEGORICAL, ENSEMBLE, PROBABILISTIC).flatMap(List::stream).map(Metric::name)
                .distinct().forEach(names::add);
        names.add(FSS + "<scale>");
        names.add(RANK_HISTOGRAM + "<rank>");
        RELIABILITY.forEach(v -> names.add(v.prefix() + "<bin>"));
        ROC.forEach(v -> names.add(v.prefix() + "<probability>"));
        return names;
    }

    /**
     * The registered metric called {@code name} ({@code fss_<scale>} for the FSS, and a diagram's point as in
     * the class comment), if any. {@code crps} is the deterministic one; an ensemble's is read from
     * {@link #ENSEMBLE} with the same name and orientation.
     */
    public static Optional<Metric<?>> find(String name) {
        if (name.matches(FSS + "[1-9][0-9]*")) {
            return Optional.of(new Metric<Fss>(name, Orientation.HIGHER,
                    "fractions skill score, " + name.substring(FSS.length()) + "-cell boxes", Fss::fss));
        }
        if (name.matches(RANK_HISTOGRAM + "(0|[1-9][0-9]*)")) {
            int rank = Integer.parseInt(name.substring(RANK_HISTOGRAM.length()));
            return Optional.of(new Metric<EnsembleScores>(name, Orientation.NONE, "fraction of cells whose "
                    + "observation has " + rank + " members below it", s -> s.rankHistogram().fractions()[rank]));
        }
        Optional<Metric<?>> diagram = reliability(name).or(() -> roc(name));
        if (diagram.isPresent()) {
            return diagram;
        }
        return Stream.of(CONTINUOUS, CATEGORICAL, ENSEMBLE, PROBABILISTIC).flatMap(List::stream)
                .filter(m -> m.name().equals(name)).<Metric<?>>map(m -> m).findFirst();
    }

    private static Optional<Metric<?>> reliability(String name) {
        return RELIABILITY.stream().filter(v -> name.matches(v.prefix() + "[0-9]")).findFirst().map(v -> {
            int bin = name.charAt(name.length() - 1) - '0';
            String range = bin / 10.0 + (bin == 9 ? " to 1" : " to below " + (bin + 1) / 10.0);
            return new Metric<ProbabilityScores>(name, Orientation.NONE, "reliability diagram: " + v.label()
                    + " of the cells forecast with probabilities " + range,
                    s -> v.value().applyAsDouble(s.reliabilityDiagram().get(bin)));
        });
    }

    private static Optional<Metric<?>> roc(String name) {
        return ROC.stream().filter(v -> name.matches(v.prefix() + PROBABILITY)).findFirst().map(v -> {
            String p = name.substring(v.prefix().length());
            return new Metric<ProbabilityScores>(name, Orientation.NONE, "ROC curve: " + v.label()
                    + " forecasting the event where its probability is " + p + " or more",
                    s -> s.rocCurve().stream().filter(point -> probability(point.probability()).equals(p))
                            .mapToDouble(v.value()).findFirst().orElse(Double.NaN));
        });
    }

    /** A probability in a metric name: up to 4 decimals, no trailing zeros (0.25, 0.3333, 1). */
    static String probability(double p) {
        return BigDecimal.valueOf(p).setScale(4, RoundingMode.HALF_EVEN).stripTrailingZeros().toPlainString();
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

    /**
     * Every registered score of an ensemble's leads, in report rows: the {@link #ENSEMBLE} scores and the rank
     * histogram, then per threshold the {@link #PROBABILISTIC} scores, the reliability diagram's 10 bins (an
     * empty bin has NaN probability and frequency, 0 cells) and the ROC curve's points, highest probability first.
     */
    public static List<MetricRow> ensembleRows(String region, String model, List<Long> leadMinutes,
                                               List<EnsembleScores> leads) {
        List<MetricRow> rows = new ArrayList<>();
        for (int k = 0; k < leads.size(); k++) {
            EnsembleScores scores = leads.get(k);
            long lead = leadMinutes.get(k);
            ENSEMBLE.forEach(m -> rows.add(new MetricRow(region, model, lead, m.name(), null,
                    m.score().applyAsDouble(scores))));
            double[] ranks = scores.rankHistogram().fractions();
            for (int r = 0; r < ranks.length; r++) {
                rows.add(new MetricRow(region, model, lead, RANK_HISTOGRAM + r, null, ranks[r]));
            }
            for (ProbabilityScores p : scores.probabilities()) {
                Double t = p.threshold();
                PROBABILISTIC.forEach(m -> rows.add(new MetricRow(region, model, lead, m.name(), t,
                        m.score().applyAsDouble(p))));
                for (ProbabilityScores.ReliabilityBin bin : p.reliabilityDiagram()) {
                    RELIABILITY.forEach(v -> rows.add(new MetricRow(region, model, lead, v.prefix() + bin.bin(), t,
                            v.value().applyAsDouble(bin))));
                }
                for (ProbabilityScores.RocPoint point : p.rocCurve()) {
                    ROC.forEach(v -> rows.add(new MetricRow(region, model, lead,
                            v.prefix() + probability(point.probability()), t, v.value().applyAsDouble(point))));
                }
            }
        }
        return rows;
    }
}
