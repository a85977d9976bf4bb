package io.gridcast.models.nowcasts;

import io.gridcast.models.TrainableNowcaster;
import io.gridcast.models.networks.ConvLstmEncoderForecaster;
import io.gridcast.models.networks.ConvLstmHead;
import io.gridcast.models.networks.ConvLstmHeadLayer;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.features.WindowShape;
import io.gridcast.ingest.AtomicFiles;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;

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
 * <p>The network is DL4J's: a {@link MultiLayerNetwork} (the layers are a chain) of a
 * {@link ConvLstmEncoderForecaster} and its {@link ConvLstmHead} with the loss ({@link NowcastLoss#dl4j}), trained by
 * the Adam of its configuration on DL4J's flattened parameters and saved by {@code ModelSerializer} with the
 * updater's state, so training resumed from a saved model continues exactly. Patching and the residual are done
 * here, outside the network: it sees patched frames and, with {@code residual}, learns the change.
 */
public final class ConvLstmNowcaster implements TrainableNowcaster {

    public static final String TYPE = "convlstm";
    static final String MODEL_FILE = "convlstm.zip";
    static final String OPTIONS_FILE = "convlstm.json";
    /** What a gridcast before the network moved into DL4J saved instead of {@link #MODEL_FILE}. */
    static final String OLD_PARAMS_FILE = "convlstm-params.bin";
    private static final ObjectMapper JSON = new ObjectMapper();

    /** What a saved model holds besides the network: the patch size, the residual and the loss's name. */
    record Options(int patch, boolean residual, String loss) {
    }

    private final MultiLayerNetwork net;
    private final WindowShape shape;
    private final Options options;
    private final NowcastLoss loss;

    private ConvLstmNowcaster(MultiLayerNetwork net, WindowShape shape, Options options) {
        this.net = net;
        this.shape = shape;
        this.options = options;
        this.loss = NowcastLoss.of(options.loss());
    }

    /** A freshly initialised float32 model; its input channels are {@code shape.channels()}. */
    public static ConvLstmNowcaster create(ModelSpec spec, WindowShape shape) {
        return create(spec, shape, DataType.FLOAT);
    }

    /** As {@link #create(ModelSpec, WindowShape)} in {@code dtype} (double for gradient checks). */
    static ConvLstmNowcaster create(ModelSpec spec, WindowShape shape, DataType dtype) {
        MultiLayerNetwork net = new MultiLayerNetwork(configuration(spec, shape, dtype,
                new Adam(spec.learningRate())));
        net.init();
        initialise(net, spec.hidden(), spec.kernel(), spec.seed());
        return new ConvLstmNowcaster(net, shape, new Options(spec.patch(), spec.residual(), spec.loss()));
    }

    /**
     * The network: input {@link #toSequence} of the windows' frames, output and labels {@link #toLeads} of their
     * leads.
     */
    static MultiLayerConfiguration configuration(ModelSpec spec, WindowShape shape, DataType dtype,
                                                 IUpdater updater) {
        validate(spec, shape);
        int p = spec.patch();
        int height = shape.height() / p;
        int width = shape.width() / p;
        return new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(dtype)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .list()
                .layer(new ConvLstmEncoderForecaster.Builder()
                        .hidden(spec.hidden().stream().mapToInt(Integer::intValue).toArray()).kernel(spec.kernel())
                        .grid(height, width).leads(shape.out()).peephole(spec.peephole()).build())
                .layer(new ConvLstmHead.Builder().grid(height, width).nOut((long) p * p)
                        .lossFunction(NowcastLoss.of(spec.loss()).dl4j()).build())
                .setInputType(InputType.recurrent((long) shape.channels() * p * p * height * width, shape.in()))
                .build();
    }

    private static void validate(ModelSpec spec, WindowShape shape) {
        if (spec.hidden() == null || spec.hidden().isEmpty() || spec.hidden().stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(TYPE + " needs at least one hidden layer of >= 1 channels, got "
                    + spec.hidden());
        }
        if (spec.kernel() < 1 || spec.kernel() % 2 == 0) {
            throw new IllegalArgumentException(TYPE + " needs an odd kernel size >= 1, got " + spec.kernel());
        }
        if (shape.in() < 1 || shape.out() < 1 || shape.channels() < 1) {
            throw new IllegalArgumentException(TYPE + " needs in >= 1, out >= 1 and channels >= 1, got " + shape);
        }
        int p = spec.patch();
        if (p < 1 || shape.height() % p != 0 || shape.width() % p != 0) {
            throw new IllegalArgumentException(TYPE + " patch: expected a size >= 1 dividing the grid's "
                    + shape.height() + " x " + shape.width() + " cells, got " + p);
        }
        NowcastLoss.of(spec.loss());
    }

    /**
     * Xavier-normal weights (standard deviation sqrt(2 / (fan-in + fan-out))) drawn as this variant always drew them:
     * from {@code java.util.Random(seed)}, the encoder's cells, the forecaster's, then the head's weights depth by
     * depth. A configuration thus trains to the same model as before its network moved into DL4J, whose own draw
     * (ND4J's generator) has the same distribution and other numbers. Biases and peepholes stay as DL4J's
     * initialiser set them (zero, the forget gates' 1).
     */
    private static void initialise(MultiLayerNetwork net, List<Integer> hidden, int kernel, long seed) {
        Random rng = new Random(seed);
        for (Map.Entry<String, INDArray> param : net.getLayer(0).paramTable().entrySet()) {
            if (param.getKey().endsWith("W")) {
                // [4 hid, (in + hid) k²]: fan-in (in + hid) k², fan-out 4 hid k²
                INDArray w = param.getValue();
                long fanOut = w.size(0) * kernel * kernel;
                w.assign(gaussian(rng, w.shape(), Math.sqrt(2.0 / (w.size(1) + fanOut))).castTo(w.dataType()));
            }
        }
        INDArray head = net.getLayer(1).getParam("W");
        int outChannels = Math.toIntExact(head.size(1));
        double std = Math.sqrt(2.0 / (head.size(0) + outChannels));
        double[][] values = new double[Math.toIntExact(head.size(0))][outChannels];
        int first = 0;
        for (int hid : hidden) {
            // The weights of one depth's channels, drawn output channel by output channel.
            for (int o = 0; o < outChannels; o++) {
                for (int j = 0; j < hid; j++) {
                    values[first + j][o] = rng.nextGaussian() * std;
                }
            }
            first += hid;
        }
        head.assign(Nd4j.createFromArray(values).castTo(head.dataType()));
    }

    private static INDArray gaussian(Random rng, long[] shape, double std) {
        double[] values = new double[Math.toIntExact(shape[0] * shape[1])];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextGaussian() * std;
        }
        return Nd4j.createFromArray(values).reshape(shape);
    }

    /**
     * Reads a model written by {@link #save}, with the updater's state so training continues exactly. A model saved
     * by a gridcast before this network format is refused with what to do.
     */
    public static ConvLstmNowcaster load(Path dir) {
        Path model = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(model)) {
            if (Files.isRegularFile(dir.resolve(OLD_PARAMS_FILE))) {
                throw new IllegalArgumentException("the " + TYPE + " model in " + dir + " was saved by an older "
                        + "gridcast (" + OLD_PARAMS_FILE + ", no " + MODEL_FILE + "); retrain it with "
                        + "`gridcast run train`");
            }
            throw new IllegalArgumentException("no " + TYPE + " model in " + dir + ": expected " + model);
        }
        try {
            Options options = JSON.readValue(dir.resolve(OPTIONS_FILE).toFile(), Options.class);
            return new ConvLstmNowcaster(ModelSerializer.restoreMultiLayerNetwork(model.toFile(), true),
                    Windows.readShape(dir), options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + TYPE + " model in " + dir, e);
        }
    }

    @Override
    public void save(Path dir) {
        Windows.createDirectories(dir);
        Path model = dir.resolve(MODEL_FILE);
        Path options = dir.resolve(OPTIONS_FILE);
        try {
            Path staging = AtomicFiles.stagingFor(model);
            ModelSerializer.writeModel(net, staging.toFile(), true);
            AtomicFiles.replaceFile(staging, model);
            staging = AtomicFiles.stagingFor(options);
            JSON.writeValue(staging.toFile(), this.options);
            AtomicFiles.replaceFile(staging, options);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + TYPE + " model to " + dir, e);
        }
        Windows.writeShape(shape, dir);
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public INDArray predict(INDArray inputs) {
        Windows.requireInputs(inputs, shape);
        INDArray x = inputs.castTo(net.getLayerWiseConfigurations().getDataType());
        INDArray leads = fromLeads(net.output(toSequence(x, options.patch()), false), options.patch(),
                shape.height(), shape.width());
        return options.residual() ? leads.addi(Windows.lastFrame(x)) : leads;
    }

    @Override
    public void learningRate(double rate) {
        // Changes the Adam configuration of both layers; the updater's state array is kept.
        net.setLearningRate(rate);
    }

    @Override
    public double fitBatch(DataSet batch) {
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
        DataType dtype = net.getLayerWiseConfigurations().getDataType();
        INDArray x = features.castTo(dtype);
        INDArray target = labels.castTo(dtype);
        if (options.residual()) {
            target = target.sub(Windows.lastFrame(x));
        }
        int p = options.patch();
        net.fit(new DataSet(toSequence(x, p), toLeads(target, p), null,
                loss.needsWeights() ? toLeads(weights.castTo(dtype), p) : null));
        return ((ConvLstmHeadLayer) net.getOutputLayer()).meanSquaredError();
    }

    /**
     * Frames {@code [batch, in, channels, H, W]} as the network reads them, patched: DL4J's recurrent
     * {@code [batch, channels p² (H/p) (W/p), in]}, each step channel-major, patched channel c p² + (y mod p) p +
     * (x mod p).
     */
    static INDArray toSequence(INDArray frames, int p) {
        long[] s = frames.shape();
        return frames.reshape('c', s[0], s[1], s[2], s[3] / p, p, s[4] / p, p).permute(0, 2, 4, 6, 3, 5, 1).dup('c')
                .reshape('c', s[0], s[2] * s[3] * s[4], s[1]);
    }

    /**
     * Leads {@code [batch, out, H, W]} (labels, weights) as the network's output is laid out: {@code [batch, out,
     * (H/p) (W/p) p²]}, each patched cell's p x p block side by side.
     */
    static INDArray toLeads(INDArray leads, int p) {
        long[] s = leads.shape();
        return leads.reshape('c', s[0], s[1], s[2] / p, p, s[3] / p, p).permute(0, 1, 2, 4, 3, 5).dup('c')
                .reshape('c', s[0], s[1], s[2] * s[3]);
    }

    /** The inverse of {@link #toLeads}: {@code [batch, out, height, width]}. */
    static INDArray fromLeads(INDArray leads, int p, int height, int width) {
        long[] s = leads.shape();
        return leads.reshape('c', s[0], s[1], height / p, width / p, p, p).permute(0, 1, 2, 4, 3, 5).dup('c')
                .reshape('c', s[0], s[1], height, width);
    }

    @Override
    public long parameters() {
        return net.numParams();
    }

    /** The underlying network, for gradient checks and tests. */
    MultiLayerNetwork network() {
        return net;
    }
}
