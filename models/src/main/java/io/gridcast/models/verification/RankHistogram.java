package io.gridcast.models.verification;

import java.io.Serializable;
import java.util.Arrays;
import org.apache.commons.math3.distribution.ChiSquaredDistribution;

/**
 * The rank histogram of an ensemble (Hamill 2001) as pysteps' {@code rankhist_accum} counts it, and a test of its
 * flatness that respects that neighbouring cells and consecutive cases are not independent.
 *
 * <p>Ranks: the observation's rank is the number of members below it. Values below {@code min} (pysteps'
 * {@code X_min}) are all one value, so a cell where the observation and every member are below it is not counted,
 * and an observation below it ties every member below it. When t members tie the observation, each of the ranks
 * r .. r + t gets 1 / (t + 1) of the cell: pysteps draws one of them at random, this is its expectation,
 * reproducible and mergeable. {@code min} of minus infinity counts every cell (pysteps' default, {@code None}).
 *
 * <p>Flatness: Pearson's chi-square of the counts against m + 1 equal bins, on an effective sample size, because
 * neighbouring cells are not independent. Under the hypothesis of flatness the observation is one more member, so the
 * members show how a calibrated observation's ranks would be correlated: each member's probability integral transform
 * among the others (its expected rank plus 1/2, over m) is correlated with the same member's 1, 2, ... cells to the
 * east and to the south. Estimated from the observation instead, a miscalibration confined to part of the grid (rain
 * entering across an edge, say) would look like correlation and hide itself. The variance of a mean of correlated
 * values is inflated by 1 + 2 sum of the correlations along each axis (Wilks 2011, section 5.2.4; summed while they
 * stay positive); the product of the two inflations divides the cells into effective ones and the statistic alike,
 * and the p-value is that of a chi-square of m degrees of freedom. Windows count as independent, which makes the test
 * stricter than exact where consecutive windows overlap.
 */
public final class RankHistogram implements Serializable {

    /** The longest distance in cells whose correlation is measured along each axis. */
    static final int MAX_LAG = 32;

    private final int members;
    private final double min;
    private final int height;
    private final int width;
    /** Cells whose observation has rank r among the members, r = 0 .. members; a tie shares its cell. */
    private final double[] ranks;
    private long cells;
    private final Pairs[] east;
    private final Pairs[] south;

    /**
     * @param min    pysteps' {@code X_min}; {@link Double#NEGATIVE_INFINITY} to count every cell
     * @param height the cases' rows; cells are row-major {@code [y][x]}
     */
    public RankHistogram(int members, double min, int height, int width) {
        if (Double.isNaN(min)) {
            throw new IllegalArgumentException("the rank histogram's minimum is a number or minus infinity, got NaN");
        }
        this.members = members;
        this.min = min;
        this.height = height;
        this.width = width;
        this.ranks = new double[members + 1];
        this.east = pairs(Math.min(MAX_LAG, width - 1));
        this.south = pairs(Math.min(MAX_LAG, height - 1));
    }

    private static Pairs[] pairs(int lags) {
        Pairs[] pairs = new Pairs[Math.max(lags, 0)];
        Arrays.setAll(pairs, i -> new Pairs());
        return pairs;
    }

    /** Counts one cell: {@code sorted} its members in ascending order, {@code o} the observation, neither missing. */
    void rank(double[] sorted, double o) {
        int dry = below(sorted, min);
        int below;
        int tied;
        if (o < min) {
            if (dry == sorted.length) {
                return;
            }
            below = 0;
            tied = dry;
        } else {
            below = below(sorted, o);
            tied = below(sorted, Math.nextUp(o)) - below;
        }
        for (int r = below; r <= below + tied; r++) {
            ranks[r] += 1.0 / (tied + 1);
        }
        cells++;
    }

    /**
     * A member's probability integral transform among the other members of its cell, counted as an observation's
     * rank is: {@code x} is one of {@code sorted}. NaN where it and every other member are below the minimum.
     */
    static float memberTransform(double[] sorted, double x, double min) {
        int others = sorted.length - 1;
        int below;
        int tied;
        if (x < min) {
            int dry = below(sorted, min) - 1;
            if (dry == others) {
                return Float.NaN;
            }
            below = 0;
            tied = dry;
        } else {
            below = below(sorted, x);
            tied = below(sorted, Math.nextUp(x)) - below - 1;
        }
        return (float) ((below + tied / 2.0 + 0.5) / (others + 1));
    }

