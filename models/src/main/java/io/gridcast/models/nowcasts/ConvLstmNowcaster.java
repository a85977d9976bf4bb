package io.gridcast.models.nowcasts;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import io.gridcast.models.TrainableNowcaster;
import io.gridcast.models.networks.ConvLstmNetwork;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.features.WindowShape;
import io.gridcast.ingest.AtomicFiles;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Shi et al. (2015) ConvLSTM encoder–forecaster: an encoder stack reads the {@code in} frames; a forecaster stack of
 * the same sizes starts from the encoder's final (h, c) per layer and is unrolled {@code out} steps without input;
 * a 1x1 convolution over the forecaster's concatenated hidden states gives each lead's frame. Optional Hadamard
 * peepholes from the cell state to the gates, and optional space-to-depth patching: with {@code patch} p, each
 * p x p block of a frame becomes p² channels of one cell of an (H/p) x (W/p) grid (Shi et al. turn 64x64 into
 * 16x16x16), and each lead's p² output channels are put back into a full frame. With {@code residual} the network
 * predicts each lead's change from the newest input frame (channel 0), which is added back, as the CNN-LSTM does:
 * the head need not carry the whole field through the states, only how it moves, grows and decays.
 *
 * <p>The network, its backward pass and Adam are {@link ConvLstmNetwork}. A saved model holds the weights, Adam's
 * moments and step count, so training resumed from it continues exactly.
 */
public final class ConvLstmNowcaster implements TrainableNowcaster {

    public static final String TYPE = "convlstm";
    static final String CONFIG_FILE = "convlstm.json";
    static final String PARAMS_FILE = "convlstm-params.bin";
    static final String ADAM_FILE = "convlstm-adam.bin";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What, besides the weights, a saved model needs to be rebuilt. */
    record Config(List<Integer> hidden, int kernel, boolean peephole, int patch, String loss, double learningRate,
                  long seed, String dtype, boolean residual) {
    }

    private final Config config;
    private final WindowShape shape;
    private final NowcastLoss loss;
    final ConvLstmNetwork network;

    private ConvLstmNowcaster(Config config, WindowShape shape) {
        validate(config, shape);
        this.config = config;
        this.shape = shape;
        this.loss = NowcastLoss.of(config.loss());
        int p = config.patch();
        network = new ConvLstmNetwork(config.hidden(), config.kernel(), shape.channels() * p * p, p * p,
                shape.height() / p, shape.width() / p, config.peephole(), config.learningRate(), config.seed(),
                DataType.valueOf(config.dtype()));
    }

    /** A freshly initialised float32 model; its input channels are {@code shape.channels()}. */
    public static ConvLstmNowcaster create(ModelSpec spec, WindowShape shape) {
        return create(spec, shape, DataType.FLOAT);
    }

    /** As {@link #create(ModelSpec, WindowShape)} in {@code dtype} (double for gradient checks). */
    static ConvLstmNowcaster create(ModelSpec spec, WindowShape shape, DataType dtype) {
        return new ConvLstmNowcaster(new Config(spec.hidden(), spec.kernel(), spec.peephole(), spec.patch(),
                spec.loss() == null ? NowcastLoss.MSE.key() : spec.loss(), spec.learningRate(), spec.seed(),
                dtype.name(), spec.residual()), shape);
    }

    private static void validate(Config config, WindowShape shape) {
        if (config.hidden() == null || config.hidden().isEmpty() || config.hidden().stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(TYPE + " needs at least one hidden layer of >= 1 channels, got "
                    + config.hidden());
        }
        if (config.kernel() < 1 || config.kernel() % 2 == 0) {
            throw new IllegalArgumentException(TYPE + " needs an odd kernel size >= 1, got " + config.kernel());
        }
        if (shape.in() < 1 || shape.out() < 1 || shape.channels() < 1) {
            throw new IllegalArgumentException(TYPE + " needs in >= 1, out >= 1 and channels >= 1, got " + shape);
        }
        int p = config.patch();
        if (p < 1 || shape.height() % p != 0 || shape.width() % p != 0) {
            throw new IllegalArgumentException(TYPE + " patch: expected a size >= 1 dividing the grid's "
                    + shape.height() + " x " + shape.width() + " cells, got " + p);
        }
        NowcastLoss.of(config.loss());
    }

