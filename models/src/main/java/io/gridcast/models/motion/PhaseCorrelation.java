package io.gridcast.models.motion;

import io.gridcast.models.motion.HornSchunck.Field;
import org.apache.commons.math3.transform.DftNormalization;
import org.apache.commons.math3.transform.FastFourierTransformer;
import org.apache.commons.math3.transform.TransformType;


/**
 * The bulk displacement between two frames by phase correlation (Kuglin and Hudson 1975): the inverse transform of
 * the normalised cross-power spectrum peaks at the shift that best carries the first frame onto the second. It
 * answers one question cheaply and without a smoothness assumption: how far, in whole cells, the rain moved as a
 * whole. {@link HornSchunck} uses it to choose its pyramid depth. Commons Math's FFT, on sides padded to powers
 * of two.
 */
final class PhaseCorrelation {

    /** Share of the largest cross-power below which a frequency's phase counts for little (rounding noise). */
    static final double NOISE_FLOOR = 1e-3;

    private PhaseCorrelation() {
    }

    /**
     * The whole-cell shift {@code {dx, dy}} that best carries {@code previous} onto {@code next}
     * ({@code next(x + dx, y + dy) ≈ previous(x, y)}), each within half the padded grid.
     */
    static int[] shift(Field previous, Field next) {
        int h = Integer.highestOneBit(Math.max(1, previous.height() - 1)) << 1;
        int w = Integer.highestOneBit(Math.max(1, previous.width() - 1)) << 1;
        double[][][] a = spectrum(previous, h, w);
        double[][][] b = spectrum(next, h, w);
        // conj(A) B / |A B|: a pure phase ramp whose inverse transform peaks at the shift from previous to next.
        double[][][] r = new double[2][h][w];
        double largest = 0;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                r[0][y][x] = a[0][y][x] * b[0][y][x] + a[1][y][x] * b[1][y][x];
                r[1][y][x] = a[0][y][x] * b[1][y][x] - a[1][y][x] * b[0][y][x];
                largest = Math.max(largest, Math.hypot(r[0][y][x], r[1][y][x]));
            }
        }
        // Frequencies with next to no power carry rounding noise, not phase: a floor keeps them from voting.
        double floor = NOISE_FLOOR * largest;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double norm = Math.hypot(r[0][y][x], r[1][y][x]) + floor;
                if (norm > 0) {
                    r[0][y][x] /= norm;
                    r[1][y][x] /= norm;
                }
            }
        }
        transform(r, h, w, TransformType.INVERSE);
        int best = 0;
        for (int i = 1; i < h * w; i++) {
            if (r[0][i / w][i % w] > r[0][best / w][best % w]) {
                best = i;
            }
        }
        int dy = best / w;
        int dx = best % w;
        return new int[]{dx >= w / 2 ? dx - w : dx, dy >= h / 2 ? dy - h : dy};
    }

    /**
     * The 2-D transform of the field tapered by a Hann window (so the grid's edges are no step the transform sees as
     * a stationary structure), zero-padded to {@code h x w}. The mean is not removed: the frames are rescaled so
     * that dry is 0, and a mean times the window would be a stationary bump that votes for no motion.
     */
    private static double[][][] spectrum(Field field, int h, int w) {
        double[][][] s = new double[2][h][w];
        for (int y = 0; y < field.height(); y++) {
            double wy = hann(y, field.height());
            for (int x = 0; x < field.width(); x++) {
                s[0][y][x] = field.at(y, x) * wy * hann(x, field.width());
            }
        }
        transform(s, h, w, TransformType.FORWARD);
        return s;
    }

    private static double hann(int i, int n) {
        return n < 2 ? 1 : 0.5 - 0.5 * Math.cos(2 * Math.PI * (i + 0.5) / n);
    }

    /** In place: every row, then every column. */
    private static void transform(double[][][] s, int h, int w, TransformType type) {
        for (int y = 0; y < h; y++) {
            FastFourierTransformer.transformInPlace(new double[][]{s[0][y], s[1][y]}, DftNormalization.STANDARD, type);
        }
        double[][] column = new double[2][h];
        for (int x = 0; x < w; x++) {
            for (int y = 0; y < h; y++) {
                column[0][y] = s[0][y][x];
                column[1][y] = s[1][y][x];
            }
            FastFourierTransformer.transformInPlace(column, DftNormalization.STANDARD, type);
            for (int y = 0; y < h; y++) {
                s[0][y][x] = column[0][y];
                s[1][y][x] = column[1][y];
            }
        }
    }
}
