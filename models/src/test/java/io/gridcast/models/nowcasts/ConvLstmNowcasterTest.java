package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.Statistics;
import io.gridcast.features.TransformSpec;
import io.gridcast.features.WindowShape;
import io.gridcast.models.networks.ConvLstmEncoderForecaster;
import io.gridcast.models.postprocessing.PostProcessing;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

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
        assertThat(resumed.network().params()).isEqualTo(model.network().params());
        assertThat(resumed.network().getUpdater().getStateViewArray())
                .isEqualTo(model.network().getUpdater().getStateViewArray());
        assertThat(resumed.network().getLayerWiseConfigurations().getIterationCount()).isEqualTo(3);
    }

    @Test
    void theNetworkIsDl4jsWithItsConfigurationInDl4jsJson() {
        ConvLstmNowcaster model = ConvLstmNowcaster.create(spec(true, 2, "balanced"), SHAPE);
        MultiLayerConfiguration conf = model.network().getLayerWiseConfigurations();
        String json = conf.toJson();
        assertThat(json).contains(ConvLstmEncoderForecaster.class.getName()).contains(BalancedLoss.class.getName());
        assertThat(MultiLayerConfiguration.fromJson(json)).isEqualTo(conf);
        // Every weight is in DL4J's flattened parameters: encoder and forecaster cells of both depths, and the head.
        assertThat(model.parameters()).isEqualTo(model.network().params().length());
        assertThat(model.network().getLayer(0).paramTable().keySet()).containsExactly(
                "encoder0W", "encoder0b", "encoder0P", "encoder1W", "encoder1b", "encoder1P",
                "forecaster0W", "forecaster0b", "forecaster0P", "forecaster1W", "forecaster1b", "forecaster1P");
    }

    @Test
    void aModelSavedByAnOlderGridcastIsRefusedWithWhatToDo(@TempDir Path dir) throws IOException {
        ConvLstmNowcaster.create(spec(false, 1, "mse"), SHAPE).save(dir);
        // What the variant saved before its network moved into DL4J: its own weights file, no DL4J model.
        Files.delete(dir.resolve(ConvLstmNowcaster.MODEL_FILE));
        Files.write(dir.resolve(ConvLstmNowcaster.OLD_PARAMS_FILE), new byte[16]);
        assertThatThrownBy(() -> ConvLstmNowcaster.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was saved by an older gridcast (convlstm-params.bin, no convlstm.zip); "
                        + "retrain it with `gridcast run train`");
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
    void aResidualModelAddsItsOutputToTheLastInputFrame(@TempDir Path dir) {
        ModelSpec direct = spec(false, 2, "mse");
        ModelSpec residual = new ModelSpec(direct.name(), direct.type(), direct.hidden(), direct.kernel(),
                direct.filters(), direct.epochs(), direct.batchSize(), direct.learningRate(), direct.seed(),
                direct.lrSchedule(), 0, 0, 1, false, 2, "mse", true, PostProcessing.NONE);
        INDArray inputs = MovingBlobs.iterator(SHAPE, 4, 4, 3).next().getFeatures();
        // The same seed gives the same weights: the two differ by the newest frame of channel 0 at every lead.
        INDArray change = ConvLstmNowcaster.create(residual, SHAPE).predict(inputs)
                .sub(ConvLstmNowcaster.create(direct, SHAPE).predict(inputs));
        INDArray last = inputs.get(NDArrayIndex.all(), NDArrayIndex.point(SHAPE.in() - 1), NDArrayIndex.point(0));
        for (int lead = 0; lead < SHAPE.out(); lead++) {
            assertThat(change.get(NDArrayIndex.all(), NDArrayIndex.point(lead)).equalsWithEps(last, 1e-5)).isTrue();
        }
        // The formulation is saved with the weights.
        ConvLstmNowcaster model = ConvLstmNowcaster.create(residual, SHAPE);
        model.save(dir);
        assertThat(ConvLstmNowcaster.load(dir).predict(inputs)).isEqualTo(model.predict(inputs));
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
    void balancedWeightsComeFromTheLabelsAsRainRates() {
        // 10-minute accumulations in kg m-2, standardised with mean 1 and standard deviation 2
        ChannelTransform transform = TransformSpec.STANDARDISE.fit(new Statistics(100, 1, 2, 0, 20, 0, 1, 15));
        DataSetPreProcessor weighting = NowcastLoss.hko7Weighting(transform, "kg m-2", Duration.ofMinutes(10));
        // model units -> 1 + 2v kg m-2 per 10 min -> x6 mm/h: 0, 0.6, 3, 6, 12, 36, 120 mm/h
        INDArray labels = Nd4j.createFromArray(-0.5f, -0.45f, -0.25f, 0f, 0.5f, 2.5f, 9.5f).reshape(1, 1, 1, 7);
        DataSet batch = new DataSet(Nd4j.zeros(1, 1, 1, 1, 7), labels);

        weighting.preProcess(batch);

        assertThat(batch.getLabelsMaskArray().data().asDouble()).containsExactly(1, 1, 2, 5, 10, 30, 30);
        assertThat(NowcastLoss.mmPerHour("mm h-1", Duration.ofMinutes(5))).isCloseTo(1, within(1e-9));
        assertThat(NowcastLoss.mmPerHour("m s-1", Duration.ofMinutes(5))).isCloseTo(3.6e6, within(1e-3));
        assertThatThrownBy(() -> NowcastLoss.mmPerHour("K", Duration.ofMinutes(5)))
                .hasMessageContaining("units 'K' are neither a rate convertible to mm/h nor an amount per time step");
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
