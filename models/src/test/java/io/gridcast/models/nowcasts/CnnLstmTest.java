package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.models.training.Validation;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import io.gridcast.features.WindowShape;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.LayerVertex;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.CnnToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
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
import org.nd4j.linalg.learning.config.NoOp;

class CnnLstmTest {

    private static final WindowShape TINY = new WindowShape(3, 2, 2, 8, 8);

    private static ModelSpec spec() {
        return new ModelSpec("cnnlstm-tiny", CnnLstmNowcaster.TYPE, List.of(4), 3, List.of(2), 1, 2, 1e-3, 11);
    }

    @Test
    void gradientsMatchCentralDifferencesInDoublePrecision() {
        ComputationGraph net = new ComputationGraph(
                CnnLstmNowcaster.configuration(spec(), TINY, DataType.DOUBLE, new NoOp()));
        net.init();
        Nd4j.getRandom().setSeed(5);
        // Zero biases put units fed by dead ReLUs exactly on the next ReLU's kink, where the numerical gradient
        // is meaningless; small random offsets move every parameter off it (the zero output layer too, so that
        // gradients reach the decoder and, through the skips and the LSTM, the encoder).
        net.setParams(net.params().add(Nd4j.rand(DataType.DOUBLE, net.params().shape()).subi(0.5).muli(0.1)));
        // Continuous random inputs: max-pooling ties (where numerical gradients break) have probability zero.
        INDArray x = CnnLstmNowcaster.toRnnLayout(Nd4j.rand(DataType.DOUBLE, 2, 3, 2, 8, 8));
        INDArray y = Nd4j.rand(DataType.DOUBLE, 2, 2, 8, 8);
        // GradientCheckUtil refuses to run unless ND4J's global default type is double.
        DataType defaultType = Nd4j.dataType();
        DataType defaultFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            boolean ok = GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(new INDArray[]{x}).labels(new INDArray[]{y}).epsilon(1e-6).maxRelError(1e-3)
                    // A score of ~20 (summed over cells) is known to ~1e-14 in double, so central differences at
                    // ε = 1e-6 are themselves uncertain by ~1e-8: smaller differences are rounding.
                    .minAbsoluteError(1e-7).print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)
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
        assertThat(loaded.predict(inputs)).isEqualTo(model.predict(inputs));
        // The updater's state came along: one more step on both ends in the same weights.
        DataSet next = data.next();
        model.fitBatch(next);
        loaded.fitBatch(next);
        assertThat(loaded.network().params()).isEqualTo(model.network().params());
    }

    @Test
    void forecastsEachWindowOfABatchOfAnotherSizeThanItsLastTrainingBatchAsItsOwn() {
        CnnLstmNowcaster model = CnnLstmNowcaster.create(spec(), TINY);
        model.fitBatch(MovingBlobs.iterator(TINY, 2, 2, 1).next());
        INDArray three = MovingBlobs.iterator(TINY, 3, 3, 2).next().getFeatures();
        INDArray forecasts = model.predict(three);
        assertThat(forecasts.shape()).containsExactly(3, 2, 8, 8);
        for (int b = 0; b < 3; b++) {
            INDArray alone = model.predict(three.get(NDArrayIndex.interval(b, b + 1)));
            assertThat(forecasts.get(NDArrayIndex.interval(b, b + 1)).sub(alone).amaxNumber().doubleValue())
                    .as("window %d", b).isLessThan(1e-6);
        }
    }

    @Test
    void aModelSavedByAnOlderGridcastIsRefusedWithWhatToDo(@TempDir Path dir) throws IOException {
        // Before the decoder's skip connections the CNN-LSTM was a DL4J MultiLayerNetwork, saved under the same name.
        MultiLayerNetwork old = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(new OutputLayer.Builder().nIn(4).nOut(2).build()).build());
        old.init();
        ModelSerializer.writeModel(old, dir.resolve(CnnLstmNowcaster.MODEL_FILE).toFile(), true);
        Windows.writeShape(TINY, dir);
        assertThatThrownBy(() -> CnnLstmNowcaster.load(dir)).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("was saved by an older gridcast (a network without the decoder's skip "
                        + "connections); retrain it with `gridcast run train`");
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
    void frameTOfTheInputIsWhatTheCnnSeesAtStepTAndTheSkipsCarryTheLastFramesMaps() {
        INDArray inputs = Nd4j.rand(DataType.FLOAT, 2, 3, 2, 8, 8);
        ComputationGraph net = CnnLstmNowcaster.create(spec(), TINY).network();
        RnnToCnnPreProcessor toCnn = (RnnToCnnPreProcessor)
                ((LayerVertex) net.getConfiguration().getVertices().get("encode0")).getPreProcessor();
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
        // The decoder's skip holds example b's last frame (step 2), image 2*batch + b of the encoder's stack.
        Map<String, INDArray> activations = net.feedForward(rnn, false);
        INDArray encoded = activations.get("encode0");
        INDArray skip = activations.get("skip0");
        assertThat(skip.shape()).containsExactly(2, 2, 8, 8);
        for (int b = 0; b < 2; b++) {
            assertThat(skip.get(NDArrayIndex.point(b)).equals(encoded.get(NDArrayIndex.point(2 * 2L + b))))
                    .as("b=%d", b).isTrue();
        }
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
