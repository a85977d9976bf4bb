package io.gridcast.models.verification;

import java.io.Serializable;
import java.util.Arrays;
import java.util.List;

/**
 * Scores of an ensemble forecast of one lead time, accumulated over cases and mergeable like {@link LeadScores}:
 * the CRPS of the members' empirical distribution (and its fair estimator), the rank histogram, the ensemble
 * spread against the error of the ensemble mean, and per threshold a {@link ProbabilityScores} of the forecast
 * probability of exceedance, the fraction of members at or above the threshold. A cell missing (NaN) in the
 * observation or in any member is left out of every score.
 *
 * <p>Definitions follow pysteps ({@code pysteps/verification/probscores.py}: {@code CRPS_accum};
 * {@code ensscores.py}: {@code rankhist_accum}, in {@link RankHistogram}) except where noted at each score.
 */
public final class EnsembleScores implements Serializable {

    private final int members;
    private final List<ProbabilityScores> probabilities;
    private long cells;
    private double sumCrps;
    private double sumFairCrps;
    private double sumSquaredMeanError;
    private double sumVariance;
    private final RankHistogram ranks;

    /**
     * Scores of ensembles of {@code members} members on a grid of {@code height x width} cells, with exceedance
     * probabilities at these thresholds and the rank histogram's {@code X_min} ({@link RankHistogram}).
     */
    public EnsembleScores(int members, List<Double> thresholds, double rankHistogramMin, int height, int width) {
        if (members < 1) {
            throw new IllegalArgumentException("an ensemble needs at least 1 member, got " + members);
        }
        this.members = members;
        this.probabilities = thresholds.stream().map(ProbabilityScores::new).toList();
        this.ranks = new RankHistogram(members, rankHistogramMin, height, width);
    }

    /**
     * One case: {@code forecast[member][cell]}, every member with the observation's cells, row-major {@code [y][x]}.
     */
    public void add(float[][] forecast, float[] observed) {
        if (forecast.length != members) {
            throw new IllegalArgumentException("ensemble has " + forecast.length + " members, expected " + members);
        }
        for (int k = 0; k < members; k++) {
            if (forecast[k].length != observed.length) {
                throw new IllegalArgumentException("member " + k + " has " + forecast[k].length
                        + " cells, the observation " + observed.length);
            }
        }
        ranks.requireCells(observed.length);
        // per threshold and number of members at or above it: cells, and of those the observed events
        long[][] forecastCells = new long[probabilities.size()][members + 1];
        long[][] forecastEvents = new long[probabilities.size()][members + 1];
        double[] sorted = new double[members];
        // each member's transform among the others, for the rank histogram's test of flatness
        float[][] transforms = new float[members][observed.length];
        for (float[] member : transforms) {
            Arrays.fill(member, Float.NaN);
        }
        for (int i = 0; i < observed.length; i++) {
            float o = observed[i];
            if (Float.isNaN(o) || !copyCell(forecast, i, sorted)) {
                continue;
            }
            cells++;
            Arrays.sort(sorted);
            sumCrps += crps(sorted, o);
            addMoments(sorted, o);
            ranks.rank(sorted, o);
            if (members > 1) {
                for (int k = 0; k < members; k++) {
                    transforms[k][i] = RankHistogram.memberTransform(sorted, forecast[k][i], ranks.min());
                }
            }
            for (int t = 0; t < probabilities.size(); t++) {
                double threshold = probabilities.get(t).threshold();
                int atOrAbove = members - RankHistogram.below(sorted, threshold);
                forecastCells[t][atOrAbove]++;
                if (o >= threshold) {
                    forecastEvents[t][atOrAbove]++;
                }
            }
        }
        ranks.correlate(transforms);
        for (int t = 0; t < probabilities.size(); t++) {
            for (int k = 0; k <= members; k++) {
                if (forecastCells[t][k] > 0) {
                    probabilities.get(t).add((double) k / members, forecastCells[t][k], forecastEvents[t][k]);
                }
            }
        }
    }

    /** Copies cell {@code i} of every member into {@code values}; false when any member is missing there. */
    private static boolean copyCell(float[][] forecast, int i, double[] values) {
        for (int k = 0; k < forecast.length; k++) {
            if (Float.isNaN(forecast[k][i])) {
                return false;
            }
            values[k] = forecast[k][i];
        }
        return true;
    }

