package io.gridcast.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.features.WindowShape;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ProbabilityMatchingTest {

    @Test
    void cellsKeepTheirRankAndTakeTheObservedValueOfThatRank() {
        double[] forecast = {9, 0.2, 0.5, 0.1, Double.NaN};
        ProbabilityMatching.match(forecast, 0, 5, new double[]{0, 4, 0, 2, 1});
        // Four valid forecast cells against five observed values: ranks spread over the observed quantiles.
        assertThat(forecast).containsExactly(4, 0, 2, 0, Double.NaN);
        double[] smooth = {7, 1, 3, 2, 5, 6};
        ProbabilityMatching.match(smooth, 2, 3, new double[]{10, Double.NaN, 0, 20});
        assertThat(smooth).containsExactly(7, 1, 10, 0, 20, 6);
    }

    @Test
    void aSmoothedForecastGetsTheLastFramesIntensitiesBack() {
        WindowShape shape = new WindowShape(2, 2, 1, 4, 4);
        INDArray inputs = Nd4j.rand(DataType.FLOAT, 3, 2, 1, 4, 4);
        // Persistence damped towards the mean, as a least-squares model would: matching restores the last frame.
        Nowcaster damped = new Nowcaster() {
            @Override
            public String type() {
                return "damped";
            }

            @Override
            public INDArray predict(INDArray x) {
                return new PersistenceNowcaster(shape).predict(x).mul(0.3).add(0.2);
            }
        };
        INDArray matched = PostProcessing.of(PostProcessing.PROBABILITY_MATCHING).apply(damped).predict(inputs);
        INDArray persistence = new PersistenceNowcaster(shape).predict(inputs);
        assertThat(matched.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(matched.equalsWithEps(persistence, 1e-6)).isTrue();
        assertThat(damped.predict(inputs).get(NDArrayIndex.point(0)).equalsWithEps(
                persistence.get(NDArrayIndex.point(0)), 1e-6)).isFalse();
    }

    @Test
    void unknownMethodsAreNamed() {
        assertThat(PostProcessing.of(PostProcessing.NONE).apply(new PersistenceNowcaster(
                new WindowShape(1, 1, 1, 2, 2))).type()).isEqualTo("persistence");
        assertThatThrownBy(() -> PostProcessing.of("smooth"))
                .hasMessage("unknown postprocess 'smooth'; expected one of [none, probability-matching]");
    }
}
