package io.gridcast.features;

import java.io.Serializable;
/**
 * Statistics of one channel over one region's training frames, of the values a transform scales (for the dB
 * transform, the dB values): cell count, mean, standard deviation, range and quantiles; missing cells left out.
 */
public record Statistics(long cells, double mean, double std, double min, double max, double p01, double p50,
                        double p99) implements Serializable {

    /** The quantile probabilities computed (Spark's {@code approxQuantile}, relative error {@link #QUANTILE_ERROR}). */
    public static final double[] PROBABILITIES = {0.01, 0.5, 0.99};
    public static final double QUANTILE_ERROR = 1e-3;

    /** A constant field (no rain at all) still needs a usable scale: std and range fall back to 1. */
    public double scale() {
        return std > 1e-12 ? std : 1.0;
    }

    public double range() {
        return max - min > 1e-12 ? max - min : 1.0;
    }

    /** Moments of {@code values} as {count, sum, sum of squares, min, max}, NaN left out; merged by {@link #merge}. */
    static double[] moments(float[] values) {
        double[] m = {0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (float v : values) {
            if (!Float.isNaN(v)) {
                m[0]++;
                m[1] += v;
                m[2] += (double) v * v;
                m[3] = Math.min(m[3], v);
                m[4] = Math.max(m[4], v);
            }
        }
        return m;
    }

    static double[] merge(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2], Math.min(a[3], b[3]), Math.max(a[4], b[4])};
    }

    /** Exact statistics of a few values held in memory (a static layer's region). */
    static Statistics ofValues(float[] values) {
        double[] m = moments(values);
        if (m[0] == 0) {
            return new Statistics(0, 0, 1, 0, 0, 0, 0, 0);
        }
        double[] sorted = new double[(int) m[0]];
        int n = 0;
        for (float v : values) {
            if (!Float.isNaN(v)) {
                sorted[n++] = v;
            }
        }
        java.util.Arrays.sort(sorted);
        double[] q = new double[PROBABILITIES.length];
        for (int i = 0; i < q.length; i++) {
            q[i] = sorted[(int) Math.min(n - 1, Math.floor(PROBABILITIES[i] * n))];
        }
        return of(m, q);
    }

    static Statistics of(double[] moments, double[] quantiles) {
        double mean = moments[1] / moments[0];
        double std = Math.sqrt(Math.max(0, moments[2] / moments[0] - mean * mean));
        return new Statistics((long) moments[0], mean, std, moments[3], moments[4], quantiles[0], quantiles[1],
                quantiles[2]);
    }
}
