package io.gridcast.models.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.File;
import java.io.IOException;
import java.nio.file.Path;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.rnn.LastTimeStepVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.RnnOutputLayer;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.util.ModelSerializer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The ConvLSTM layer as a DL4J user meets it: in a {@code ComputationGraph} between DL4J's own layers, checked by
 * DL4J's {@code GradientCheckUtil}, trained by DL4J's updater and saved by {@code ModelSerializer}.
 */
class ConvLstmLayerTest {

    private static final int CHANNELS = 2;
    private static final int HEIGHT = 4;
    private static final int WIDTH = 5;
    private static final int STEPS = 3;

    /**
     * Two stacked ConvLSTM layers (so the input gradient of the upper one is checked too) and DL4J's
     * {@code RnnOutputLayer} reading every step's hidden state.
     */
    private static ComputationGraph stacked(ConvLstm lower, ConvLstm upper, DataType dtype, IUpdater updater) {
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .dataType(dtype).seed(12).updater(updater)
                .graphBuilder()
                .addInputs("frames")
                .setInputTypes(InputType.recurrent((long) CHANNELS * HEIGHT * WIDTH, STEPS))
                .addLayer("lower", lower, "frames")
                .addLayer("upper", upper, "lower")
                .addLayer("out", new RnnOutputLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).nOut(2).build(), "upper")
                .setOutputs("out")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    private static ConvLstm convLstm(int filters, boolean peephole) {
        return new ConvLstm.Builder().nOut(filters).kernel(3).grid(HEIGHT, WIDTH).peephole(peephole).build();
    }

    /** Randomises every parameter: at their initial zeros the peepholes would not take part in the other gradients. */
    private static void randomise(ComputationGraph net) {
        Nd4j.getRandom().setSeed(3);
        net.params().addi(Nd4j.randn(net.params().dataType(), net.params().shape()).muli(0.1));
    }

    private static INDArray[] inputs(DataType dtype) {
        Nd4j.getRandom().setSeed(7);
        return new INDArray[]{Nd4j.rand(dtype, 2, (long) CHANNELS * HEIGHT * WIDTH, STEPS)};
    }

    private static INDArray[] labels(DataType dtype) {
        Nd4j.getRandom().setSeed(8);
        return new INDArray[]{Nd4j.rand(dtype, 2, 2, STEPS)};
    }

