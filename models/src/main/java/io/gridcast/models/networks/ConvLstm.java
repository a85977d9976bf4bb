package io.gridcast.models.networks;

import java.util.List;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.memory.LayerMemoryReport;
import org.nd4j.linalg.api.buffer.DataType;

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
public class ConvLstm extends AbstractConvLstm {

    /** For JSON: a network configuration is read back through this and the setters. */
    public ConvLstm() {
    }

    private ConvLstm(Builder builder) {
        super(builder);
    }

    @Override
    ConvLstmLayer newLayer(NeuralNetConfiguration conf, DataType networkDataType) {
        return new ConvLstmLayer(conf, networkDataType);
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType.InputTypeRecurrent in = recurrent(inputType);
        return InputType.recurrent(nOut * cells(), in.getTimeSeriesLength());
    }

    @Override
    public LayerMemoryReport getMemoryReport(InputType inputType) {
        // Per example and step a training pass keeps the gates (4 nOut), the states c, tanh c, h and [x, h].
        return memoryReport(inputType, (4 + 3 + nIn + nOut + nOut) * cells());
    }

    /** Its one cell, for the parameter initializer. */
    @Override
    ConvLstmParamInitializer.Cells lstmCells() {
        return new ConvLstmParamInitializer.Cells(List.of(new ConvLstmParamInitializer.Cell("",
                Math.toIntExact(nIn), Math.toIntExact(nOut))), getKernel(), isPeephole(), Math.toIntExact(cells()),
                getForgetGateBiasInit());
    }

    /** {@code new ConvLstm.Builder().nIn(2).nOut(16).kernel(3).grid(32, 32).peephole(true).build()} */
    public static class Builder extends AbstractConvLstm.Builder<Builder> {

        @Override
        @SuppressWarnings("unchecked")
        public ConvLstm build() {
            return new ConvLstm(this);
        }
    }
}
