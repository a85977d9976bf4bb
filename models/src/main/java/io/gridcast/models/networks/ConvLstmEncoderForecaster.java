package io.gridcast.models.networks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Objects;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.FeedForwardLayer;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The ConvLSTM encoder–forecaster of Shi et al. (2015) as one DL4J layer, the configuration half
 * ({@link ConvLstmEncoderForecasterLayer} runs it): a stack of ConvLSTM cells of {@code hidden} channels per depth
 * (as {@link ConvLstm}'s) reads the input sequence; a forecaster stack of the same sizes starts from the encoder's
 * final (h, c) at every depth and is unrolled {@code leads} steps with no input (its bottom cell has no input
 * weights; above it each depth reads the forecaster state below). The whole stack is one layer so that each depth's
 * state goes to the next depth and to the output without a copy between DL4J layers.
 *
 * <p>Input: DL4J's recurrent format, {@code [batch, nIn * height * width, time]}, each step's features
 * channel-major (as {@link ConvLstm} reads them). Output: the forecaster states of every depth at every lead,
 * {@code [batch, leads, height * width * nOut]} ({@link RNNFormat#NWC}) with each step's features cell-major: for
 * each grid cell its states of every depth side by side ({@code nOut} = the sum of {@code hidden}), so that
 * {@link ConvLstmHead}, a 1x1 convolution, is one matrix product over every cell and lead.
 *
 * <p>Parameters: per cell (encoder cells {@code encoder0, encoder1, ...}, then forecaster cells
 * {@code forecaster0, ...}) {@code W}, {@code b} and, with peepholes, {@code P}, e.g. {@code encoder0W},
 * initialised as {@link ConvLstm}'s.
 */
public class ConvLstmEncoderForecaster extends FeedForwardLayer {

    private int[] hidden;
    private int kernel = 3;
    private int height;
    private int width;
    private int leads;
    private boolean peephole;
    private double forgetGateBiasInit = 1.0;

    /** For JSON: a network configuration is read back through this and the setters. */
    public ConvLstmEncoderForecaster() {
    }

    private ConvLstmEncoderForecaster(Builder builder) {
        super(builder);
        hidden = builder.hidden;
        kernel = builder.kernel;
        height = builder.height;
        width = builder.width;
        leads = builder.leads;
        peephole = builder.peephole;
        forgetGateBiasInit = builder.forgetGateBiasInit;
        if (hidden == null || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("ConvLstmEncoderForecaster hidden: expected at least one depth of "
                    + ">= 1 channels, got " + Arrays.toString(hidden));
        }
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException("ConvLstmEncoderForecaster kernel: expected an odd size >= 1, got "
                    + kernel);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException("ConvLstmEncoderForecaster grid: expected height and width >= 1, got "
                    + height + " x " + width);
        }
        if (leads < 1) {
            throw new IllegalArgumentException("ConvLstmEncoderForecaster leads: expected >= 1, got " + leads);
        }
        nOut = Arrays.stream(hidden).sum();
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        ConvLstmEncoderForecasterLayer layer = new ConvLstmEncoderForecasterLayer(conf, networkDataType);
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

    /** Cells of the grid. */
    long cells() {
        return (long) height * width;
    }

    /** The encoder cells, then the forecaster cells, bottom first: the order of their parameters. */
    ConvLstmParamInitializer.Cells lstmCells() {
        List<ConvLstmParamInitializer.Cell> cells = new ArrayList<>();
        for (int l = 0; l < hidden.length; l++) {
            cells.add(new ConvLstmParamInitializer.Cell("encoder" + l, l == 0 ? Math.toIntExact(nIn) : hidden[l - 1],
                    hidden[l]));
        }
        for (int l = 0; l < hidden.length; l++) {
            // The forecaster's bottom cell has no input: a zero input would add nothing to its convolution.
            cells.add(new ConvLstmParamInitializer.Cell("forecaster" + l, l == 0 ? 0 : hidden[l - 1], hidden[l]));
        }
        return new ConvLstmParamInitializer.Cells(cells, kernel, peephole, Math.toIntExact(cells()),
                forgetGateBiasInit);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        recurrent(inputType);
        return InputType.recurrent(nOut * cells(), leads, RNNFormat.NWC);
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
            throw new IllegalArgumentException("ConvLstmEncoderForecaster layer '" + layerName + "': expected "
                    + "recurrent input of channels x " + height + " x " + width + " features per step, got "
                    + inputType);
        }
        return in;
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        InputType out = getOutputType(-1, inputType);
        // Per example, step and depth a training pass keeps the gates (4 hid), the states c, tanh c, h and [x, h].
        long perStep = 0;
        for (int l = 0; l < hidden.length; l++) {
            perStep += (4L + 3 + (l == 0 ? nIn : hidden[l - 1]) + 2L * hidden[l]) * cells();
        }
        return new LayerMemoryReport.Builder(layerName, ConvLstmEncoderForecaster.class, inputType, out)
                .standardMemory(initializer().numParams(this), 0)
                .workingMemory(0, perStep, 0, perStep)
                .cacheMemory(0, 0)
                .build();
    }

    @Override
    public boolean isPretrainParam(String paramName) {
        return false;
    }

    public int[] getHidden() {
        return hidden;
    }

    public void setHidden(int[] hidden) {
        this.hidden = hidden;
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

    public int getLeads() {
        return leads;
    }

    public void setLeads(int leads) {
        this.leads = leads;
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

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvLstmEncoderForecaster other && super.equals(o) && Arrays.equals(hidden, other.hidden)
                && kernel == other.kernel && height == other.height && width == other.width && leads == other.leads
                && peephole == other.peephole && forgetGateBiasInit == other.forgetGateBiasInit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), Arrays.hashCode(hidden), kernel, height, width, leads, peephole,
                forgetGateBiasInit);
    }

    /**
     * {@code new ConvLstmEncoderForecaster.Builder().hidden(32, 32).kernel(3).grid(64, 64).leads(10).build()}; nIn
     * (input channels) comes from the network's input type.
     */
    public static class Builder extends FeedForwardLayer.Builder<Builder> {
        private int[] hidden;
        private int kernel = 3;
        private int height;
        private int width;
        private int leads;
        private boolean peephole;
        private double forgetGateBiasInit = 1.0;

        /** Hidden channels of each depth, bottom first. */
        public Builder hidden(int... hidden) {
            this.hidden = hidden.clone();
            return this;
        }

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

        /** Forecaster steps: the leads forecast. */
        public Builder leads(int leads) {
            this.leads = leads;
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
        public ConvLstmEncoderForecaster build() {
            return new ConvLstmEncoderForecaster(this);
        }
    }
}
