package io.gridcast.models;

import java.io.File;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;

import io.gridcast.features.WindowShape;
import org.nd4j.autodiff.listeners.At;
import org.nd4j.autodiff.listeners.BaseListener;
import org.nd4j.autodiff.listeners.Operation;
import org.nd4j.autodiff.samediff.SDIndex;
import org.nd4j.autodiff.samediff.SDVariable;
import org.nd4j.autodiff.samediff.SameDiff;
import org.nd4j.autodiff.samediff.TrainingConfig;
import org.nd4j.autodiff.samediff.VariableType;
import org.nd4j.autodiff.samediff.internal.SameDiffOp;
import org.nd4j.enums.WeightsFormat;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.OpContext;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.Conv2DConfig;
import org.nd4j.linalg.api.ops.impl.layers.convolution.config.PaddingMode;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.MultiDataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;
import org.nd4j.linalg.learning.config.Adam;

/**
 * Shi et al. (2015) ConvLSTM encoder–forecaster, built as a plain SameDiff graph (SameDiffLayer/Vertex gradients
 * are 2x too large in DL4J 1.0.0-M2.1; plain graphs are correct).
 *
 * <p>An encoder stack reads the {@code in} frames; a forecaster stack of the same sizes starts from the encoder's
 * final (h, c) per layer and is unrolled {@code out} steps without input; a 1x1 convolution over the forecaster's
 * concatenated hidden states gives each lead's frame.
 */
public final class ConvLstmNowcaster implements TrainableNowcaster {

    public static final String TYPE = "convlstm";
    static final String INPUT = "input";
    static final String LABEL = "label";
    static final String OUTPUT = "output";
    static final String LOSS = "loss";
    static final String MODEL_FILE = "convlstm.sd";

    private final SameDiff sd;
    private final WindowShape shape;

    private ConvLstmNowcaster(SameDiff sd, WindowShape shape) {
        this.sd = sd;
        this.shape = shape;
    }

    /** A freshly initialised float32 model. */
    public static ConvLstmNowcaster create(ModelSpec spec, WindowShape shape) {
        SameDiff sd = graph(spec, shape, DataType.FLOAT);
        sd.setTrainingConfig(TrainingConfig.builder()
                .updater(new Adam(spec.learningRate()))
                .dataSetFeatureMapping(INPUT)
                .dataSetLabelMapping(LABEL)
                .build());
        return new ConvLstmNowcaster(sd, shape);
    }

    /** Reads a model written by {@link #save}, with its optimizer state so training can continue. */
    public static ConvLstmNowcaster load(Path dir) {
        File file = dir.resolve(MODEL_FILE).toFile();
        if (!file.isFile()) {
            throw new IllegalArgumentException("no " + TYPE + " model in " + dir + ": expected " + file);
        }
        return new ConvLstmNowcaster(SameDiff.load(file, true), Windows.readShape(dir));
    }