    /** DL4J's check, which insists on double as ND4J's default type too while it runs. */
    private static boolean gradientCheck(ComputationGraph net) {
        DataType defaultType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.GraphConfig().net(net)
                    .inputs(inputs(DataType.DOUBLE)).labels(labels(DataType.DOUBLE))
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-8).exitOnFirstError(true)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultType);
        }
    }

    @ParameterizedTest(name = "peephole {0}")
    @ValueSource(booleans = {false, true})
    void dl4jsGradientCheckPassesInDoubleAndFailsOnADoubledGradient(boolean peephole) {
        ComputationGraph net = stacked(convLstm(3, peephole), convLstm(2, peephole), DataType.DOUBLE, new NoOp());
        randomise(net);
        assertThat(gradientCheck(net)).as("DL4J's gradient check").isTrue();

        // The same check on the same network whose upper layer returns twice its gradient (the SameDiffLayer fault).
        ComputationGraph doubled = stacked(convLstm(3, peephole), new Doubled(convLstm(2, peephole)),
                DataType.DOUBLE, new NoOp());
        doubled.setParams(net.params());
        assertThat(gradientCheck(doubled)).as("the check of a doubled gradient").isFalse();
    }

    /** A {@link ConvLstm} whose layer doubles the gradient it returns: what the check must catch. */
    private static final class Doubled extends ConvLstm {
        Doubled(ConvLstm of) {
            setNOut(of.getNOut());
            setKernel(of.getKernel());
            setHeight(of.getHeight());
            setWidth(of.getWidth());
            setPeephole(of.isPeephole());
        }

        @Override
        ConvLstmLayer newLayer(NeuralNetConfiguration conf, DataType dtype) {
            return new ConvLstmLayer(conf, dtype) {
                @Override
                public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
                    Pair<Gradient, INDArray> gradient = super.backpropGradient(epsilon, mgr);
                    gradientsFlattened.muli(2);
                    return gradient;
                }
            };
        }
    }

    /**
     * Training runs in float on oneDNN's convolutions (16 filters: padded channel blocks) and the float loops; the
     * gradient check in double on libnd4j's: both give the same outputs and gradients, to float precision.
     */
    @ParameterizedTest(name = "peephole {0}")
    @ValueSource(booleans = {false, true})
    void floatComputesWhatTheCheckedDoublePrecisionComputes(boolean peephole) {
        ComputationGraph inDouble = stacked(convLstm(16, peephole), convLstm(4, peephole), DataType.DOUBLE,
                new NoOp());
        randomise(inDouble);
        ComputationGraph inFloat = stacked(convLstm(16, peephole), convLstm(4, peephole), DataType.FLOAT,
                new NoOp());
        inFloat.setParams(inDouble.params().castTo(DataType.FLOAT));

        INDArray expected = inDouble.outputSingle(inputs(DataType.DOUBLE));
        INDArray actual = inFloat.outputSingle(inputs(DataType.FLOAT)).castTo(DataType.DOUBLE);
        assertThat(actual.sub(expected).amaxNumber().doubleValue())
                .isLessThan(1e-5 * expected.amaxNumber().doubleValue());

        INDArray expectedGradient = gradient(inDouble, DataType.DOUBLE);
        INDArray actualGradient = gradient(inFloat, DataType.FLOAT).castTo(DataType.DOUBLE);
        assertThat(actualGradient.sub(expectedGradient).amaxNumber().doubleValue())
                .isLessThan(1e-4 * expectedGradient.amaxNumber().doubleValue());
    }

    private static INDArray gradient(ComputationGraph net, DataType dtype) {
        net.setInputs(inputs(dtype));
        net.setLabels(labels(dtype));
        net.computeGradientAndScore();
        return net.gradient().gradient().dup();
    }

    @Test
    void theConfigurationTravelsAsDl4jJson() {
        ComputationGraph net = stacked(convLstm(3, true), convLstm(2, false), DataType.FLOAT, new Adam(1e-3));
        String json = net.getConfiguration().toJson();
        assertThat(json).contains(ConvLstm.class.getName()).contains("\"peephole\" : true");
        assertThat(ComputationGraphConfiguration.fromJson(json)).isEqualTo(net.getConfiguration());
        // nIn came from the input type: CHANNELS for the lower layer, the lower layer's filters for the upper.
        assertThat(((ConvLstm) net.getLayer("upper").conf().getLayer()).getNIn()).isEqualTo(3);
        assertThat(net.getLayer("lower").numParams()).isEqualTo(
                4L * 3 * (CHANNELS + 3) * 9 + 4 * 3 + 3L * 3 * HEIGHT * WIDTH);
    }

    /**
     * What a DL4J user builds: frames of a moving square in, a ConvLSTM over them, DL4J's last-step vertex, a 1x1
     * convolution and a loss layer out, trained with Adam to forecast the next frame.
     */
    private static ComputationGraph userGraph() {
        int size = 8;
        ComputationGraphConfiguration conf = new NeuralNetConfiguration.Builder()
                .seed(1).updater(new Adam(1e-2))
                .graphBuilder()
                .addInputs("radar")
                .setInputTypes(InputType.recurrent(size * size, 4))
                .addLayer("convlstm", new ConvLstm.Builder().nOut(8).kernel(3).grid(size, size).build(), "radar")
                .addVertex("last", new LastTimeStepVertex("radar"), "convlstm")
                .addLayer("head", new ConvolutionLayer.Builder(1, 1).nOut(1).activation(Activation.IDENTITY)
                        .build(), new FeedForwardToCnnPreProcessor(size, size, 8), "last")
                .addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                        .activation(Activation.IDENTITY).build(), "head")
                .setOutputs("loss")
                .build();
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        return net;
    }

    /** Four frames of a 2 x 2 square moving one cell right per frame, and the fifth as the label. */
    private static MultiDataSet movingSquares() {
        int size = 8;
        int batch = 4;
        INDArray frames = Nd4j.zeros(DataType.FLOAT, batch, size * size, 4);
        INDArray next = Nd4j.zeros(DataType.FLOAT, batch, 1, size, size);
        for (int b = 0; b < batch; b++) {
            int row = 1 + 2 * b % (size - 2);
            for (int t = 0; t <= 4; t++) {
                for (int dy = 0; dy < 2; dy++) {
                    for (int dx = 0; dx < 2; dx++) {
                        int y = row + dy;
                        int x = t + dx;
                        if (t < 4) {
                            frames.putScalar(new long[]{b, (long) y * size + x, t}, 1);
                        } else {
                            next.putScalar(new long[]{b, 0, y, x}, 1);
                        }
                    }
                }
            }
        }
        return new MultiDataSet(frames, next);
    }

    @Test
    void aUserBuiltGraphLearnsTheNextFrame() {
        ComputationGraph net = userGraph();
        MultiDataSet data = movingSquares();
        double first = net.score(data);
        for (int i = 0; i < 60; i++) {
            net.fit(data);
        }
        assertThat(net.score(data)).isLessThan(first / 5);
    }

    @Test
    void modelSerializerRestoresTheOutputsAndAResumedTrainingEqualsAnUninterruptedOne(@TempDir Path dir)
            throws IOException {
        ComputationGraph net = userGraph();
        MultiDataSet data = movingSquares();
        net.fit(data);
        net.fit(data);
        File file = dir.resolve("convlstm.zip").toFile();
        ModelSerializer.writeModel(net, file, true);
        ComputationGraph restored = ModelSerializer.restoreComputationGraph(file, true);

        assertThat(restored.outputSingle(data.getFeatures(0))).isEqualTo(net.outputSingle(data.getFeatures(0)));
        // Adam's moments and step count came back with the weights: the next updates are the same, to the bit.
        for (int i = 0; i < 2; i++) {
            net.fit(data);
            restored.fit(data);
        }
        assertThat(restored.params()).isEqualTo(net.params());
    }

    @Test
    void anInputOfAnotherGridIsRejectedWithTheLayersName() {
        ComputationGraph net = userGraph();
        assertThatThrownBy(() -> net.outputSingle(Nd4j.rand(DataType.FLOAT, 1, 6 * 6, 4)))
                .hasStackTraceContaining("ConvLstm layer 'convlstm': expected input [batch, 1 channels x "
                        + "8 x 8 cells, time], got [1, 36, 4]");
    }
}