    /** The number of sorted values below {@code value}. */
    static int below(double[] sorted, double value) {
        int low = 0;
        int high = sorted.length;
        while (low < high) {
            int mid = (low + high) >>> 1;
            if (sorted[mid] < value) {
                low = mid + 1;
            } else {
                high = mid;
            }
        }
        return low;
    }

    /** Refuses a case whose cells are not this histogram's grid. */
    void requireCells(int cells) {
        if (cells != height * width) {
            throw new IllegalArgumentException("a case of " + cells + " cells, expected " + height + " x " + width);
        }
    }

    /**
     * Pairs each member's transforms in one case ({@link #memberTransform}, {@code [member][cell]}, row-major) with
     * the same member's to the east and to the south.
     */
    void correlate(float[][] transforms) {
        for (float[] member : transforms) {
            for (int y = 0; y < height; y++) {
                for (int x = 0; x < width; x++) {
                    float a = member[y * width + x];
                    if (Float.isNaN(a)) {
                        continue;
                    }
                    for (int k = 1; k <= east.length && x + k < width; k++) {
                        east[k - 1].add(a, member[y * width + x + k]);
                    }
                    for (int k = 1; k <= south.length && y + k < height; k++) {
                        south[k - 1].add(a, member[(y + k) * width + x]);
                    }
                }
            }
        }
    }

    void merge(RankHistogram other) {
        if (other.members != members || other.min != min || other.height != height || other.width != width) {
            throw new IllegalArgumentException("cannot merge a rank histogram of " + other.members + " members, min "
                    + other.min + ", " + other.height + " x " + other.width + " cells into one of " + members
                    + " members, min " + min + ", " + height + " x " + width);
        }
        for (int r = 0; r < ranks.length; r++) {
            ranks[r] += other.ranks[r];
        }
        cells += other.cells;
        merge(east, other.east);
        merge(south, other.south);
    }

    private static void merge(Pairs[] into, Pairs[] from) {
        for (int k = 0; k < into.length; k++) {
            into[k].merge(from[k]);
        }
    }

    /** pysteps' {@code X_min}. */
    double min() {
        return min;
    }

    /** Cells counted. */
    public long cells() {
        return cells;
    }

    /** Fraction of counted cells whose observation has rank r, r = 0 .. members; NaN without cells. */
    public double[] fractions() {
        return Arrays.stream(ranks).map(c -> cells == 0 ? Double.NaN : c / cells).toArray();
    }

    /**
     * How many times the variance of a mean of a calibrated observation's transforms would exceed that of as many
     * independent ones: the product over east and south of 1 + 2 sum of the members' correlations at lags 1, 2, ...
     * up to the first that is not positive.
     */
    public double inflation() {
        return inflation(east) * inflation(south);
    }

    private static double inflation(Pairs[] lags) {
        double sum = 0;
        for (Pairs pairs : lags) {
            double r = pairs.correlation();
            if (!(r > 0)) {
                break;
            }
            sum += r;
        }
        return 1 + 2 * sum;
    }

    /** Counted cells over {@link #inflation()}: as many independent cells would tell as much. */
    public double effectiveCells() {
        return cells / inflation();
    }

    /**
     * The p-value of flatness: Pearson's chi-square of the counts against equal bins, divided by
     * {@link #inflation()}, against a chi-square of m degrees of freedom; NaN without cells.
     */
    public double flatnessP() {
        if (cells == 0) {
            return Double.NaN;
        }
        double expected = (double) cells / ranks.length;
        double chiSquare = 0;
        for (double count : ranks) {
            chiSquare += (count - expected) * (count - expected) / expected;
        }
        return 1 - new ChiSquaredDistribution(members).cumulativeProbability(chiSquare / inflation());
    }

    /** Sums of pairs (a, b) for their Pearson correlation; a pair with a missing value is left out. */
    private static final class Pairs implements Serializable {
        private long n;
        private double a;
        private double b;
        private double aa;
        private double bb;
        private double ab;

        void add(float x, float y) {
            if (Float.isNaN(x) || Float.isNaN(y)) {
                return;
            }
            n++;
            a += x;
            b += y;
            aa += (double) x * x;
            bb += (double) y * y;
            ab += (double) x * y;
        }

        void merge(Pairs other) {
            n += other.n;
            a += other.a;
            b += other.b;
            aa += other.aa;
            bb += other.bb;
            ab += other.ab;
        }

        /** NaN for fewer than two pairs or a constant side. */
        double correlation() {
            double va = n * aa - a * a;
            double vb = n * bb - b * b;
            return n < 2 || va <= 0 || vb <= 0 ? Double.NaN : (n * ab - a * b) / Math.sqrt(va * vb);
        }
    }
}