    /**
     * The whole graph: placeholders {@code input [-1, in, c, h, w]} and {@code label [-1, out, h, w]}, output
     * {@code output [-1, out, h, w]} and scalar MSE {@code loss}. Weights are drawn from {@code spec.seed()} only,
     * so the same spec gives the same initial model in any dtype.
     */
    static SameDiff graph(ModelSpec spec, WindowShape shape, DataType dtype) {
        validate(spec, shape);
        SameDiff sd = SameDiff.create();
        SDVariable input = sd.placeHolder(INPUT, dtype, -1, shape.in(), shape.channels(), shape.height(),
                shape.width());
        SDVariable label = sd.placeHolder(LABEL, dtype, -1, shape.out(), shape.height(), shape.width());
        Random rng = new Random(spec.seed());
        List<Integer> hidden = spec.hidden();
        int layers = hidden.size();

        List<Cell> encoder = new ArrayList<>();
        List<Cell> forecaster = new ArrayList<>();
        for (int l = 0; l < layers; l++) {
            int below = l == 0 ? shape.channels() : hidden.get(l - 1);
            encoder.add(Cell.create(sd, "enc" + l, below, hidden.get(l), spec.kernel(), rng, dtype));
        }
        for (int l = 0; l < layers; l++) {
            // The forecaster's bottom layer has no input: a zero input contributes nothing to the convolution.
            int below = l == 0 ? 0 : hidden.get(l - 1);
            forecaster.add(Cell.create(sd, "fc" + l, below, hidden.get(l), spec.kernel(), rng, dtype));
        }
        int concatenated = hidden.stream().mapToInt(Integer::intValue).sum();
        SDVariable headW = sd.var("head_W", xavier(rng, dtype, 1, concatenated, 1));
        SDVariable headB = sd.var("head_b", Nd4j.zeros(dtype, 1));

        SDVariable[] frames = sd.unstack(input, 1, shape.in());
        // Zero initial states need the batch size, known only at run time: tile a zeroed slice of the first frame.
        SDVariable zero = sd.zerosLike(frames[0].get(SDIndex.all(), SDIndex.interval(0, 1), SDIndex.all(),
                SDIndex.all()));
        SDVariable[] h = new SDVariable[layers];
        SDVariable[] c = new SDVariable[layers];
        for (int l = 0; l < layers; l++) {
            h[l] = sd.tile(zero, 1, hidden.get(l), 1, 1);
            c[l] = h[l];
        }

        for (SDVariable frame : frames) {
            SDVariable x = frame;
            for (int l = 0; l < layers; l++) {
                SDVariable[] hc = encoder.get(l).step(sd, x, h[l], c[l]);
                h[l] = hc[0];
                c[l] = hc[1];
                x = h[l];
            }
        }

        Conv2DConfig pointwise = convConfig(1);
        SDVariable[] leads = new SDVariable[shape.out()];
        for (int t = 0; t < shape.out(); t++) {
            SDVariable x = null;
            for (int l = 0; l < layers; l++) {
                SDVariable[] hc = forecaster.get(l).step(sd, x, h[l], c[l]);
                h[l] = hc[0];
                c[l] = hc[1];
                x = h[l];
            }
            leads[t] = sd.cnn().conv2d(concat(sd, h), headW, headB, pointwise);
        }
        SDVariable output = sd.identity(OUTPUT, concat(sd, leads));
        SDVariable error = output.sub(label);
        sd.mean(LOSS, error.mul(error));
        sd.setLossVariables(LOSS);
        return sd;
    }

    private static void validate(ModelSpec spec, WindowShape shape) {
        if (spec.hidden() == null || spec.hidden().isEmpty() || spec.hidden().stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(TYPE + " needs at least one hidden layer of >= 1 channels, got "
                    + spec.hidden());
        }
        if (spec.kernel() < 1 || spec.kernel() % 2 == 0) {
            throw new IllegalArgumentException(TYPE + " needs an odd kernel size >= 1, got " + spec.kernel());
        }
        if (shape.in() < 1 || shape.out() < 1) {
            throw new IllegalArgumentException(TYPE + " needs in >= 1 and out >= 1, got " + shape);
        }
    }

    private static SDVariable concat(SameDiff sd, SDVariable[] parts) {
        return parts.length == 1 ? parts[0] : sd.concat(1, parts);
    }

    private static Conv2DConfig convConfig(int kernel) {
        // YXIO ([kH, kW, inC, outC]) is the layout SameDiff's conv2d backprop expects; NCHW activations.
        return Conv2DConfig.builder()
                .kH(kernel).kW(kernel).sH(1).sW(1)
                .paddingMode(PaddingMode.SAME)
                .dataFormat("NCHW")
                .weightsFormat(WeightsFormat.YXIO)
                .build();
    }

