package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class SsimTest {

    static final float N = Float.NaN;

    @Test
    void oneWindowByHand() {
        // a 2 x 2 grid is one window; the fields are mirror images: means 2.5, sample variances 5/3,
        // covariance -5/3; the data range is 3, so C1 = (0.03)^2 and C2 = (0.09)^2
        double ssim = Ssim.of(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}, 2, 2);

        double c1 = 0.0009;
        double c2 = 0.0081;
        double expected = (2 * 2.5 * 2.5 + c1) * (-2 * 5.0 / 3 + c2) / ((2 * 2.5 * 2.5 + c1) * (2 * 5.0 / 3 + c2));
        assertThat(ssim).isCloseTo(expected, within(1e-12));
    }

    @Test
    void identicalFieldsScoreOneEvenWhenConstant() {
        float[] field = new float[64];
        for (int i = 0; i < field.length; i++) {
            field[i] = i % 7;
        }
        assertThat(Ssim.of(field, field, 8, 8)).isCloseTo(1.0, within(1e-12));
        assertThat(Ssim.of(new float[64], new float[64], 8, 8)).as("two dry fields").isEqualTo(1.0);
    }

    @Test
    void windowsWithAMissingCellAreLeftOut() {
        // 2 x 3 grid, 2 x 2 windows at columns 0-1 and 1-2; the first has a missing cell. Column 0 stays within
        // the second window's range, so the data range is the same as for that window alone.
        float[] forecast = {N, 1, 2, 1, 3, 4};
        float[] observed = {4, 4, 3, 1, 2, 1};

        assertThat(Ssim.of(forecast, observed, 2, 3))
                .isEqualTo(Ssim.of(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}, 2, 2));
    }

    @Test
    void nothingToCompareIsUndefined() {
        assertThat(Ssim.of(new float[] {N, N, N, N}, new float[4], 2, 2)).isNaN();
    }

    @Test
    void theScoreOverCasesIsTheMeanOfEachCase() {
        Ssim over = new Ssim();
        over.add(new float[] {1, 2, 3, 4}, new float[] {1, 2, 3, 4}, 2, 2);
        Ssim other = new Ssim();
        other.add(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}, 2, 2);
        other.add(new float[] {N, N, N, N}, new float[4], 2, 2); // no window: not a case

        over.merge(other);

        assertThat(over.ssim()).isCloseTo((1 + Ssim.of(new float[] {1, 2, 3, 4}, new float[] {4, 3, 2, 1}, 2, 2)) / 2,
                within(1e-12));
    }
}
