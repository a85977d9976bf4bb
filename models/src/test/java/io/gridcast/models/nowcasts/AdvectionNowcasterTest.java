package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.features.WindowShape;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.motion.HornSchunck.Field;
import io.gridcast.models.motion.HornSchunck.Motion;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class AdvectionNowcasterTest {

    private static final int SIZE = 40;
    private static final WindowShape SHAPE = new WindowShape(4, 4, 1, SIZE, SIZE);
    /** Normalised units: dry cells at -0.5, as (0 - mean) / std would put them. */
    private static final double DRY = -0.5;

    /** A Gaussian rain cell of radius ~3 cells starting at (y 24, x 8) and moving (+2, -1) cells per step in (x, y). */
    private static double blob(int t, int y, int x) {
        double dy = y - (24 - 1.0 * t);
        double dx = x - (8 + 2.0 * t);
        return DRY + 3.5 * Math.exp(-(dx * dx + dy * dy) / (2 * 3.0 * 3.0));
    }

    /** Inputs {@code [1, 4, 1, 40, 40]} of steps 0-3 and the truth {@code [1, 4, 40, 40]} of steps 4-7. */
    private static INDArray[] translatingBlob() {
        INDArray inputs = Nd4j.create(DataType.FLOAT, 1, SHAPE.in(), 1, SIZE, SIZE);
        INDArray truth = Nd4j.create(DataType.FLOAT, 1, SHAPE.out(), SIZE, SIZE);
        for (int t = 0; t < SHAPE.in() + SHAPE.out(); t++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    if (t < SHAPE.in()) {
                        inputs.putScalar(new long[]{0, t, 0, y, x}, blob(t, y, x));
                    } else {
                        truth.putScalar(new long[]{0, t - SHAPE.in(), y, x}, blob(t, y, x));
                    }
                }
            }
        }
        return new INDArray[]{inputs, truth};
    }

    private static double mse(INDArray forecast, INDArray truth, int lead) {
        INDArray error = forecast.get(NDArrayIndex.point(0), NDArrayIndex.point(lead))
                .sub(truth.get(NDArrayIndex.point(0), NDArrayIndex.point(lead)));
        return error.mul(error).meanNumber().doubleValue();
    }

    @Test
    void recoversTheVelocityOfATranslatingBlob() {
        Field[] frames = new Field[4];
        for (int t = 0; t < 4; t++) {
            double[] values = new double[SIZE * SIZE];
            for (int i = 0; i < values.length; i++) {
                values[i] = blob(t, i / SIZE, i % SIZE);
            }
            frames[t] = new Field(SIZE, SIZE, values);
        }
        Motion motion = AdvectionNowcaster.motion(frames);
        // Mean motion over the rain (cells above a tenth of the peak in the last frame): +2 in x, -1 in y
        // (measured 1.978 and -0.992).
        double u = 0;
        double v = 0;
        int rainy = 0;
        for (int i = 0; i < SIZE * SIZE; i++) {
            if (frames[3].values()[i] > DRY + 0.35) {
                u += motion.u().values()[i];
                v += motion.v().values()[i];
                rainy++;
            }
        }
        assertThat(u / rainy).isCloseTo(2.0, within(0.1));
        assertThat(v / rainy).isCloseTo(-1.0, within(0.1));
    }

    @Test
    void beatsPersistenceByAWideMarginOnATranslatingBlob() {
        INDArray[] blob = translatingBlob();
        INDArray advection = ModelVariants.baseline("advection", SHAPE).predict(blob[0]);
        INDArray persistence = ModelVariants.baseline("persistence", SHAPE).predict(blob[0]);
        assertThat(advection.shape()).containsExactly(1, 4, SIZE, SIZE);
        assertThat(advection.dataType()).isEqualTo(DataType.FLOAT);
        // Measured MSE, advection vs persistence: 2.0e-5 vs 0.056, 1.2e-4 vs 0.18, 3.8e-4 vs 0.31, 9.1e-4 vs 0.39
        // (phase correlation finds 2 cells a step, so the Horn-Schunck pyramid has two levels).
        for (int lead = 0; lead < SHAPE.out(); lead++) {
            double advectionMse = mse(advection, blob[1], lead);
            double persistenceMse = mse(persistence, blob[1], lead);
            assertThat(advectionMse).as("lead %d: advection MSE %.4f vs persistence %.4f", lead + 1, advectionMse,
                    persistenceMse).isLessThan(persistenceMse / 100);
        }
    }

    @Test
    void aStationaryFieldForecastsItself() {
        INDArray inputs = Nd4j.create(DataType.DOUBLE, 2, 4, 1, SIZE, SIZE);
        for (int t = 0; t < 4; t++) {
            for (int y = 0; y < SIZE; y++) {
                for (int x = 0; x < SIZE; x++) {
                    inputs.putScalar(new long[]{0, t, 0, y, x}, blob(0, y, x));
                    inputs.putScalar(new long[]{1, t, 0, y, x}, Math.sin(x / 5.0) * Math.cos(y / 7.0));
                }
            }
        }
        INDArray forecast = new AdvectionNowcaster(SHAPE).predict(inputs);
        for (int b = 0; b < 2; b++) {
            INDArray last = inputs.get(NDArrayIndex.point(b), NDArrayIndex.point(3), NDArrayIndex.point(0));
            for (int lead = 0; lead < 4; lead++) {
                INDArray predicted = forecast.get(NDArrayIndex.point(b), NDArrayIndex.point(lead));
                assertThat(predicted.sub(last).amaxNumber().doubleValue()).isLessThan(1e-6);
            }
        }
    }

    @Test
    void cellsWhoseDeparturePointLeavesTheGridGetTheLastFramesMinimum() {
        INDArray forecast = new AdvectionNowcaster(SHAPE).predict(translatingBlob()[0]);
        // The blob moves right by 2 cells a step: at lead 4 the left columns come from outside the grid.
        double minimum = translatingBlob()[0].get(NDArrayIndex.point(0), NDArrayIndex.point(3)).minNumber()
                .doubleValue();
        INDArray inflow = forecast.get(NDArrayIndex.point(0), NDArrayIndex.point(3), NDArrayIndex.all(),
                NDArrayIndex.interval(0, 4));
        assertThat(inflow.minNumber().doubleValue()).isEqualTo(minimum);
        assertThat(inflow.maxNumber().doubleValue()).isEqualTo(minimum);
    }

    @Test
    void rejectsWrongShapesAndSingleFrameWindows() {
        Nowcaster advection = ModelVariants.baseline("advection", SHAPE);
        assertThatThrownBy(() -> advection.predict(Nd4j.zeros(DataType.FLOAT, 1, 3, 1, SIZE, SIZE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("in=4").hasMessageContaining("[1, 3, 1, 40, 40]");
        assertThatThrownBy(() -> new AdvectionNowcaster(new WindowShape(1, 4, 1, SIZE, SIZE)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("advection estimates motion from consecutive frames: it needs windows.in >= 2, got 1");
    }
}
