package io.gridcast.models.motion;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.models.motion.HornSchunck.Field;
import org.junit.jupiter.api.Test;

class PhaseCorrelationTest {

    /** Two elliptical rain cells on a dry 32 x 24 grid, displaced by {@code (dx, dy)} cells. */
    private static Field rain(double dx, double dy) {
        int h = 24;
        int w = 32;
        double[] values = new double[h * w];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double a = (x - 10 - dx) / 3.0;
                double b = (y - 8 - dy) / 2.0;
                double c = (x - 20 - dx) / 2.0;
                double d = (y - 15 - dy) / 4.0;
                values[y * w + x] = Math.exp(-0.5 * (a * a + b * b)) + 0.6 * Math.exp(-0.5 * (c * c + d * d));
            }
        }
        return new Field(h, w, values);
    }

    @Test
    void findsTheWholeCellShiftBetweenTwoFrames() {
        assertThat(PhaseCorrelation.shift(rain(0, 0), rain(3, -2))).containsExactly(3, -2);
        assertThat(PhaseCorrelation.shift(rain(0, 0), rain(-1, 0))).containsExactly(-1, 0);
        assertThat(PhaseCorrelation.shift(rain(1, 1), rain(1, 1))).containsExactly(0, 0);
    }

    @Test
    void thePyramidHasJustEnoughLevelsToBringTheBulkMotionWithinACell() {
        assertThat(HornSchunck.levels(0, 32, 32)).isEqualTo(1);
        assertThat(HornSchunck.levels(1, 32, 32)).isEqualTo(1);
        assertThat(HornSchunck.levels(2, 32, 32)).isEqualTo(2);
        assertThat(HornSchunck.levels(3, 32, 32)).isEqualTo(3);
        // A 32-cell side halves twice before its coarsest level would fall below 8 cells.
        assertThat(HornSchunck.levels(9, 32, 32)).isEqualTo(3);
        assertThat(HornSchunck.levels(9, 64, 64)).isEqualTo(4);
    }
}
