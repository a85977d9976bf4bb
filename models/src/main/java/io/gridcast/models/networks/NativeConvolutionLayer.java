package io.gridcast.models.networks;

import java.util.Collection;
import java.util.Map;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.CNN2DFormat;
import org.deeplearning4j.nn.conf.ConvolutionMode;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.ConvolutionLayer;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.params.ConvolutionParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;

/**
 * DL4J's 2-D convolution layer (same configuration, parameters and serialisation) computed by libnd4j's
 * {@code conv2d} op, which runs oneDNN's forward kernels. DL4J 1.0.0-M2.1's own layer never uses its oneDNN helper
 * (system property {@code org.eclipse.deeplearning4j.helpers.disable} defaults to true, and the helper's check
 * then looks up a class ND4J no longer has), so it convolves by {@code im2col} and a GEMM in Java-driven steps, and
 * computes the forward convolution a second time in backpropagation. Here forward keeps its pre-activation for
 * backpropagation, and the gradients come from libnd4j's {@code conv2d_bp}, except on inputs of few channels (the
 * encoder's first layer), where {@code conv2d_bp} is an order of magnitude slower than a forward convolution for the
 * input gradient and {@code im2col} with a GEMM for the weights. NCHW, stride 1, no dilation, {@link ConvolutionMode#Same}, a bias, no dropout or weight noise: what the
 * CNN-LSTM uses; {@link Builder#build} refuses anything else.
 */
public class NativeConvolutionLayer extends ConvolutionLayer {

    /** For JSON (a saved model's configuration); the builder makes layers. */
    protected NativeConvolutionLayer() {
        super(new ConvolutionLayer.Builder());
    }

    private NativeConvolutionLayer(Builder builder) {
        super(builder);
    }

    @Override
    public Layer instantiate(NeuralNetConfiguration conf, Collection<TrainingListener> listeners, int index,
                             INDArray params, boolean initializeParams, DataType dataType) {
        Impl layer = new Impl(conf, dataType);
        layer.setListeners(listeners);
        layer.setIndex(index);
        // As DL4J's own layers do: a ComputationGraph's updater finds a layer's parameters through this view.
        layer.setParamsViewArray(params);
        ParamInitializer initializer = initializer();
        layer.setParamTable(initializer.init(conf, params, initializeParams));
        layer.setConf(conf);
        return layer;
    }

    @Override
    public NativeConvolutionLayer clone() {
        return (NativeConvolutionLayer) super.clone();
    }

    /** DL4J's convolution builder, restricted on {@link #build} to what the ops here compute. */
    public static final class Builder extends ConvolutionLayer.Builder {

        public Builder(int kernel) {
            super(kernel, kernel);
            stride(1, 1);
            convolutionMode(ConvolutionMode.Same);
        }

        @Override
        public NativeConvolutionLayer build() {
            if (kernelSize[0] % 2 == 0 || kernelSize[1] % 2 == 0 || stride[0] != 1 || stride[1] != 1
                    || dilation[0] != 1 || dilation[1] != 1 || convolutionMode != ConvolutionMode.Same || !hasBias
                    || dataFormat != CNN2DFormat.NCHW || iDropout != null || weightNoise != null) {
                throw new IllegalArgumentException("NativeConvolutionLayer computes NCHW activations with odd kernels"
                        + " at stride 1, without dilation, in Same mode, with a bias and without dropout or weight"
                        + " noise; got kernel " + kernelSize[0] + "x" + kernelSize[1] + ", stride " + stride[0] + "x"
                        + stride[1] + ", dilation " + dilation[0] + "x" + dilation[1] + ", mode " + convolutionMode
                        + ", " + dataFormat);
            }
            return new NativeConvolutionLayer(this);
        }
    }

    /** The layer itself: DL4J's convolution layer with forward and backward passes through libnd4j's ops. */
    static final class Impl extends org.deeplearning4j.nn.layers.convolution.ConvolutionLayer {

        /**
         * Below this many input channels {@code conv2d_bp} is slow (oneDNN 2.3 in libnd4j: 200-340 ms for 40 images of
         * 64 x 64 cells and 1, 2 or 4 channels to 8, against 20-130 ms for a forward convolution plus im2col and a
         * GEMM); from 8 channels on it was 2-3x faster than those.
         */
        static final int FEW_CHANNELS = 8;

        /** Forward's pre-activation, for the backward pass that follows it in training (same workspace scope). */
        private INDArray preActivation;

        Impl(NeuralNetConfiguration conf, DataType dataType) {
            super(conf, dataType);
        }

