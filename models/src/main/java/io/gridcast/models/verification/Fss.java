package io.gridcast.models.verification;

import java.io.Serializable;

/**
 * The fractions skill score (Roberts and Lean 2008) at one threshold and scale, accumulated over cases and
 * mergeable like pysteps' {@code fss_accum}/{@code fss_merge}/{@code fss_compute}: sums of (Pf - Po)^2 and of
 * Pf^2 + Po^2 over every cell of every case, so FSS = 1 - the first / the second is exact over many cases.
 *
 * <p>Pf and Po are the fractions of event cells (value >= threshold) in the {@code scale} x {@code scale} box
 * around each cell, as scipy's {@code uniform_filter(mode="constant", cval=0)} that pysteps uses: cells beyond
 * the grid edge count as non-events, and for an even scale the box reaches one cell further up and left. A cell
 * missing (NaN) in either field is a non-event in both and is not scored itself, so missing data never counts
 * as a forecast error.
 */
public final class Fss implements Serializable {

    private final double threshold;
    private final int scale;
    private double sumSquaredDifference;
    private double sumSquares;

    public Fss(double threshold, int scale) {
        if (scale < 1) {
            throw new IllegalArgumentException("FSS scale must be at least 1 cell, got " + scale);
        }
        this.threshold = threshold;
        this.scale = scale;
    }

    /** One case: row-major fields of {@code height} x {@code width} cells. */
    public void add(float[] forecast, float[] observed, int height, int width) {
        boolean[] missing = new boolean[forecast.length];
        double[] forecastFractions = fractions(forecast, observed, missing, height, width);
        double[] observedFractions = fractions(observed, forecast, missing, height, width);
        for (int i = 0; i < missing.length; i++) {
            if (!missing[i]) {
                double f = forecastFractions[i];
                double o = observedFractions[i];
                sumSquaredDifference += (f - o) * (f - o);
                sumSquares += f * f + o * o;
            }
        }
    }

    /** Box means of the events of {@code field} (NaN in either field is no event); marks missing cells. */
    private double[] fractions(float[] field, float[] other, boolean[] missing, int height, int width) {
        // summed-area table with a zero first row and column: any box sum in four look-ups
        double[] table = new double[(height + 1) * (width + 1)];
        for (int y = 0; y < height; y++) {
            for (int x = 0; x < width; x++) {
                int i = y * width + x;
                missing[i] |= Float.isNaN(field[i]) || Float.isNaN(other[i]);
                double event = !missing[i] && field[i] >= threshold ? 1 : 0;
                table[(y + 1) * (width + 1) + x + 1] = event + table[y * (width + 1) + x + 1]
                        + table[(y + 1) * (width + 1) + x] - table[y * (width + 1) + x];
            }
        }
        double[] fractions = new double[height * width];
        int before = scale / 2;
        int after = scale - 1 - before;
        for (int y = 0; y < height; y++) {
            int y0 = Math.max(0, y - before);
            int y1 = Math.min(height, y + after + 1);
            for (int x = 0; x < width; x++) {
                int x0 = Math.max(0, x - before);
                int x1 = Math.min(width, x + after + 1);
                double events = table[y1 * (width + 1) + x1] - table[y0 * (width + 1) + x1]
                        - table[y1 * (width + 1) + x0] + table[y0 * (width + 1) + x0];
                fractions[y * width + x] = events / ((double) scale * scale);
            }
        }
        return fractions;
    }

    public void merge(Fss other) {
        sumSquaredDifference += other.sumSquaredDifference;
        sumSquares += other.sumSquares;
    }

    /** 1 for a perfect forecast, 0 for no skill; NaN when neither field had an event anywhere. */
    public double fss() {
        return sumSquares == 0 ? Double.NaN : 1 - sumSquaredDifference / sumSquares;
    }

    public double threshold() {
        return threshold;
    }

    public int scale() {
        return scale;
    }
}