    /** Reads a model written by {@link #save}, with Adam's state so training continues exactly. */
    public static ConvLstmNowcaster load(Path dir) {
        Path configFile = dir.resolve(CONFIG_FILE);
        if (!Files.isRegularFile(configFile)) {
            throw new IllegalArgumentException("no " + TYPE + " model in " + dir + ": expected " + configFile);
        }
        try {
            Saved saved = JSON.readValue(configFile.toFile(), Saved.class);
            ConvLstmNowcaster model = new ConvLstmNowcaster(saved.config(), Windows.readShape(dir));
            read(dir.resolve(PARAMS_FILE), model.network.params);
            read(dir.resolve(ADAM_FILE), model.network.updaterState);
            model.network.iteration = saved.iteration();
            return model;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + TYPE + " model in " + dir, e);
        }
    }

    /** The JSON beside the weights. */
    record Saved(Config config, int iteration) {
    }

    private static void read(Path file, INDArray into) throws IOException {
        try (DataInputStream in = new DataInputStream(Files.newInputStream(file))) {
            INDArray values = Nd4j.read(in);
            if (!Arrays.equals(values.shape(), into.shape())) {
                throw new IllegalArgumentException(file + ": expected an array of shape " + Arrays.toString(
                        into.shape()) + " for this model's configuration, got " + Arrays.toString(values.shape()));
            }
            into.assign(values);
        }
    }

    @Override
    public void save(Path dir) {
        Windows.createDirectories(dir);
        try {
            write(dir.resolve(PARAMS_FILE), network.params);
            write(dir.resolve(ADAM_FILE), network.updaterState);
            Path staging = AtomicFiles.stagingFor(dir.resolve(CONFIG_FILE));
            JSON.writeValue(staging.toFile(), new Saved(config, network.iteration));
            AtomicFiles.replaceFile(staging, dir.resolve(CONFIG_FILE));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + TYPE + " model to " + dir, e);
        }
        Windows.writeShape(shape, dir);
    }

    private static void write(Path file, INDArray values) throws IOException {
        Path staging = AtomicFiles.stagingFor(file);
        try (DataOutputStream out = new DataOutputStream(Files.newOutputStream(staging))) {
            Nd4j.write(values, out);
        }
        AtomicFiles.replaceFile(staging, file);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public INDArray predict(INDArray inputs) {
        Windows.requireInputs(inputs, shape);
        int batch = (int) inputs.size(0);
        INDArray[] frames = frames(inputs);
        ConvLstmNetwork.Pass pass = network.forward(frames, shape.out(), batch, false);
        INDArray output = Nd4j.createUninitialized(inputs.dataType(), batch, shape.out(), shape.height(),
                shape.width());
        for (int t = 0; t < shape.out(); t++) {
            INDArray lead = config.residual() ? pass.leads()[t].add(lastFrame(frames)) : pass.leads()[t];
            output.get(all(), point(t), all(), all()).assign(unpatch(lead, batch));
        }
        return output;
    }

    @Override
    public void learningRate(double rate) {
        network.learningRate(rate);
    }

    @Override
    public double fitBatch(DataSet batch) {
        double[] mse = new double[1];
        lossAndGradients(batch, mse);
        network.update();
        return mse[0];
    }

    /**
     * Forward and backward on one batch: leaves the gradient of the configured loss in {@code network.gradients}.
     *
     * @param mse receives the batch's mean squared error
     * @return the configured loss
     */
    double lossAndGradients(DataSet batch, double[] mse) {
        INDArray features = batch.getFeatures();
        Windows.requireInputs(features, shape);
        int n = (int) features.size(0);
        INDArray labels = batch.getLabels();
        long[] expected = {n, shape.out(), shape.height(), shape.width()};
        if (!Arrays.equals(labels.shape(), expected)) {
            throw new IllegalArgumentException("expected labels " + Arrays.toString(expected) + ", got "
                    + Arrays.toString(labels.shape()));
        }
        INDArray weights = batch.getLabelsMaskArray();
        if (loss.needsWeights() && (weights == null || !Arrays.equals(weights.shape(), expected))) {
            throw new IllegalArgumentException("loss '" + loss.key() + "' needs per-cell weights "
                    + Arrays.toString(expected) + " as the batch's labels mask (NowcastLoss.hko7Weights), got "
                    + (weights == null ? "none" : Arrays.toString(weights.shape())));
        }
        INDArray[] frames = frames(features);
        ConvLstmNetwork.Pass pass = network.forward(frames, shape.out(), n, true);
        DataType dtype = pass.leads()[0].dataType();
        long count = labels.length();
        double total = 0;
        double squared = 0;
        INDArray typedLabels = labels.castTo(dtype);
        INDArray last = config.residual() ? lastFrame(frames) : null;
        INDArray typedWeights = loss.needsWeights() ? weights.castTo(dtype) : null;
        INDArray[] leadGradients = new INDArray[shape.out()];
        for (int t = 0; t < shape.out(); t++) {
            INDArray lead = pass.leads()[t];
            INDArray label = last == null ? patchLabel(typedLabels, t, n) : patchLabel(typedLabels, t, n).subi(last);
            leadGradients[t] = Nd4j.zeros(dtype, lead.shape());
            total += loss.accumulate(lead, label, typedWeights == null ? null
                    : patchLabel(typedWeights, t, n), count, leadGradients[t]);
            squared += lead.squaredDistance(label);
        }
        network.backward(pass, leadGradients);
        mse[0] = squared / count;
        return total;
    }

    /** Input frames, patched, as {@code [channels p², batch * H/p * W/p]}. */
    private INDArray[] frames(INDArray inputs) {
        int p = config.patch();
        int n = (int) inputs.size(0);
        long hp = shape.height() / p;
        long wp = shape.width() / p;
        INDArray x = inputs.castTo(DataType.valueOf(config.dtype())).dup('c')
                .reshape('c', n, shape.in(), shape.channels(), hp, p, wp, p);
        INDArray[] frames = new INDArray[shape.in()];
        for (int t = 0; t < shape.in(); t++) {
            // [batch, c, H/p, p, W/p, p] -> [c, p, p, batch, H/p, W/p]
            frames[t] = x.get(all(), point(t), all(), all(), all(), all(), all()).permute(1, 3, 5, 0, 2, 4)
                    .dup('c').reshape('c', (long) shape.channels() * p * p, n * hp * wp);
        }
        return frames;
    }

    /** Channel 0 of the newest patched input frame, {@code [p², batch * H/p * W/p]}: what a residual adds to. */
    private INDArray lastFrame(INDArray[] frames) {
        int p = config.patch();
        return frames[frames.length - 1].get(interval(0, (long) p * p), all());
    }

    /** Lead {@code t} of labels {@code [batch, out, H, W]} as {@code [p², batch * H/p * W/p]}. */
    private INDArray patchLabel(INDArray labels, int t, int n) {
        int p = config.patch();
        long hp = shape.height() / p;
        long wp = shape.width() / p;
        // [batch, H/p, p, W/p, p] -> [p, p, batch, H/p, W/p]
        return labels.get(all(), point(t), all(), all()).dup('c').reshape('c', n, hp, p, wp, p)
                .permute(2, 4, 0, 1, 3).dup('c').reshape('c', (long) p * p, n * hp * wp);
    }

    /** The inverse of {@link #patchLabel} for one lead: {@code [batch, H, W]}. */
    private INDArray unpatch(INDArray lead, int n) {
        int p = config.patch();
        long hp = shape.height() / p;
        long wp = shape.width() / p;
        return lead.reshape('c', p, p, n, hp, wp).permute(2, 3, 0, 4, 1).dup('c')
                .reshape('c', n, shape.height(), shape.width());
    }

    @Override
    public long parameters() {
        return network.parameterCount();
    }
}