    /** Xavier (Glorot) normal for a YXIO kernel. */
    private static INDArray xavier(Random rng, DataType dtype, int kernel, int inChannels, int outChannels) {
        double std = Math.sqrt(2.0 / (kernel * kernel * (double) (inChannels + outChannels)));
        double[] values = new double[kernel * kernel * inChannels * outChannels];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextGaussian() * std;
        }
        return Nd4j.createFromArray(values).reshape('c', kernel, kernel, inChannels, outChannels).castTo(dtype);
    }

    /** One ConvLSTM layer's weights: a single convolution producing the i, f, g, o gates. */
    private record Cell(SDVariable weights, SDVariable bias, int hidden, Conv2DConfig conv) {

        static Cell create(SameDiff sd, String name, int inputChannels, int hidden, int kernel, Random rng,
                           DataType dtype) {
            SDVariable w = sd.var(name + "_W", xavier(rng, dtype, kernel, inputChannels + hidden, 4 * hidden));
            INDArray b = Nd4j.zeros(dtype, 4 * hidden);
            // Forget-gate bias 1 lets memory pass through early in training (Jozefowicz et al. 2015).
            b.get(NDArrayIndex.interval(hidden, 2 * hidden)).assign(1.0);
            return new Cell(w, sd.var(name + "_b", b), hidden, convConfig(kernel));
        }

        /** @param x the layer's input at this step, or null for none; returns {h, c}. */
        SDVariable[] step(SameDiff sd, SDVariable x, SDVariable h, SDVariable c) {
            SDVariable gates = sd.cnn().conv2d(x == null ? h : sd.concat(1, x, h), weights, bias, conv);
            SDVariable[] ifgo = sd.split(gates, 4, 1);
            SDVariable cNext = sd.nn().sigmoid(ifgo[1]).mul(c)
                    .add(sd.nn().sigmoid(ifgo[0]).mul(sd.math().tanh(ifgo[2])));
            SDVariable hNext = sd.nn().sigmoid(ifgo[3]).mul(sd.math().tanh(cNext));
            return new SDVariable[]{hNext, cNext};
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public INDArray predict(INDArray inputs) {
        Windows.requireInputs(inputs, shape);
        INDArray x = inputs.castTo(sd.getVariable(INPUT).dataType());
        return sd.output(Map.of(INPUT, x), OUTPUT).get(OUTPUT);
    }

    @Override
    public double fitBatch(DataSet batch) {
        Windows.requireInputs(batch.getFeatures(), shape);
        buildGradientGraphQuietly();
        DataType dtype = sd.getVariable(INPUT).dataType();
        INDArray features = batch.getFeatures().castTo(dtype);
        INDArray labels = batch.getLabels().castTo(dtype);
        OutputLoss loss = new OutputLoss(labels);
        sd.fit(new DataSet(features, labels), loss);
        return loss.mse;
    }

    /**
     * The batch's MSE from the training pass's own forward output. M2.1's fit reports every loss as 0 to listeners
     * and in its History (deeplearning4j#9684, #9806): its training pass never evaluates the loss op (the gradient
     * of a mean of squares does not need it), but it does compute {@link #OUTPUT}, before the update.
     */
    private static final class OutputLoss extends BaseListener {
        private final INDArray labels;
        private double mse = Double.NaN;

        OutputLoss(INDArray labels) {
            this.labels = labels;
        }

        @Override
        public boolean isActive(Operation operation) {
            return operation == Operation.TRAINING;
        }

        @Override
        public void opExecution(SameDiff sd, At at, MultiDataSet batch, SameDiffOp op, OpContext context,
                                INDArray[] outputs) {
            int i = op.getOutputsOfOp().indexOf(OUTPUT);
            if (i >= 0) {
                mse = outputs[i].squaredDistance(labels) / outputs[i].length();
            }
        }
    }

    @Override
    public long parameters() {
        return sd.variables().stream().filter(v -> v.getVariableType() == VariableType.VARIABLE)
                .mapToLong(v -> v.getArr().length()).sum();
    }

    /**
     * M2.1's SameDiff prints "Added differentiated op ..." to standard output for every op while it builds the
     * gradient graph (a stray println, not a log call), which would bury the training log: build that graph
     * once, before training, with standard output muted for those few milliseconds.
     */
    private void buildGradientGraphQuietly() {
        if (sd.hasGradientFunction()) {
            return;
        }
        synchronized (System.class) {
            PrintStream out = System.out;
            System.setOut(new PrintStream(OutputStream.nullOutputStream()));
            try {
                sd.createGradFunction();
            } finally {
                System.setOut(out);
            }
        }
    }

    @Override
    public void save(Path dir) {
        Windows.createDirectories(dir);
        sd.save(dir.resolve(MODEL_FILE).toFile(), true);
        Windows.writeShape(shape, dir);
    }
}
