package io.gridcast.models.networks;

import java.util.Collection;
import java.util.Objects;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.BaseOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The output layer of an encoder–forecaster, the configuration half ({@link ConvLstmHeadLayer} runs it): a 1x1
 * convolution from the {@code nIn} channels of every grid cell at every lead ({@link ConvLstmEncoderForecaster}'s
 * states of every depth) to {@code nOut} output channels (weights {@code W} {@code [nIn, nOut]}, bias {@code b}),
 * DL4J's parameters and weight initialisation, and a DL4J loss function ({@code ILossFunction}) over each example's
 * outputs of every cell and lead: DL4J's MSE is then the mean over every cell of every lead.
 *
 * <p>Input: {@code [batch, leads, height * width * nIn]} ({@link RNNFormat#NWC}, each step's features
 * cell-major); output and labels (and a per-output labels mask, which a loss may read as weights):
 * {@code [batch, leads, height * width * nOut]}, cell-major too.
 */
public class ConvLstmHead extends BaseOutputLayer {

    private int height;
    private int width;

    /** For JSON: a network configuration is read back through this and the setters. */
    public ConvLstmHead() {
    }

    private ConvLstmHead(Builder builder) {
        super(builder);
        height = builder.height;
        width = builder.width;
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("ConvLstmHead grid: expected height and width >= 1, got " + height
                    + " x " + width);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return LayerWiring.wire(new ConvLstmHeadLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializeParams);
    }

    @Override
    public ParamInitializer initializer() {
        return DefaultParamInitializer.getInstance();
    }

    /** Cells of the grid. */
    long cells() {
        return (long) height * width;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        return InputType.recurrent(nOut * cells(), recurrent(inputType).getTimeSeriesLength(), RNNFormat.NWC);
    }

    @Override
    public void setNIn(InputType inputType, boolean override) {
        if (nIn <= 0 || override) {
            nIn = recurrent(inputType).getSize() / cells();
        }
    }

    @Override
    public InputPreProcessor getPreProcessorForInputType(InputType inputType) {
        recurrent(inputType);
        return null;
    }

    private InputType.InputTypeRecurrent recurrent(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeRecurrent in) || in.getSize() % cells() != 0) {
            throw new IllegalArgumentException("ConvLstmHead layer '" + layerName + "': expected recurrent input of "
                    + height + " x " + width + " cells x channels features per lead, got " + inputType);
        }
        return in;
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    public int getHeight() {
        return height;
    }

    public void setHeight(int height) {
        this.height = height;
    }

    public int getWidth() {
        return width;
    }

    public void setWidth(int width) {
        this.width = width;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvLstmHead other && super.equals(o) && height == other.height && width == other.width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), height, width);
    }

    /** {@code new ConvLstmHead.Builder().grid(64, 64).nOut(1).lossFunction(new LossMSE()).build()}. */
    public static class Builder extends BaseOutputLayer.Builder<Builder> {
        private int height;
        private int width;

        /** The output is the convolution itself (identity activation) unless {@code activation} says otherwise. */
        public Builder() {
            activation(Activation.IDENTITY);
        }

        /** The grid's rows and columns. */
        public Builder grid(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public ConvLstmHead build() {
            return new ConvLstmHead(this);
        }
    }
}