    /**
     * CRPS of the members' empirical distribution, Hersbach's (2000) decomposition as pysteps' {@code CRPS_accum}:
     * between consecutive sorted members x[i-1] and x[i] the distribution is i / m, and the stretch below the
     * observation (alpha) weighs (i / m)^2, the stretch above it (beta) (1 - i / m)^2; beyond the outermost members
     * the whole distance to an observation outside them weighs 1. Unlike pysteps, whose strict inequalities drop
     * a stretch that starts or ends exactly at the observed value (members 0, 0, 2 and observation 0 score 0 there
     * instead of 2/9, and zeros are common in rain), the stretch is split at the observation clamped into it, which
     * is the integral of (F(x) - H(x - o))^2 exactly.
     */
    static double crps(double[] sorted, double o) {
        int m = sorted.length;
        double crps = Math.max(0, sorted[0] - o) + Math.max(0, o - sorted[m - 1]);
        for (int i = 1; i < m; i++) {
            double p = (double) i / m;
            double split = Math.min(Math.max(o, sorted[i - 1]), sorted[i]);
            crps += (split - sorted[i - 1]) * p * p + (sorted[i] - split) * (1 - p) * (1 - p);
        }
        return crps;
    }

    /**
     * Adds the fair CRPS (Ferro 2014): mean |x - o| - (sum over pairs i < j of |x_i - x_j|) / (m (m - 1)), the
     * expected CRPS of an ensemble of infinitely many members like these; with sorted members the pair sum is
     * sum x_(j) (2j - m + 1), j from 0. Also the ensemble mean's squared error and the members' variance.
     */
    private void addMoments(double[] sorted, double o) {
        int m = sorted.length;
        double absoluteError = 0;
        double pairs = 0;
        double sum = 0;
        for (int j = 0; j < m; j++) {
            absoluteError += Math.abs(sorted[j] - o);
            pairs += sorted[j] * (2 * j - m + 1);
            sum += sorted[j];
        }
        double mean = sum / m;
        double squares = 0;
        for (double x : sorted) {
            squares += (x - mean) * (x - mean);
        }
        sumSquaredMeanError += (mean - o) * (mean - o);
        if (m > 1) {
            sumFairCrps += absoluteError / m - pairs / ((double) m * (m - 1));
            sumVariance += squares / (m - 1);
        }
    }

    public void merge(EnsembleScores other) {
        if (other.members != members || other.probabilities.size() != probabilities.size()) {
            throw new IllegalArgumentException("cannot merge scores of " + other.members + " members and "
                    + other.probabilities.size() + " thresholds into " + members + " members and "
                    + probabilities.size() + " thresholds");
        }
        cells += other.cells;
        sumCrps += other.sumCrps;
        sumFairCrps += other.sumFairCrps;
        sumSquaredMeanError += other.sumSquaredMeanError;
        sumVariance += other.sumVariance;
        ranks.merge(other.ranks);
        for (int t = 0; t < probabilities.size(); t++) {
            probabilities.get(t).merge(other.probabilities.get(t));
        }
    }

    public long cells() {
        return cells;
    }

    /** Mean CRPS over every scored cell (Hersbach 2000, pysteps' definition); for one member its MAE. */
    public double crps() {
        return mean(sumCrps);
    }

    /** Mean fair CRPS; NaN for a single member. */
    public double fairCrps() {
        return members < 2 ? Double.NaN : mean(sumFairCrps);
    }

    /** Root mean squared error of the ensemble mean. */
    public double ensembleMeanRmse() {
        return Math.sqrt(mean(sumSquaredMeanError));
    }

    /** Ensemble spread: the root of the members' variance (divided by m - 1) averaged over cells; NaN for one member. */
    public double spread() {
        return members < 2 ? Double.NaN : Math.sqrt(mean(sumVariance));
    }

    /**
     * sqrt((m + 1) / m) x spread / RMSE of the ensemble mean: 1 for a reliable ensemble of m members (Fortin et
     * al. 2014), below 1 under-dispersive, above over-dispersive.
     */
    public double spreadSkillRatio() {
        double rmse = ensembleMeanRmse();
        return rmse == 0 ? Double.NaN : Math.sqrt((members + 1.0) / members) * spread() / rmse;
    }

    /** The rank histogram, its cells counted as pysteps' {@code rankhist_accum} with its {@code X_min}. */
    public RankHistogram rankHistogram() {
        return ranks;
    }

    /** One per threshold, in the constructor's order. */
    public List<ProbabilityScores> probabilities() {
        return probabilities;
    }

    private double mean(double sum) {
        return cells == 0 ? Double.NaN : sum / cells;
    }
}
