package io.gridcast.models.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.offset;

import java.util.Collection;
import java.util.function.BiFunction;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.OutputLayer;
import org.deeplearning4j.nn.conf.layers.RnnLossLayer;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.junit.jupiter.api.Test;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The fused LSTM against DL4J's own LSTM layer (the same weights: the same outputs and gradients) and against central
 * differences (DL4J's {@code GradientCheckUtil}), alone and stacked under a last-step layer as the CNN-LSTM uses it.
 */
class FusedLstmTest {

    private static final int IN = 3;
    private static final int STEPS = 4;

    private static LSTM lstm(int units) {
        return new LSTM.Builder().nOut(units).activation(Activation.TANH).build();
    }

    /**
     * An LSTM of 5 units over every step, one of 4 reading its last step only, and an MSE output layer; each LSTM
     * layer made by {@code layer(lstm, lastStepOnly)}.
     */
    private static MultiLayerNetwork stacked(DataType dtype,
                                             BiFunction<LSTM, Boolean, org.deeplearning4j.nn.conf.layers.Layer> layer) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(dtype)
                .updater(new NoOp()).list()
                .layer(layer.apply(lstm(5), false))
                .layer(layer.apply(lstm(4), true))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nOut(2).build())
                .setInputType(InputType.recurrent(IN, STEPS))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork fused(DataType dtype) {
        return stacked(dtype, FusedLstm::of);
    }

    private static MultiLayerNetwork dl4j(DataType dtype) {
        return stacked(dtype, (lstm, last) -> last ? new LastTimeStep(lstm) : lstm);
    }

    /** Random parameters: the forget gate's bias at 1 and the others at 0 would hide a mixed-up gate order. */
    private static void randomise(MultiLayerNetwork net) {
        Nd4j.getRandom().setSeed(3);
        net.setParams(Nd4j.randn(net.params().dataType(), net.params().shape()).muli(0.5));
    }

    private static INDArray input(DataType dtype) {
        Nd4j.getRandom().setSeed(4);
        return Nd4j.randn(dtype, 3, IN, STEPS);
    }

    private static INDArray labels(DataType dtype) {
        Nd4j.getRandom().setSeed(5);
        return Nd4j.randn(dtype, 3, 2);
    }

    private static double maxDifference(INDArray a, INDArray b) {
        return a.sub(b).amaxNumber().doubleValue();
    }

    /**
     * The gates' tanh is the ConvLSTM's rational approximation (within 1e-6 of tanh, {@link CellValues#tanh}), so in
     * double the outputs agree with DL4J's to that, not to rounding.
     */
    @Test
    void outputsAndGradientsEqualDl4jsOwnLstmWithTheSameWeights() {
        MultiLayerNetwork ours = fused(DataType.DOUBLE);
        MultiLayerNetwork theirs = dl4j(DataType.DOUBLE);
        // The same initialisation (DL4J's parameter initialiser, the same seed) gives the same weights.
        assertThat(ours.params()).isEqualTo(theirs.params());
        randomise(ours);
        theirs.setParams(ours.params().dup());
        INDArray x = input(DataType.DOUBLE);
        INDArray y = labels(DataType.DOUBLE);

        assertThat(maxDifference(ours.output(x), theirs.output(x))).isLessThan(1e-6);
        Pair<Gradient, INDArray> expected = theirs.calculateGradients(x, y, null, null);
        Pair<Gradient, INDArray> actual = ours.calculateGradients(x, y, null, null);
        INDArray expectedGradient = expected.getFirst().gradient();
        assertThat(expectedGradient.amaxNumber().doubleValue()).isGreaterThan(1e-3);
        assertThat(maxDifference(actual.getFirst().gradient(), expectedGradient)).isLessThan(1e-6);
        assertThat(maxDifference(actual.getSecond(), expected.getSecond())).isLessThan(1e-6);
        assertThat(ours.score(new DataSet(x, y))).isCloseTo(theirs.score(new DataSet(x, y)), offset(1e-7));
    }

    @Test
    void floatOutputsAndGradientsAgreeWithDl4jsOwnLstmToRounding() {
        MultiLayerNetwork ours = fused(DataType.FLOAT);
        MultiLayerNetwork theirs = dl4j(DataType.FLOAT);
        randomise(ours);
        theirs.setParams(ours.params().dup());
        INDArray x = input(DataType.FLOAT);
        INDArray y = labels(DataType.FLOAT);
        assertThat(maxDifference(ours.output(x), theirs.output(x))).isLessThan(1e-5);
        assertThat(maxDifference(ours.calculateGradients(x, y, null, null).getFirst().gradient(),
                theirs.calculateGradients(x, y, null, null).getFirst().gradient())).isLessThan(1e-5);
    }

    /** DL4J's check, which insists on double as ND4J's default type too while it runs. */
    private static boolean gradientCheck(MultiLayerNetwork net, INDArray labels) {
        DataType defaultType = Nd4j.dataType();
        DataType defaultFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                    .input(input(DataType.DOUBLE)).labels(labels)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9).exitOnFirstError(false)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultFloat);
        }
    }

    @Test
    void dl4jsGradientCheckPassesOnTheLayerAlone() {
        MultiLayerNetwork alone = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().seed(7)
                .dataType(DataType.DOUBLE).updater(new NoOp()).list()
                .layer(FusedLstm.of(lstm(3), false))
                .layer(new RnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .build())
                .setInputType(InputType.recurrent(IN, STEPS))
                .build());
        alone.init();
        randomise(alone);
        Nd4j.getRandom().setSeed(6);
        assertThat(gradientCheck(alone, Nd4j.randn(DataType.DOUBLE, 3, 3, STEPS))).isTrue();
    }

    @Test
    void dl4jsGradientCheckPassesStackedAndFailsOnADoubledGradient() {
        MultiLayerNetwork net = fused(DataType.DOUBLE);
        randomise(net);
        assertThat(gradientCheck(net, labels(DataType.DOUBLE))).as("DL4J's gradient check").isTrue();

        MultiLayerNetwork doubled = stacked(DataType.DOUBLE,
                (lstm, last) -> last ? FusedLstm.of(lstm, true) : new Doubled(FusedLstm.of(lstm, false)));
        doubled.setParams(net.params());
        assertThat(gradientCheck(doubled, labels(DataType.DOUBLE))).as("the check of a doubled gradient").isFalse();
    }

    /** A {@link FusedLstm} whose layer returns twice its weights' gradient: what the check must catch. */
    private static final class Doubled extends FusedLstm {
        Doubled(FusedLstm of) {
            setNOut(of.getNOut());
            setActivationFn(of.getActivationFn());
            setGateActivationFn(of.getGateActivationFn());
            setRnnDataFormat(of.getRnnDataFormat());
        }

        @Override
        public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                                 INDArray view, boolean initialize, DataType dtype) {
            return LayerWiring.wire(new FusedLstmLayer(conf, dtype) {
                @Override
                public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr mgr) {
                    Pair<Gradient, INDArray> gradient = super.backpropGradient(epsilon, mgr);
                    gradientsFlattened.muli(2);
                    return gradient;
                }
            }, conf, listeners, index, view, initialize);
        }
    }

    @Test
    void theConfigurationTravelsAsDl4jJson() {
        MultiLayerConfiguration conf = fused(DataType.FLOAT).getLayerWiseConfigurations();
        String json = conf.toJson();
        assertThat(json).contains(FusedLstm.class.getName()).contains("\"lastStepOnly\" : true");
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(json);
        assertThat(back).isEqualTo(conf);
        assertThat(((FusedLstm) back.getConf(1).getLayer()).isLastStepOnly()).isTrue();
        assertThat(((FusedLstm) back.getConf(0).getLayer()).isLastStepOnly()).isFalse();
        // Every setting of DL4J's LSTM came along, the forget gate's bias initialisation among them.
        assertThat(((FusedLstm) back.getConf(0).getLayer()).getForgetGateBiasInit()).isEqualTo(1.0);
        assertThat(FusedLstm.of(lstm(2), true)).isEqualTo(FusedLstm.of(lstm(2), true))
                .isNotEqualTo(FusedLstm.of(lstm(2), false)).isNotEqualTo(lstm(2));
    }

    @Test
    void refusesWhatItDoesNotCompute() {
        LSTM sigmoid = new LSTM.Builder().nOut(2).activation(Activation.SIGMOID).build();
        MultiLayerNetwork net = new MultiLayerNetwork(new NeuralNetConfiguration.Builder().list()
                .layer(FusedLstm.of(sigmoid, true))
                .layer(new OutputLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY)
                        .nOut(1).build())
                .setInputType(InputType.recurrent(IN, STEPS))
                .build());
        assertThatThrownBy(net::init).isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("FusedLstm layer 0").hasMessageContaining("sigmoid");

        MultiLayerNetwork fused = fused(DataType.FLOAT);
        INDArray x = input(DataType.FLOAT);
        assertThatThrownBy(() -> fused.output(x, false, Nd4j.ones(DataType.FLOAT, 3, STEPS), null))
                .hasStackTraceContaining("masks are not supported");
        assertThatThrownBy(() -> fused.output(Nd4j.rand(DataType.FLOAT, 3, IN + 1, STEPS)))
                .hasStackTraceContaining("expected input [batch, 3, time], got [3, 4, 4]");
    }
}
