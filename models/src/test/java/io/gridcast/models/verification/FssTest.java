package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

/** Values checked by hand and against scipy's {@code uniform_filter(mode="constant")}, as pysteps computes them. */
class FssTest {

    static final float N = Float.NaN;

    // 3 x 3 fields, row-major: one event, displaced one cell east in the observation
    static final float[] FORECAST = {0, 0, 0, 0, 2, 0, 0, 0, 0};
    static final float[] OBSERVED = {0, 0, 0, 0, 0, 2, 0, 0, 0};

    static double fss(float[] forecast, float[] observed, int scale) {
        Fss fss = new Fss(1.0, scale);
        fss.add(forecast, observed, 3, 3);
        return fss.fss();
    }

    @Test
    void aDisplacedEventHasNoSkillCellByCell() {
        // (Pf - Po)^2 summed: 2; Pf^2 + Po^2 summed: 2
        assertThat(fss(FORECAST, OBSERVED, 1)).isEqualTo(0.0);
    }

    @Test
    void largerBoxesForgiveTheDisplacement() {
        // 3x3 boxes, zero beyond the edge: Pf = 1/9 in all 9 cells, Po = 1/9 in the 6 cells of columns 1-2;
        // 1 - (3/81) / (9/81 + 6/81)
        assertThat(fss(FORECAST, OBSERVED, 3)).isCloseTo(0.8, within(1e-12));
        // 2x2 boxes reach up and left: Pf = 1/4 at rows 1-2 x columns 1-2, Po = 1/4 at rows 1-2 x column 2;
        // 1 - (2/16) / (4/16 + 2/16)
        assertThat(fss(FORECAST, OBSERVED, 2)).isCloseTo(2.0 / 3, within(1e-12));
    }

    @Test
    void noEventsAnywhereIsUndefined() {
        assertThat(fss(new float[9], new float[9], 3)).isNaN();
    }

    @Test
    void eventsEverywhereInBothIsPerfect() {
        float[] wet = {5, 5, 5, 5, 5, 5, 5, 5, 5};
        assertThat(fss(wet, wet, 3)).isEqualTo(1.0);
    }

    @Test
    void aCellMissingInEitherFieldIsNeitherAnEventNorScored() {
        // the forecast's event at the top-left corner falls where the observation is missing
        float[] forecast = {2, 0, 0, 0, 2, 0, 0, 0, 0};
        float[] observed = {N, 0, 0, 0, 2, 0, 0, 0, 0};

        assertThat(fss(forecast, observed, 1)).isEqualTo(1.0);
        assertThat(fss(forecast, observed, 3)).isEqualTo(1.0);
    }

    @Test
    void casesAreMergedAsSumsNotAveragedAsRatios() {
        Fss first = new Fss(1.0, 1);
        Fss second = new Fss(1.0, 1);
        first.add(FORECAST, OBSERVED, 3, 3); // sums 2 and 2: FSS 0
        second.add(OBSERVED, OBSERVED, 3, 3); // sums 0 and 2: FSS 1

        first.merge(second);

        assertThat(first.fss()).isCloseTo(1 - 2.0 / 4, within(1e-12));
    }
}
