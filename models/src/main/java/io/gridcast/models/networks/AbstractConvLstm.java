package io.gridcast.models.networks;

import java.util.Collection;
import java.util.Objects;

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
 * What the configurations of layers of ConvLSTM cells ({@link ConvLstm}, {@link ConvLstmEncoderForecaster}) share, as
 * DL4J's {@code AbstractLSTM} does for its LSTMs: the gate convolutions' kernel, the grid, peepholes and the forget
 * gate's bias initialisation (DL4J's JSON names them by their getters and setters: renaming one would break every
 * saved network), the input they read (DL4J's recurrent format, each step's features channel-major) and the
 * parameters ({@link ConvLstmParamInitializer}).
 */
public abstract class AbstractConvLstm extends FeedForwardLayer {

    private int kernel = 3;
    private int height;
    private int width;
    private boolean peephole;
    private double forgetGateBiasInit = 1.0;

    /** For JSON: a network configuration is read back through this and the setters. */
    AbstractConvLstm() {
    }

    AbstractConvLstm(Builder<?> builder) {
        super(builder);
        kernel = builder.kernel;
        height = builder.height;
        width = builder.width;
        peephole = builder.peephole;
        forgetGateBiasInit = builder.forgetGateBiasInit;
        if (kernel < 1 || kernel % 2 == 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " kernel: expected an odd size >= 1, got "
                    + kernel);
        }
        if (height < 1 || width < 1) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " grid: expected height and width >= 1, "
                    + "got " + height + " x " + width);
        }
    }

    /** The running half, on which {@link #instantiate} sets what DL4J hands every layer. */
    abstract org.deeplearning4j.nn.api.Layer newLayer(NeuralNetConfiguration conf, DataType networkDataType);

    /** The layer's cells, in the order their parameters lie. */
    abstract ConvLstmParamInitializer.Cells lstmCells();

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        return LayerWiring.wire(newLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializeParams);
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

    InputType.InputTypeRecurrent recurrent(InputType inputType) {
        if (!(inputType instanceof InputType.InputTypeRecurrent in) || in.getSize() % cells() != 0) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " layer '" + layerName + "': expected "
                    + "recurrent input of channels x " + height + " x " + width + " features per step, got "
                    + inputType);
        }
        return in;
    }

    /** DL4J's memory report, for a training pass that keeps {@code perStep} values per example and step. */
    LayerMemoryReport memoryReport(InputType inputType, long perStep) {
        return new LayerMemoryReport.Builder(layerName, getClass(), inputType, getOutputType(-1, inputType))
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

    @Override
    public boolean equals(Object o) {
        return o instanceof AbstractConvLstm other && o.getClass() == getClass() && super.equals(o)
                && kernel == other.kernel && height == other.height && width == other.width
                && peephole == other.peephole && forgetGateBiasInit == other.forgetGateBiasInit;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), kernel, height, width, peephole, forgetGateBiasInit);
    }

    /** The settings every layer of ConvLSTM cells takes. */
    public abstract static class Builder<T extends Builder<T>> extends FeedForwardLayer.Builder<T> {
        private int kernel = 3;
        private int height;
        private int width;
        private boolean peephole;
        private double forgetGateBiasInit = 1.0;

        /** Kernel size k of the k x k gate convolutions (odd). */
        @SuppressWarnings("unchecked")
        public T kernel(int kernel) {
            this.kernel = kernel;
            return (T) this;
        }

        /** The grid's rows and columns. */
        @SuppressWarnings("unchecked")
        public T grid(int height, int width) {
            this.height = height;
            this.width = width;
            return (T) this;
        }

        /** Hadamard peepholes from the cell state to the gates. */
        @SuppressWarnings("unchecked")
        public T peephole(boolean peephole) {
            this.peephole = peephole;
            return (T) this;
        }

        /** The forget gate's initial bias (default 1). */
        @SuppressWarnings("unchecked")
        public T forgetGateBiasInit(double bias) {
            this.forgetGateBiasInit = bias;
            return (T) this;
        }
    }
}
