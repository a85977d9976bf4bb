package io.gridcast.models.networks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;

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
public class ConvLstmEncoderForecaster extends AbstractConvLstm {

    private int[] hidden;
    private int leads;

    /** For JSON: a network configuration is read back through this and the setters. */
    public ConvLstmEncoderForecaster() {
    }

    private ConvLstmEncoderForecaster(Builder builder) {
        super(builder);
        hidden = builder.hidden;
        leads = builder.leads;
        if (hidden == null || hidden.length == 0 || Arrays.stream(hidden).anyMatch(h -> h < 1)) {
            throw new IllegalArgumentException("ConvLstmEncoderForecaster hidden: expected at least one depth of "
                    + ">= 1 channels, got " + Arrays.toString(hidden));
        }
        if (leads < 1) {
            throw new IllegalArgumentException("ConvLstmEncoderForecaster leads: expected >= 1, got " + leads);
        }
        nOut = Arrays.stream(hidden).sum();
    }

    @Override
    ConvLstmEncoderForecasterLayer newLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new ConvLstmEncoderForecasterLayer(conf, networkDataType);
    }

    /** The encoder cells, then the forecaster cells, bottom first: the order of their parameters. */
    @Override
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
        return new ConvLstmParamInitializer.Cells(cells, getKernel(), isPeephole(), Math.toIntExact(cells()),
                getForgetGateBiasInit());
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        recurrent(inputType);
        return InputType.recurrent(nOut * cells(), leads, RNNFormat.NWC);
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        // Per example, step and depth a training pass keeps the gates (4 hid), the states c, tanh c, h and [x, h].
        long perStep = 0;
        for (int l = 0; l < hidden.length; l++) {
            perStep += (4L + 3 + (l == 0 ? nIn : hidden[l - 1]) + 2L * hidden[l]) * cells();
        }
        return memoryReport(inputType, perStep);
    }

    public int[] getHidden() {
        return hidden;
    }

    public void setHidden(int[] hidden) {
        this.hidden = hidden;
    }

    public int getLeads() {
        return leads;
    }

    public void setLeads(int leads) {
        this.leads = leads;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof ConvLstmEncoderForecaster other && super.equals(o) && Arrays.equals(hidden, other.hidden)
                && leads == other.leads;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), Arrays.hashCode(hidden), leads);
    }

    /**
     * {@code new ConvLstmEncoderForecaster.Builder().hidden(32, 32).kernel(3).grid(64, 64).leads(10).build()}; nIn
     * (input channels) comes from the network's input type.
     */
    public static class Builder extends AbstractConvLstm.Builder<Builder> {
        private int[] hidden;
        private int leads;

        /** Hidden channels of each depth, bottom first. */
        public Builder hidden(int... hidden) {
            this.hidden = hidden.clone();
            return this;
        }

        /** Forecaster steps: the leads forecast. */
        public Builder leads(int leads) {
            this.leads = leads;
            return this;
        }

        @Override
        @SuppressWarnings("unchecked")
        public ConvLstmEncoderForecaster build() {
            return new ConvLstmEncoderForecaster(this);
        }
    }
}
