package io.gridcast.models;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import java.nio.file.Path;
import java.util.List;

import io.gridcast.features.WindowShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

class ConvLstmNowcasterTest {

    private static final WindowShape SHAPE = new WindowShape(3, 2, 2, 8, 8);

    private static ModelSpec spec(boolean peephole, int patch, String loss) {
        return new ModelSpec("convlstm-test", ConvLstmNowcaster.TYPE, List.of(4, 3), 3, List.of(), 1, 4, 1e-2, 5,
                LearningRateSchedule.CONSTANT, 0, 0, 1, peephole, patch, loss);
    }

    @Test
    void trainingResumedFromASavedModelContinuesExactly(@TempDir Path dir) {
        ConvLstmNowcaster model = ConvLstmNowcaster.create(spec(true, 2, "mse"), SHAPE);
        DataSet batch = MovingBlobs.iterator(SHAPE, 4, 4, 1).next();
        model.fitBatch(batch);
        model.fitBatch(batch);
        model.save(dir);
        ConvLstmNowcaster resumed = ConvLstmNowcaster.load(dir);
        // Adam's moments and step count came back too: the next update is the same, to the bit.
        assertThat(resumed.fitBatch(batch)).isEqualTo(model.fitBatch(batch));
        assertThat(resumed.network.params).isEqualTo(model.network.params);
        assertThat(resumed.network.updaterState).isEqualTo(model.network.updaterState);
        assertThat(resumed.network.iteration).isEqualTo(3);
    }

    @Test
    void patchedPredictionsAreFullGridsInTheLabelsLayout() {
        ConvLstmNowcaster model = ConvLstmNowcaster.create(spec(true, 4, "mse"), SHAPE);
        DataSet batch = MovingBlobs.iterator(SHAPE, 4, 4, 3).next();
        INDArray predicted = model.predict(batch.getFeatures());
        assertThat(predicted.shape()).containsExactly(4, 2, 8, 8);
        // Training compares patched leads with patched labels: the same MSE only if unpatching inverts patching.
        double mse = predicted.squaredDistance(batch.getLabels()) / predicted.length();
        assertThat(model.fitBatch(batch)).isCloseTo(mse, withinPercentage(1e-3));
    }

    @Test
    void theBalancedLossNeedsWeightsWithTheLabels() {
        ConvLstmNowcaster model = ConvLstmNowcaster.create(spec(false, 1, "balanced"), SHAPE);
        DataSet batch = MovingBlobs.iterator(SHAPE, 4, 4, 3).next();
        assertThatThrownBy(() -> model.fitBatch(batch)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("loss 'balanced' needs per-cell weights [4, 2, 8, 8]");
        batch.setLabelsMaskArray(NowcastLoss.hko7Weights(batch.getLabels().mul(40)));
        assertThat(model.fitBatch(batch)).isPositive();
    }

    @Test
    void hko7WeightsStepUpAtTheThresholds() {
        INDArray rain = Nd4j.createFromArray(0.0, 0.49, 0.5, 1.99, 2.0, 5.0, 9.9, 10.0, 30.0, 120.0);
        assertThat(NowcastLoss.hko7Weights(rain).toDoubleVector())
                .containsExactly(1, 1, 1, 1, 2, 5, 5, 10, 30, 30);
    }

    @Test
    void badOptionsAreRejectedWithTheirName() {
        assertThatThrownBy(() -> ConvLstmNowcaster.create(spec(false, 3, "mse"), SHAPE))
                .hasMessageContaining("patch: expected a size >= 1 dividing the grid's 8 x 8 cells, got 3");
        assertThatThrownBy(() -> ConvLstmNowcaster.create(spec(false, 1, "huber"), SHAPE))
                .hasMessageContaining("unknown loss 'huber'; expected one of [mse, mae, balanced]");
    }

    @Test
    void inputChannelsComeFromTheWindowShape() {
        WindowShape three = new WindowShape(2, 1, 3, 8, 8);
        ConvLstmNowcaster model = ConvLstmNowcaster.create(spec(false, 1, "mse"), three);
        assertThat(model.predict(Nd4j.rand(DataType.FLOAT, 1, 2, 3, 8, 8)).shape()).containsExactly(1, 1, 8, 8);
        assertThatThrownBy(() -> model.predict(Nd4j.rand(DataType.FLOAT, 1, 2, 1, 8, 8)))
                .hasMessageContaining("channels=3");
    }
}
