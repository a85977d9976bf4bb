package io.gridcast.models.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.function.BiFunction;
import java.util.function.IntFunction;

import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * The libnd4j-op convolution against DL4J's own convolution layer (same weights: same outputs and gradients) and
 * against central differences, on inputs of few channels (forward convolution plus im2col in backpropagation) and
 * of many (libnd4j's {@code conv2d_bp}).
 */
class NativeConvolutionLayerTest {

    /** Two convolutions (channels to 8 to 3) and an MSE loss; each layer from {@code conv(nOut, activation)}. */
    private static MultiLayerNetwork network(int channels, DataType dtype,
                                             BiFunction<Integer, Activation, Layer> conv) {
        MultiLayerConfiguration conf = new NeuralNetConfiguration.Builder().seed(7).dataType(dtype)
                .updater(new NoOp()).list()
                .layer(conv.apply(8, Activation.TANH))
                .layer(conv.apply(3, Activation.IDENTITY))
                .layer(new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE).activation(Activation.IDENTITY).build())
                .setInputType(InputType.convolutional(6, 7, channels))
                .build();
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init();
        return net;
    }

    private static MultiLayerNetwork nativeNetwork(int channels, DataType dtype) {
        return network(channels, dtype, (n, a) -> new NativeConvolutionLayer.Builder(3).nOut(n).activation(a).build());
    }

    private static MultiLayerNetwork dl4jNetwork(int channels, DataType dtype) {
        return network(channels, dtype, (n, a) -> new ConvolutionLayer.Builder(3, 3).stride(1, 1)
                .convolutionMode(ConvolutionMode.Same).nOut(n).activation(a).build());
    }

    @ParameterizedTest(name = "{0} input channels")
    @ValueSource(ints = {1, 9})
    void outputsAndGradientsEqualDl4jsOwnLayer(int channels) {
        MultiLayerNetwork ours = nativeNetwork(channels, DataType.DOUBLE);
        MultiLayerNetwork theirs = dl4jNetwork(channels, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(3);
        // Non-zero biases, so that a wrong bias gradient or a missing bias shows.
        ours.setParams(Nd4j.randn(DataType.DOUBLE, ours.params().shape()).muli(0.3));
        theirs.setParams(ours.params().dup());
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, channels, 6, 7);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 2, 3, 6, 7);

        assertThat(ours.output(x).equalsWithEps(theirs.output(x), 1e-12)).isTrue();
        ours.setInput(x);
        ours.setLabels(y);
        ours.computeGradientAndScore();
        theirs.setInput(x);
        theirs.setLabels(y);
        theirs.computeGradientAndScore();
        INDArray expected = theirs.gradient().gradient();
        assertThat(ours.score()).isCloseTo(theirs.score(), org.assertj.core.data.Offset.offset(1e-12));
        assertThat(ours.gradient().gradient().equalsWithEps(expected, 1e-10)).isTrue();
        // A gradient off by a factor (e.g. doubled) would not pass.
        assertThat(ours.gradient().gradient().mul(2).equalsWithEps(expected, 1e-10)).isFalse();
    }

    @ParameterizedTest(name = "{0} input channels")
    @ValueSource(ints = {1, 9})
    void gradientsMatchCentralDifferencesInDoublePrecision(int channels) {
        MultiLayerNetwork net = nativeNetwork(channels, DataType.DOUBLE);
        Nd4j.getRandom().setSeed(5);
        net.setParams(Nd4j.randn(DataType.DOUBLE, net.params().shape()).muli(0.3));
        INDArray x = Nd4j.randn(DataType.DOUBLE, 2, channels, 6, 7);
        INDArray y = Nd4j.randn(DataType.DOUBLE, 2, 3, 6, 7);
        DataType defaultType = Nd4j.dataType();
        DataType defaultFloat = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            assertThat(GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net).input(x).labels(y)
                    .epsilon(1e-6).maxRelError(1e-5).minAbsoluteError(1e-9)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY).exitOnFirstError(false)
                    // A spread-out subset of each parameter array keeps the check to seconds.
                    .subset(true).maxPerParam(25))).isTrue();
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultFloat);
        }
    }

    @Test
    void floatOutputsAndGradientsAgreeWithDl4jsOwnLayerToRounding() {
        MultiLayerNetwork ours = nativeNetwork(1, DataType.FLOAT);
        MultiLayerNetwork theirs = dl4jNetwork(1, DataType.FLOAT);
        theirs.setParams(ours.params().dup());
        Nd4j.getRandom().setSeed(4);
        INDArray x = Nd4j.randn(DataType.FLOAT, 3, 1, 6, 7);
        INDArray y = Nd4j.randn(DataType.FLOAT, 3, 3, 6, 7);
        for (MultiLayerNetwork net : new MultiLayerNetwork[] {ours, theirs}) {
            net.setInput(x);
            net.setLabels(y);
            net.computeGradientAndScore();
        }
        assertThat(ours.output(x).equalsWithEps(theirs.output(x), 1e-5)).isTrue();
        assertThat(ours.gradient().gradient().equalsWithEps(theirs.gradient().gradient(), 1e-4)).isTrue();
    }

    @Test
    void configurationSurvivesJson() {
        MultiLayerNetwork net = nativeNetwork(2, DataType.FLOAT);
        MultiLayerConfiguration back = MultiLayerConfiguration.fromJson(net.getLayerWiseConfigurations().toJson());
        assertThat(back.getConf(0).getLayer()).isInstanceOf(NativeConvolutionLayer.class)
                .isEqualTo(net.getLayerWiseConfigurations().getConf(0).getLayer());
    }

    @Test
    void refusesWhatItDoesNotCompute() {
        IntFunction<ConvolutionLayer.Builder> builder = k -> new NativeConvolutionLayer.Builder(k).nOut(4);
        assertThatThrownBy(() -> builder.apply(3).stride(2, 2).build())
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("stride 2x2");
        assertThatThrownBy(() -> builder.apply(3).dataFormat(CNN2DFormat.NHWC).build())
                .hasMessageContaining("NHWC");
        assertThatThrownBy(() -> builder.apply(2).build()).hasMessageContaining("kernel 2x2");
        assertThatThrownBy(() -> builder.apply(3).convolutionMode(ConvolutionMode.Truncate).build())
                .hasMessageContaining("Truncate");
    }
}
