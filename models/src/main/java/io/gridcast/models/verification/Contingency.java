package io.gridcast.models.verification;

/**
 * A 2x2 contingency table of events (value >= threshold), accumulated over many cells and cases and
 * mergeable, so scores over many forecasts are exact ratios of sums, not averages of ratios.
 */
public final class Contingency {

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
        long denominator = hits + misses + falseAlarms;
        return denominator == 0 ? Double.NaN : (double) hits / denominator;
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
