package io.gridcast.models.verification;

import java.util.ArrayList;
import java.util.List;

/**
 * Scores of one lead time accumulated over cases: squared and absolute errors, and a contingency table per
 * threshold. Cells where the observation or the forecast is missing (NaN) are left out.
 */
public final class LeadScores {

    private final List<Contingency> tables = new ArrayList<>();
    private long cells;
    private double sumSquaredError;
    private double sumAbsoluteError;

    public LeadScores(List<Double> thresholds) {
        thresholds.forEach(t -> tables.add(new Contingency(t)));
    }

    public void add(float[] forecast, float[] observed) {
        if (forecast.length != observed.length) {
            throw new IllegalArgumentException("forecast has " + forecast.length + " cells, observation " + observed.length);
        }
        for (int i = 0; i < forecast.length; i++) {
            float f = forecast[i];
            float o = observed[i];
            if (Float.isNaN(f) || Float.isNaN(o)) {
                continue;
            }
            cells++;
            double e = (double) f - o;
            sumSquaredError += e * e;
            sumAbsoluteError += Math.abs(e);
            for (Contingency table : tables) {
                table.add(f, o);
            }
        }
    }

    public void merge(LeadScores other) {
        cells += other.cells;
        sumSquaredError += other.sumSquaredError;
        sumAbsoluteError += other.sumAbsoluteError;
        for (int i = 0; i < tables.size(); i++) {
            tables.get(i).merge(other.tables.get(i));
        }
    }

    public long cells() {
        return cells;
    }

    public double mse() {
        return cells == 0 ? Double.NaN : sumSquaredError / cells;
    }

    public double mae() {
        return cells == 0 ? Double.NaN : sumAbsoluteError / cells;
    }

    public List<Contingency> contingencies() {
        return List.copyOf(tables);
    }
}
