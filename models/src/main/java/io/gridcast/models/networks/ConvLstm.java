package io.gridcast.models.networks;

import java.util.Collection;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A ConvLSTM layer (Shi et al. 2015) for DL4J networks, the configuration half ({@link ConvLstmLayer} runs it): the
 * LSTM's matrix products are convolutions over a grid of {@code height x width} cells, "same" zero padding, stride 1,
 * one convolution over [input, hidden state] for the four gates i, f, g, o; optional Hadamard peepholes from the cell
 * state to the gates (one weight per gate, channel and grid cell). {@code nIn} is the input channels, {@code nOut}
 * the filters (hidden channels). Gate activations are the LSTM's own (sigmoid, tanh), not configurable.
 *
 * <p>Sequences are DL4J's recurrent format, {@code [batch, channels * height * width, time]} with each step's
 * features channel-major, as {@code CnnToRnnPreProcessor} writes a {@code [batch, channels, height, width]} frame; the
 * output is every step's hidden state in the same format. States start at zero for each sequence.
 *
 * <p>Weights: the network's weight initialisation on {@code W} ({@code [4 nOut, (nIn + nOut) k k]}, fan-in
 * {@code (nIn + nOut) k k}, fan-out {@code 4 nOut k k}), bias {@code b} zero but the forget gate's
 * ({@link #getForgetGateBiasInit}, default 1: memory passes through early in training, Jozefowicz et al. 2015),
 * peepholes {@code P} ({@code [3, nOut, height * width]}) zero.
 */
public class ConvLstm extends FeedForwardLayer {

    private int kernel = 3;
    private int height;
    private int width;
    private boolean peephole;
    private double forgetGateBiasInit = 1.0;

    /** For JSON: a network configuration is read back through this and the setters. */
    public ConvLstm() {
    }

    private ConvLstm(Builder builder) {
        super(builder);
        kernel = builder.kernel;
        height = builder.height;
        width = builder.width;
        peephole = builder.peephole;
        forgetGateBiasInit = builder.forgetGateBiasInit;
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("ConvLstm kernel: expected an odd size >= 1, got " + kernel);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("ConvLstm grid: expected height and width >= 1, got " + height
                    + " x " + width);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        ConvLstmLayer layer = new ConvLstmLayer(conf, networkDataType);
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        Map<String, INDArray> params = initializer().init(conf, paramsView, initializeParams);
        layer.setParamTable(params);
        layer.setConf(conf);
        return layer;
    }

    @Override
    public ParamInitializer initializer() {
        return ConvLstmParamInitializer.INSTANCE;
    }

    /** Cells of the grid: a step's features are {@code channels * cells()}. */
    long cells() {
        return (long) height * width;
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeRecurrent in = recurrent(inputType);
        return InputType.recurrent(nOut * cells(), in.getTimeSeriesLength());
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
            throw new IllegalArgumentException("ConvLstm layer '" + layerName + "': expected recurrent input of "
                    + "channels x " + height + " x " + width + " features per step, got " + inputType);
        }
        return in;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        // Per example and step a training pass keeps the gates (4 nOut), the states c, tanh c, h and [x, h].
        long perStep = (4 + 3 + nIn + nOut + nOut) * cells();
        return new LayerMemoryReport.Builder(layerName, ConvLstm.class, inputType, out)
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, perStep, 0, perStep)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    public int getKernel() {
        return kernel;
    }

    public void setKernel(int kernel) {
        this.kernel = kernel;
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

    public boolean isPeephole() {
        return peephole;
    }

    public void setPeephole(boolean peephole) {
        this.peephole = peephole;
    }

    public double getForgetGateBiasInit() {
        return forgetGateBiasInit;
    }

    public void setForgetGateBiasInit(double forgetGateBiasInit) {
        this.forgetGateBiasInit = forgetGateBiasInit;
    }

    /** Its one cell, for the parameter initializer. */
    ConvLstmParamInitializer.Cells lstmCells() {
        return new ConvLstmParamInitializer.Cells(List.of(new ConvLstmParamInitializer.Cell("",
                Math.toIntExact(nIn), Math.toIntExact(nOut))), kernel, peephole, Math.toIntExact(cells()),
                forgetGateBiasInit);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvLstm other && super.equals(o) && kernel == other.kernel && height == other.height
                && width == other.width && peephole == other.peephole
                && forgetGateBiasInit == other.forgetGateBiasInit;
    }

    @Override
    public int hashCode() {
        return java.util.Objects.hash(super.hashCode(), kernel, height, width, peephole, forgetGateBiasInit);
    }

    /** {@code new ConvLstm.Builder().nIn(2).nOut(16).kernel(3).grid(32, 32).peephole(true).build()} */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int kernel = 3;
        private int height;
        private int width;
        private boolean peephole;
        private double forgetGateBiasInit = 1.0;

        /** Kernel size k of the k x k gate convolutions (odd). */
        public Builder kernel(int kernel) {
            this.kernel = kernel;
            return this;
        }

        /** The grid's rows and columns. */
        public Builder grid(int height, int width) {
            this.height = height;
            this.width = width;
            return this;
        }

        public Builder peephole(boolean peephole) {
            this.peephole = peephole;
            return this;
        }

        public Builder forgetGateBiasInit(double bias) {
            this.forgetGateBiasInit = bias;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public ConvLstm build() {
            return new ConvLstm(this);
        }
    }
}
