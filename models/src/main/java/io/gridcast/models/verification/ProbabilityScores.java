package io.gridcast.models.verification;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Scores of probability forecasts of one event (value >= threshold), accumulated over cells and cases and
 * mergeable: for each distinct forecast probability, the number of cells forecast with it and how many of them
 * saw the event. An ensemble of m members forecasts at most m + 1 probabilities (k / m), so the table stays small
 * and every score below is exact over any number of cases: the Brier score with its reliability / resolution /
 * uncertainty decomposition, the Brier skill score against the sample's base rate, the reliability diagram in 10
 * bins and the ROC curve with every distinct probability as a decision threshold.
 */
public final class ProbabilityScores implements Serializable {

    /** Bins of the reliability diagram: bin k holds probabilities from k / 10 up to (k + 1) / 10, the last also 1. */
    public static final int RELIABILITY_BINS = 10;

    private final double threshold;
    /** {cells, events} by forecast probability, in increasing probability. */
    private final TreeMap<Double, long[]> byProbability = new TreeMap<>();

    public ProbabilityScores(double threshold) {
        this.threshold = threshold;
    }

    /** {@code cells} cells forecast with {@code probability}, {@code events} of them observed as events. */
    public void add(double probability, long cells, long events) {
        if (!(probability >= 0 && probability <= 1)) {
            throw new IllegalArgumentException("probability of exceeding " + threshold + " is " + probability
                    + ", expected a value from 0 to 1");
        }
        if (events < 0 || events > cells) {
            throw new IllegalArgumentException(events + " events in " + cells + " cells at probability "
                    + probability + ", expected 0 to " + cells);
        }
        long[] counts = byProbability.computeIfAbsent(probability, p -> new long[2]);
        counts[0] += cells;
        counts[1] += events;
    }

    public void merge(ProbabilityScores other) {
        if (Double.compare(other.threshold, threshold) != 0) {
            throw new IllegalArgumentException("cannot merge probability scores of threshold " + other.threshold
                    + " into threshold " + threshold);
        }
        other.byProbability.forEach((p, counts) -> add(p, counts[0], counts[1]));
    }

    public double threshold() {
        return threshold;
    }

    public long cells() {
        return byProbability.values().stream().mapToLong(c -> c[0]).sum();
    }

    private long events() {
        return byProbability.values().stream().mapToLong(c -> c[1]).sum();
    }

    /** Observed frequency of the event over every scored cell. */
    public double baseRate() {
        return ratio(events(), cells());
    }

    /** Mean of (p - o)^2 over every cell, o 1 for an event and 0 otherwise. */
    public double brier() {
        double sum = 0;
        for (Map.Entry<Double, long[]> e : byProbability.entrySet()) {
            double p = e.getKey();
            long[] c = e.getValue();
            sum += (c[0] - c[1]) * p * p + c[1] * (1 - p) * (1 - p);
        }
        return ratio(sum, cells());
    }

    /**
     * Reliability term of Murphy's (1973) decomposition brier = reliability - resolution + uncertainty: the mean
     * of (p - observed frequency at p)^2. Cells are grouped by their distinct forecast probability, not by the
     * diagram's bins, so the decomposition is exact. 0 is perfect.
     */
    public double reliability() {
        double sum = 0;
        for (Map.Entry<Double, long[]> e : byProbability.entrySet()) {
            long[] c = e.getValue();
            double gap = e.getKey() - (double) c[1] / c[0];
            sum += c[0] * gap * gap;
        }
        return ratio(sum, cells());
    }

    /** Resolution term: the mean of (observed frequency at p - base rate)^2; at most the uncertainty. */
    public double resolution() {
        double base = baseRate();
        double sum = 0;
        for (long[] c : byProbability.values()) {
            double gap = (double) c[1] / c[0] - base;
            sum += c[0] * gap * gap;
        }
        return ratio(sum, cells());
    }

    /** Uncertainty term: base rate x (1 - base rate), the Brier score of always forecasting the base rate. */
    public double uncertainty() {
        double base = baseRate();
        return base * (1 - base);
    }

    /**
     * Brier skill score 1 - brier / uncertainty against the climatological base rate of the same cells; NaN when
     * every cell or none saw the event (the base rate is then a perfect forecast).
     */
    public double brierSkillScore() {
        double uncertainty = uncertainty();
        return uncertainty == 0 ? Double.NaN : 1 - brier() / uncertainty;
    }

    /**
     * One point of the reliability diagram.
     *
     * @param meanProbability   mean forecast probability of the bin's cells (NaN when it has none)
     * @param observedFrequency fraction of the bin's cells that saw the event (NaN when it has none)
     */
    public record ReliabilityBin(int bin, long cells, double meanProbability, double observedFrequency) {
    }

    /** The {@value #RELIABILITY_BINS} bins of the reliability diagram, bin 0 first. */
    public List<ReliabilityBin> reliabilityDiagram() {
        long[] cells = new long[RELIABILITY_BINS];
        long[] events = new long[RELIABILITY_BINS];
        double[] sumProbability = new double[RELIABILITY_BINS];
        byProbability.forEach((p, c) -> {
            int k = bin(p);
            cells[k] += c[0];
            events[k] += c[1];
            sumProbability[k] += p * c[0];
        });
        List<ReliabilityBin> bins = new ArrayList<>();
        for (int k = 0; k < RELIABILITY_BINS; k++) {
            bins.add(new ReliabilityBin(k, cells[k], ratio(sumProbability[k], cells[k]), ratio(events[k], cells[k])));
        }
        return bins;
    }

    /**
     * The bin of {@code p}. A probability within 1e-9 below an edge is on it: k / m computed in floating point
     * may fall just short of k / 10 (pysteps widens its edges by 1e-6 instead, which moves 0.6 to 0.9 into the
     * bin below them).
     */
    static int bin(double p) {
        return Math.min(RELIABILITY_BINS - 1, (int) Math.floor(p * RELIABILITY_BINS + 1e-9));
    }

    /**
     * One point of the ROC curve: the event is forecast where the probability is at least {@code probability}.
     *
     * @param pod  probability of detection, hits / observed events (NaN when no event was observed)
     * @param pofd probability of false detection, false alarms / observed non-events (NaN when none)
     */
    public record RocPoint(double probability, double pod, double pofd) {
    }

    /** The ROC curve with every distinct forecast probability as a decision threshold, highest first. */
    public List<RocPoint> rocCurve() {
        long events = events();
        long nonEvents = cells() - events;
        List<RocPoint> points = new ArrayList<>();
        long hits = 0;
        long falseAlarms = 0;
        for (Map.Entry<Double, long[]> e : byProbability.descendingMap().entrySet()) {
            hits += e.getValue()[1];
            falseAlarms += e.getValue()[0] - e.getValue()[1];
            points.add(new RocPoint(e.getKey(), ratio(hits, events), ratio(falseAlarms, nonEvents)));
        }
        return points;
    }

    /**
     * Area under the ROC curve by the trapezoid rule from (0, 0), nothing forecast, through every point of
     * {@link #rocCurve()} (the last is (1, 1)); 0.5 is no skill, 1 perfect. NaN when no event or no non-event was
     * observed.
     */
    public double rocArea() {
        double area = 0;
        double pod = 0;
        double pofd = 0;
        for (RocPoint point : rocCurve()) {
            area += (point.pofd() - pofd) * (point.pod() + pod) / 2;
            pod = point.pod();
            pofd = point.pofd();
        }
        return byProbability.isEmpty() ? Double.NaN : area;
    }

    private static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }
}