        @Override
        public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(false);
            validateInputRank();
            INDArray in = input.castTo(dataType);
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, training, workspaceMgr);
            INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, training, workspaceMgr);
            long[] s = in.shape();
            long outChannels = layerConf().getNOut();
            INDArray z = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                    new long[] {s[0], outChannels, s[2], s[3]}, 'c');
            Nd4j.exec(op("conv2d").addInputs(in, weights, bias.reshape(outChannels)).addOutputs(z).build());
            preActivation = training ? z : null;
            if (training) {
                z = workspaceMgr.dup(ArrayType.ACTIVATIONS, z);
            }
            return layerConf().getActivationFn().getActivation(z, training);
        }

        @Override
        public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
            assertInputSet(true);
            if (preActivation == null) {
                // Backpropagation without a training forward pass just before (DL4J's own layer recomputes too).
                activate(true, workspaceMgr);
            }
            INDArray delta = layerConf().getActivationFn().backprop(preActivation, epsilon).getFirst();
            preActivation = null;
            INDArray in = input.castTo(dataType);
            INDArray weights = getParamWithNoise(ConvolutionParamInitializer.WEIGHT_KEY, true, workspaceMgr);
            long[] s = in.shape();
            long outChannels = layerConf().getNOut();

            INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType, s, 'c');
            INDArray weightGradient = gradientViews.get(ConvolutionParamInitializer.WEIGHT_KEY);
            INDArray biasGradient = gradientViews.get(ConvolutionParamInitializer.BIAS_KEY);
            if (s[1] >= FEW_CHANNELS) {
                INDArray bias = getParamWithNoise(ConvolutionParamInitializer.BIAS_KEY, true, workspaceMgr);
                Nd4j.exec(op("conv2d_bp").addInputs(in, weights, bias.reshape(outChannels), delta)
                        .addOutputs(inputGradient, weightGradient, biasGradient.reshape(outChannels)).build());
            } else {
                inputGradientByForwardConvolution(delta, weights, inputGradient);
                weightGradientByColumns(in, delta, weightGradient);
                biasGradient.assign(delta.sum(0, 2, 3).reshape(biasGradient.shape()));
            }
            Gradient gradient = new DefaultGradient();
            Map<String, INDArray> byName = gradient.gradientForVariable();
            byName.put(ConvolutionParamInitializer.BIAS_KEY, biasGradient);
            byName.put(ConvolutionParamInitializer.WEIGHT_KEY, weightGradient);
            return new Pair<>(gradient, inputGradient);
        }

        /**
         * The input gradient as a forward convolution of {@code delta} with the weights flipped in space and with in
         * and out swapped (stride 1, Same padding, odd kernel): oneDNN's forward kernels.
         */
        private void inputGradientByForwardConvolution(INDArray delta, INDArray weights, INDArray inputGradient) {
            long[] w = weights.shape();
            INDArray flipped = Nd4j.createUninitialized(dataType, w[1], w[0], w[2], w[3]);
            Nd4j.exec(DynamicCustomOp.builder("reverse").addInputs(weights.permute(1, 0, 2, 3).dup('c'))
                    .addOutputs(flipped).addIntegerArguments(2, 3).build());
            Nd4j.exec(op("conv2d").addInputs(delta, flipped).addOutputs(inputGradient).build());
        }

        /** The weight gradient: per image, {@code delta} [out, cells] times the input's columns [in*kH*kW, cells]ᵀ. */
        private void weightGradientByColumns(INDArray in, INDArray delta, INDArray weightGradient) {
            int[] kernel = layerConf().getKernelSize();
            long[] s = in.shape();
            long cells = s[2] * s[3];
            INDArray columns = Nd4j.createUninitialized(dataType, s[0], s[1], kernel[0], kernel[1], s[2], s[3]);
            Nd4j.exec(DynamicCustomOp.builder("im2col").addInputs(in).addOutputs(columns)
                    .addIntegerArguments(kernel[0], kernel[1], 1, 1, kernel[0] / 2, kernel[1] / 2, 1, 1, 0)
                    .addFloatingPointArguments(0.0).build());
            INDArray perImage = Nd4j.matmul(delta.reshape(s[0], delta.size(1), cells),
                    columns.reshape(s[0], s[1] * kernel[0] * kernel[1], cells), false, true, false);
            weightGradient.assign(perImage.sum(0).reshape(weightGradient.shape()));
        }

        /** libnd4j's integer arguments: kernel, stride 1, padding by Same mode, no dilation, NCHW, [out, in, kH, kW]. */
        private DynamicCustomOp.DynamicCustomOpsBuilder op(String name) {
            int[] kernel = layerConf().getKernelSize();
            return DynamicCustomOp.builder(name).addIntegerArguments(kernel[0], kernel[1], 1, 1, 0, 0, 1, 1, 1, 0, 1);
        }
    }
}
