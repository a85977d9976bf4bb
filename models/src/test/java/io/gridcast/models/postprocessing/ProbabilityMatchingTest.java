package io.gridcast.models.postprocessing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.Statistics;
import io.gridcast.features.WindowShape;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.nowcasts.ModelVariants;
import java.util.function.UnaryOperator;
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
        Nowcaster last = ModelVariants.baseline("persistence", shape);
        Nowcaster damped = model("damped", x -> last.predict(x).mul(0.3).add(0.2));
        INDArray matched = PostProcessing.of(PostProcessing.PROBABILITY_MATCHING, null).apply(damped).predict(inputs);
        INDArray persistence = last.predict(inputs);
        assertThat(matched.dataType()).isEqualTo(DataType.FLOAT);
        assertThat(matched.equalsWithEps(persistence, 1e-6)).isTrue();
        assertThat(damped.predict(inputs).get(NDArrayIndex.point(0)).equalsWithEps(
                persistence.get(NDArrayIndex.point(0)), 1e-6)).isFalse();
    }

    @Test
    void keepingTheModelsMeanScalesTheMatchedAmounts() {
        WindowShape shape = new WindowShape(2, 1, 1, 4, 4);
        // Model units are (amount - 1) / 2; the model forecasts the last frame's pattern at half its amount (a
        // decay), so matching alone gives the last frame back and keeping the mean halves it again.
        ChannelTransform target = new ChannelTransform("standardise", 0, new Statistics(100, 1, 2, 0, 5, 0, 1, 4));
        INDArray amounts = Nd4j.rand(DataType.FLOAT, 3, 2, 1, 4, 4).muli(4);
        INDArray inputs = amounts.sub(1).divi(2);
        Nowcaster last = ModelVariants.baseline("persistence", shape);
        Nowcaster halving = model("halving", x -> last.predict(x).mul(2).addi(1).muli(0.5).subi(1).divi(2));

        INDArray kept = PostProcessing.of(PostProcessing.PROBABILITY_MATCHING_MEAN, target).apply(halving)
                .predict(inputs);
        INDArray matched = PostProcessing.of(PostProcessing.PROBABILITY_MATCHING, target).apply(halving)
                .predict(inputs);

        INDArray persistence = last.predict(inputs);
        assertThat(matched.equalsWithEps(persistence, 1e-5)).as("matching alone: the last frame").isTrue();
        INDArray halfAmounts = persistence.mul(2).addi(1).muli(0.5).subi(1).divi(2);
        assertThat(kept.equalsWithEps(halfAmounts, 1e-5)).as("the last frame at the model's mean: half").isTrue();
    }

    @Test
    void unknownMethodsAreNamed() {
        assertThat(PostProcessing.of(PostProcessing.NONE, null).apply(ModelVariants.baseline(
                "persistence", new WindowShape(1, 1, 1, 2, 2))).type()).isEqualTo("persistence");
        assertThatThrownBy(() -> PostProcessing.of("smooth", null)).hasMessage("unknown postprocess 'smooth';"
                + " expected one of [none, probability-matching, probability-matching-mean]");
    }

    /** A model variant made of one function, to stand for what a trained network would forecast. */
    private static Nowcaster model(String type, UnaryOperator<INDArray> predict) {
        return new Nowcaster() {
            @Override
            public String type() {
                return type;
            }

            @Override
            public INDArray predict(INDArray x) {
                return predict.apply(x);
            }
        };
    }
}
