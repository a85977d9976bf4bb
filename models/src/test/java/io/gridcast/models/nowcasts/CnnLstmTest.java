package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.models.training.Validation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

import io.gridcast.features.WindowShape;
import io.gridcast.models.networks.FusedLstm;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.preprocessor.CnnToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

class CnnLstmTest {

    private static final WindowShape TINY = new WindowShape(3, 2, 2, 8, 8);

    private static ModelSpec spec() {
        return new ModelSpec("cnnlstm-tiny", CnnLstmNowcaster.TYPE, List.of(4), 3, List.of(2), 1, 2, 1e-3, 11);
    }

    @Test
    void gradientsMatchCentralDifferencesInDoublePrecision() {
        MultiLayerNetwork net = new MultiLayerNetwork(
                CnnLstmNowcaster.configuration(spec(), TINY, DataType.DOUBLE, new NoOp()));
        net.init();
        Nd4j.getRandom().setSeed(5);
        // Zero biases put units fed by dead ReLUs exactly on the next ReLU's kink, where the numerical gradient
        // is meaningless; small random offsets move every parameter off it.
        net.setParams(net.params().add(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5).muli(0.1)));
        // Continuous random inputs: max-pooling ties (where numerical gradients break) have probability zero.
        INDArray x = CnnLstmNowcaster.toRnnLayout(Nd4j.rand(DataType.DOUBLE, 2, 3, 2, 8, 8));
        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2, 8, 8);
        // GradientCheckUtil refuses to run unless ND4J's global default type is double.
        DataType defaultType = Nd4j.dataType();
        DataType defaultFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x)
                    .labels(y).epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)
                    // A spread-out subset of each parameter array keeps the check to seconds.
                    .subset(true).maxPerParam(30));
            assertThat(ok).isTrue();
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultFloat);
        }
    }

    @Test
    void savedModelForecastsExactlyAsTheTrainedOne(@TempDir Path dir) {
        CnnLstmNowcaster model = CnnLstmNowcaster.create(spec(), TINY);
        DataSetIterator data = MovingBlobs.iterator(TINY, 6, 2, 1);
        model.fitBatch(data.next());
        model.save(dir);
        CnnLstmNowcaster loaded = CnnLstmNowcaster.load(dir);
        INDArray inputs = data.next().getFeatures();
        assertThat(loaded.network().getLayer(0).getClass()).isEqualTo(model.network().getLayer(0).getClass());
        assertThat(loaded.predict(inputs)).isEqualTo(model.predict(inputs));
        // The updater's state came along: one more step on both ends in the same weights.
        DataSet next = data.next();
        model.fitBatch(next);
        loaded.fitBatch(next);
        assertThat(loaded.network().params()).isEqualTo(model.network().params());
    }

    /** The configuration as saved before {@link FusedLstm}: DL4J's LSTM layers, the last in its LastTimeStep. */
    private static MultiLayerConfiguration withDl4jLstm(MultiLayerConfiguration conf) throws IOException {
        for (NeuralNetConfiguration layer : conf.getConfs()) {
            if (layer.getLayer() instanceof FusedLstm fused) {
                ObjectNode json = NeuralNetConfiguration.mapper().valueToTree(fused);
                json.put("@class", LSTM.class.getName());
                json.remove("lastStepOnly");
                LSTM lstm = (LSTM) NeuralNetConfiguration.mapper().treeToValue(json, Layer.class);
                layer.setLayer(fused.isLastStepOnly() ? new LastTimeStep(lstm) : lstm);
            }
        }
        return conf;
    }

    @Test
    void aModelSavedWithDl4jsLstmLayersLoadsIntoFusedLstmLayersWithItsWeightsAndAdamState(@TempDir Path dir)
            throws IOException {
        ModelSpec twoLstmLayers = new ModelSpec("c", CnnLstmNowcaster.TYPE, List.of(4, 3), 3, List.of(2), 1, 2, 1e-3,
                11);
        MultiLayerNetwork old = new MultiLayerNetwork(withDl4jLstm(
                CnnLstmNowcaster.configuration(twoLstmLayers, TINY, DataType.FLOAT, new Adam(1e-3))));
        old.init();
        DataSetIterator data = MovingBlobs.iterator(TINY, 6, 2, 1);
        DataSet batch = data.next();
        DataSet residual = new DataSet(CnnLstmNowcaster.toRnnLayout(batch.getFeatures()),
                batch.getLabels().sub(Windows.lastFrame(batch.getFeatures())));
        old.fit(residual);
        old.fit(residual);
        ModelSerializer.writeModel(old, dir.resolve(CnnLstmNowcaster.MODEL_FILE).toFile(), true);
        Windows.writeShape(TINY, dir);

        CnnLstmNowcaster loaded = CnnLstmNowcaster.load(dir);
        MultiLayerNetwork net = loaded.network();
        assertThat(net.getLayerWiseConfigurations().getConfs().stream().map(NeuralNetConfiguration::getLayer)
                .filter(FusedLstm.class::isInstance).map(FusedLstm.class::cast).map(FusedLstm::isLastStepOnly))
                .containsExactly(false, true);
        assertThat(net.params()).isEqualTo(old.params());
        assertThat(net.getUpdater().getStateViewArray()).isEqualTo(old.getUpdater().getStateViewArray());
        assertThat(net.getIterationCount()).isEqualTo(2);
        INDArray inputs = data.next().getFeatures();
        INDArray expected = old.output(CnnLstmNowcaster.toRnnLayout(inputs)).addi(Windows.lastFrame(inputs));
        assertThat(loaded.predict(inputs).sub(expected).amaxNumber().doubleValue()).isLessThan(1e-5);
        // Training goes on from Adam's saved state: one more step on both ends in the same weights, to rounding.
        loaded.fitBatch(batch);
        old.fit(residual);
        assertThat(net.params().sub(old.params()).amaxNumber().doubleValue()).isLessThan(1e-5);
    }

    @Test
    void sameSeedTrainsToTheSameWeights() {
        INDArray[] weights = new INDArray[2];
        for (int run = 0; run < 2; run++) {
            CnnLstmNowcaster model = CnnLstmNowcaster.create(spec(), TINY);
            DataSetIterator data = MovingBlobs.iterator(TINY, 4, 2, 1);
            while (data.hasNext()) {
                model.fitBatch(data.next());
            }
            weights[run] = model.network().params();
        }
        assertThat(weights[1]).isEqualTo(weights[0]);
    }

    @Test
    void frameTOfTheInputIsWhatTheCnnSeesAtStepT() {
        INDArray inputs = Nd4j.rand(DataType.FLOAT, 2, 3, 2, 8, 8);
        MultiLayerNetwork net = CnnLstmNowcaster.create(spec(), TINY).network();
        RnnToCnnPreProcessor toCnn = (RnnToCnnPreProcessor) net.getLayerWiseConfigurations().getInputPreProcess(0);
        INDArray rnn = CnnLstmNowcaster.toRnnLayout(inputs);
        INDArray images = toCnn.preProcess(rnn, 2, LayerWorkspaceMgr.noWorkspaces());
        assertThat(images.shape()).containsExactly(6, 2, 8, 8);
        for (int b = 0; b < 2; b++) {
            for (int t = 0; t < 3; t++) {
                INDArray frame = inputs.get(NDArrayIndex.point(b), NDArrayIndex.point(t), NDArrayIndex.all(),
                        NDArrayIndex.all(), NDArrayIndex.all());
                // The preprocessor stacks time-major: image t*batch + b is example b at step t.
                assertThat(images.get(NDArrayIndex.point(t * 2L + b)).equals(frame)).as("b=%d t=%d", b, t).isTrue();
            }
        }
        // ...and the way back to the LSTM puts step t's encoding at time index t again.
        INDArray back = new CnnToRnnPreProcessor(8, 8, 2).preProcess(images, 2, LayerWorkspaceMgr.noWorkspaces());
        assertThat(back.equals(rnn)).isTrue();
    }

    @Test
    void untrainedModelIsPersistence() {
        WindowShape shape = new WindowShape(4, 3, 2, 16, 16);
        CnnLstmNowcaster model = CnnLstmNowcaster.create(
                new ModelSpec("c", CnnLstmNowcaster.TYPE, List.of(8), 3, List.of(4, 8), 1, 4, 1e-3, 3), shape);
        INDArray inputs = MovingBlobs.iterator(shape, 4, 4, 1).next().getFeatures();
        assertThat(model.predict(inputs))
                .isEqualTo(new PersistenceNowcaster(shape).predict(inputs));
    }

    @Test
    void rejectsAGridNotDivisibleByTheStages() {
        ModelSpec twoStages = new ModelSpec("c", CnnLstmNowcaster.TYPE, List.of(4), 3, List.of(2, 4), 1, 2, 1e-3, 1);
        assertThatThrownBy(() -> CnnLstmNowcaster.create(twoStages, new WindowShape(3, 2, 1, 12, 10)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("12x10").hasMessageContaining("2^2 = 4");
    }

    @Test
    void outputShapeAndScoreScaleMatchTheSharedMse() {
        WindowShape shape = new WindowShape(4, 3, 2, 16, 16);
        CnnLstmNowcaster model = CnnLstmNowcaster.create(
                new ModelSpec("c", CnnLstmNowcaster.TYPE, List.of(8), 3, List.of(4, 8), 1, 4, 1e-3, 3), shape);
        DataSetIterator data = MovingBlobs.iterator(shape, 4, 4, 1);
        DataSet batch = data.next();
        assertThat(model.predict(batch.getFeatures()).shape()).containsExactly(4, 3, 16, 16);
        // The network itself is scored on the residual to the last input frame.
        double score = model.network().score(new DataSet(CnnLstmNowcaster.toRnnLayout(batch.getFeatures()),
                batch.getLabels().sub(Windows.lastFrame(batch.getFeatures()))));
        assertThat(CnnLstmNowcaster.scoreToMse(score, shape))
                .isCloseTo(Validation.mse(model, data), org.assertj.core.data.Percentage.withPercentage(1e-3));
    }
}
