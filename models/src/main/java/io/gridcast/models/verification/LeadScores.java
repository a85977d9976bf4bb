package io.gridcast.models.verification;

import java.io.Serializable;
import java.util.ArrayList;
import java.util.List;

/**
 * Scores of one lead time accumulated over cases (accumulate, then merge, then compute, as pysteps does), so
 * the same code runs on Spark partitions and locally and every score over many cases is exact: sums of errors
 * and products for MSE, MAE, bias and Pearson correlation, a contingency table per threshold, an {@link Fss}
 * per threshold and scale, and the per-case {@link Ssim}. Cells where the observation or the forecast is
 * missing (NaN) are left out of every score.
 */
public final class LeadScores implements Serializable {

    private final int height;
    private final int width;
    private final List<Contingency> tables = new ArrayList<>();
    private final List<Fss> fractions = new ArrayList<>();
    private final Ssim ssim = new Ssim();
    private long cells;
    private double sumError;
    private double sumSquaredError;
    private double sumAbsoluteError;
    private double sumForecast;
    private double sumObserved;
    private double sumForecastSquared;
    private double sumObservedSquared;
    private double sumProduct;

    /** Scores of fields of {@code height} x {@code width} cells, row-major, at these thresholds and FSS scales (cells). */
    public LeadScores(List<Double> thresholds, List<Integer> fssScales, int height, int width) {
        this.height = height;
        this.width = width;
        for (double t : thresholds) {
            tables.add(new Contingency(t));
            fssScales.forEach(scale -> fractions.add(new Fss(t, scale)));
        }
    }

    /** One case. */
    public void add(float[] forecast, float[] observed) {
        if (forecast.length != observed.length || forecast.length != height * width) {
            throw new IllegalArgumentException("forecast has " + forecast.length + " cells, observation "
                    + observed.length + ", expected " + height + " x " + width);
        }
        for (int i = 0; i < forecast.length; i++) {
            float f = forecast[i];
            float o = observed[i];
            if (Float.isNaN(f) || Float.isNaN(o)) {
                continue;
            }
            cells++;
            double e = (double) f - o;
            sumError += e;
            sumSquaredError += e * e;
            sumAbsoluteError += Math.abs(e);
            sumForecast += f;
            sumObserved += o;
            sumForecastSquared += (double) f * f;
            sumObservedSquared += (double) o * o;
            sumProduct += (double) f * o;
            for (Contingency table : tables) {
                table.add(f, o);
            }
        }
        fractions.forEach(fss -> fss.add(forecast, observed, height, width));
        ssim.add(forecast, observed, height, width);
    }

    public void merge(LeadScores other) {
        cells += other.cells;
        sumError += other.sumError;
        sumSquaredError += other.sumSquaredError;
        sumAbsoluteError += other.sumAbsoluteError;
        sumForecast += other.sumForecast;
        sumObserved += other.sumObserved;
        sumForecastSquared += other.sumForecastSquared;
        sumObservedSquared += other.sumObservedSquared;
        sumProduct += other.sumProduct;
        for (int i = 0; i < tables.size(); i++) {
            tables.get(i).merge(other.tables.get(i));
        }
        for (int i = 0; i < fractions.size(); i++) {
            fractions.get(i).merge(other.fractions.get(i));
        }
        ssim.merge(other.ssim);
    }

    public long cells() {
        return cells;
    }

    public double mse() {
        return mean(sumSquaredError);
    }

    public double rmse() {
        return Math.sqrt(mse());
    }

    public double mae() {
        return mean(sumAbsoluteError);
    }

    /** Mean error, forecast minus observed: positive when the forecast is too wet/high on average. */
    public double bias() {
        return mean(sumError);
    }

    /** Pearson correlation of forecast and observed cells; NaN when either is constant. */
    public double pearson() {
        double covariance = cells * sumProduct - sumForecast * sumObserved;
        double forecastVariance = cells * sumForecastSquared - sumForecast * sumForecast;
        double observedVariance = cells * sumObservedSquared - sumObserved * sumObserved;
        return forecastVariance <= 0 || observedVariance <= 0 ? Double.NaN
                : covariance / Math.sqrt(forecastVariance * observedVariance);
    }

    public double ssim() {
        return ssim.ssim();
    }

    private double mean(double sum) {
        return cells == 0 ? Double.NaN : sum / cells;
    }

    public List<Contingency> contingencies() {
        return List.copyOf(tables);
    }

    /** One per threshold and scale, thresholds outermost. */
    public List<Fss> fss() {
        return List.copyOf(fractions);
    }
}
