package io.gridcast.models.verification;

import java.io.Serializable;

/**
 * A 2x2 contingency table of events (value >= threshold), accumulated over many cells and cases and
 * mergeable, so scores over many forecasts are exact ratios of sums, not averages of ratios.
 */
public final class Contingency implements Serializable {

    private final double threshold;
    private long hits;
    private long misses;
    private long falseAlarms;
    private long correctNegatives;

    public Contingency(double threshold) {
        this.threshold = threshold;
    }

    public void add(float forecast, float observed) {
        boolean f = forecast >= threshold;
        boolean o = observed >= threshold;
        if (f && o) {
            hits++;
        } else if (o) {
            misses++;
        } else if (f) {
            falseAlarms++;
        } else {
            correctNegatives++;
        }
    }

    public void merge(Contingency other) {
        hits += other.hits;
        misses += other.misses;
        falseAlarms += other.falseAlarms;
        correctNegatives += other.correctNegatives;
    }

    public double threshold() {
        return threshold;
    }

    /** Critical success index hits / (hits + misses + false alarms); NaN when neither forecast nor observed any event. */
    public double csi() {
        return ratio(hits, hits + misses + falseAlarms);
    }

    /** Probability of detection hits / (hits + misses); NaN when no event was observed. */
    public double pod() {
        return ratio(hits, hits + misses);
    }

    /** False alarm ratio false alarms / (hits + false alarms); NaN when no event was forecast. */
    public double far() {
        return ratio(falseAlarms, hits + falseAlarms);
    }

    /** Frequency bias (hits + false alarms) / (hits + misses): forecast over observed events; NaN when none observed. */
    public double frequencyBias() {
        return ratio(hits + falseAlarms, hits + misses);
    }

    /**
     * Equitable threat score (Gilbert skill score): CSI with the hits expected by chance,
     * (hits + misses)(hits + false alarms) / total, taken out; NaN when undefined (e.g. no events at all).
     */
    public double ets() {
        double total = hits + misses + falseAlarms + correctNegatives;
        if (total == 0) {
            return Double.NaN;
        }
        double chance = (double) (hits + misses) * (hits + falseAlarms) / total;
        return ratio(hits - chance, hits + misses + falseAlarms - chance);
    }

    /**
     * Heidke skill score 2(hits correct negatives - misses false alarms) / ((hits + misses)(misses + correct
     * negatives) + (hits + false alarms)(false alarms + correct negatives)); NaN when undefined (all or no events).
     */
    public double hss() {
        double numerator = 2.0 * ((double) hits * correctNegatives - (double) misses * falseAlarms);
        double denominator = (double) (hits + misses) * (misses + correctNegatives)
                + (double) (hits + falseAlarms) * (falseAlarms + correctNegatives);
        return ratio(numerator, denominator);
    }

    private static double ratio(double numerator, double denominator) {
        return denominator == 0 ? Double.NaN : numerator / denominator;
    }

    public long hits() {
        return hits;
    }

    public long misses() {
        return misses;
    }

    public long falseAlarms() {
        return falseAlarms;
    }

    public long correctNegatives() {
        return correctNegatives;
    }
}
