package io.gridcast.models.verification;

import java.io.Serializable;

/**
 * The structural similarity index (Wang et al. 2004) of forecast and observed fields, averaged over cases.
 *
 * <p>Each case's SSIM is scikit-image's default {@code structural_similarity}: the mean over every 7 x 7 window
 * lying wholly inside the grid (a smaller square when the grid is smaller) of
 * ((2 mf mo + C1)(2 cov + C2)) / ((mf^2 + mo^2 + C1)(vf + vo + C2)), uniform weights, sample (co)variances,
 * C1 = (0.01 L)^2, C2 = (0.03 L)^2. The data range L is the case's own: the largest minus the smallest value
 * of both fields. Windows with a missing (NaN) cell in either field are left out. Two constant, equal fields
 * (L = 0) score 1. Averaging per-case SSIM over cases is sound because SSIM is not a ratio of sums over
 * cases: a case is one image pair, and its score is not diluted or weighted by other cases.
 */
public final class Ssim implements Serializable {

    static final int WINDOW = 7;
    private static final double K1 = 0.01;
    private static final double K2 = 0.03;

    private double sum;
    private long cases;

    /** One case: row-major fields of {@code height} x {@code width} cells. */
    public void add(float[] forecast, float[] observed, int height, int width) {
        double value = of(forecast, observed, height, width);
        if (!Double.isNaN(value)) {
            sum += value;
            cases++;
        }
    }

    public void merge(Ssim other) {
        sum += other.sum;
        cases += other.cases;
    }

    /** Mean SSIM over the cases that had a complete window; NaN when none had. */
    public double ssim() {
        return cases == 0 ? Double.NaN : sum / cases;
    }

    /** One case's mean SSIM; NaN when no window is complete. */
    static double of(float[] forecast, float[] observed, int height, int width) {
        double lo = Double.POSITIVE_INFINITY;
        double hi = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < forecast.length; i++) {
            if (!Float.isNaN(forecast[i]) && !Float.isNaN(observed[i])) {
                lo = Math.min(lo, Math.min(forecast[i], observed[i]));
                hi = Math.max(hi, Math.max(forecast[i], observed[i]));
            }
        }
        if (lo > hi) {
            return Double.NaN;
        }
        double c1 = K1 * (hi - lo) * K1 * (hi - lo);
        double c2 = K2 * (hi - lo) * K2 * (hi - lo);
        int side = Math.min(WINDOW, Math.min(height, width));
        if (side < 2) {
            return Double.NaN;
        }
        int n = side * side;
        double total = 0;
        long windows = 0;
        for (int y0 = 0; y0 + side <= height; y0++) {
            for (int x0 = 0; x0 + side <= width; x0++) {
                double sf = 0, so = 0, sff = 0, soo = 0, sfo = 0;
                boolean complete = true;
                for (int y = y0; y < y0 + side && complete; y++) {
                    for (int x = x0; x < x0 + side; x++) {
                        double f = forecast[y * width + x];
                        double o = observed[y * width + x];
                        if (Double.isNaN(f) || Double.isNaN(o)) {
                            complete = false;
                            break;
                        }
                        sf += f;
                        so += o;
                        sff += f * f;
                        soo += o * o;
                        sfo += f * o;
                    }
                }
                if (!complete) {
                    continue;
                }
                double mf = sf / n;
                double mo = so / n;
                double vf = (sff - n * mf * mf) / (n - 1);
                double vo = (soo - n * mo * mo) / (n - 1);
                double cov = (sfo - n * mf * mo) / (n - 1);
                double numerator = (2 * mf * mo + c1) * (2 * cov + c2);
                double denominator = (mf * mf + mo * mo + c1) * (vf + vo + c2);
                total += denominator == 0 ? 1 : numerator / denominator;
                windows++;
            }
        }
        return windows == 0 ? Double.NaN : total / windows;
    }
}
