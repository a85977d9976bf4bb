package io.gridcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import org.junit.jupiter.api.Test;

class TransformsTest {

    /** Rain-like training statistics of prepared values (physical for most, dB for db). */
    private static final Statistics RAIN = new Statistics(1000, 1.8, 3.2, 0, 60, 0, 0.4, 15);
    private static final Statistics RAIN_DB = new Statistics(1000, -8.5, 6.1, -15, 17.8, -15, -10, 12);
    private static final float[] RATES = {0f, 0.05f, 0.1f, 0.37f, 1f, 4.2f, 17.5f, 59.9f, 120f};

    @Test
    void everyTransformInvertsItsForwardMap() {
        for (String method : new String[] {"standardise", "min-max", "none"}) {
            ChannelTransform t = new TransformSpec(method, 0).fit(RAIN);
            for (float r : RATES) {
                assertThat(t.inverse(t.forward(r))).as("%s of %s", method, r).isCloseTo(r, within(1e-5f * (1 + r)));
            }
        }
    }

    @Test
    void dbIsExactAboveTheThresholdAndZeroBelowIt() {
        ChannelTransform db = new TransformSpec("db", 0.1).fit(RAIN_DB);
        for (float r : RATES) {
            float back = db.inverse(db.forward(r));
            if (r >= 0.1f) {
                assertThat(back).as("rain %s", r).isCloseTo(r, within(1e-5f * r));
            } else {
                assertThat(back).as("rain %s below the threshold", r).isZero();
            }
        }
        // Every dry cell maps to one value: 10 log10(0.1) - 5 = -15 dB, standardised.
        assertThat(db.forward(0f)).isEqualTo(db.forward(0.05f)).isCloseTo((float) ((-15 + 8.5) / 6.1), within(1e-6f));
        assertThat(db.forward(Float.NaN)).isNaN();
    }

    @Test
    void aVariableNeverNegativeInTrainingIsNeverForecastNegative() {
        ChannelTransform rain = TransformSpec.STANDARDISE.fit(RAIN);
        ChannelTransform temperature = TransformSpec.STANDARDISE.fit(new Statistics(10, 2, 5, -8, 12, -7, 2, 11));

        assertThat(rain.inverse(-5f)).isZero();
        assertThat(temperature.inverse(-5f)).isEqualTo(-23f);
    }

    @Test
    void aConstantFieldStillHasAUsableScale() {
        ChannelTransform dry = TransformSpec.STANDARDISE.fit(new Statistics(10, 0, 0, 0, 0, 0, 0, 0));

        assertThat(dry.forward(0f)).isZero();
        assertThat(dry.inverse(dry.forward(2f))).isEqualTo(2f);
    }

    @Test
    void unknownNamesAndMissingThresholdsAreClearErrors() {
        assertThatThrownBy(() -> new TransformSpec("log", 0))
                .hasMessage("unknown transform 'log'; expected one of [db, min-max, none, standardise]");
        assertThatThrownBy(() -> new TransformSpec("db", 0)).hasMessageContaining("positive rain_threshold");
    }
}
