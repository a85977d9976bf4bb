package io.gridcast.models.nowcasts;

import io.gridcast.ingest.AtomicFiles;
import io.gridcast.models.TrainableNowcaster;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.zip.ZipEntry;
import java.util.zip.ZipFile;

import io.gridcast.features.WindowShape;
import io.gridcast.models.networks.CellsToCnnPreProcessor;
import io.gridcast.models.networks.CnnToCellSequencesPreProcessor;
import io.gridcast.models.networks.FusedLstm;
import io.gridcast.models.networks.NativeConvolutionLayer;
import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.graph.MergeVertex;
import org.deeplearning4j.nn.conf.graph.UnstackVertex;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;
import org.nd4j.shade.jackson.databind.ObjectMapper;

/**
 * LRCN-style CNN-LSTM with a U-Net decoder: a CNN encoder applied to every input frame with shared weights; on every
 * cell of the encoder's coarsest grid an LSTM over that cell's features of each frame (the same weights for every
 * cell); from its last step, a decoder that brings the grid back to full size one stage at a time, each stage
 * upsampling and then convolving together with the last input frame's encoder maps of that scale (skip
 * connections), with one output channel per lead. The network predicts each lead's change from the last input frame
 * (the residual to persistence), which is added back. The output layer starts at zero, so the untrained model is
 * persistence.
 *
 * <p>Why so (issue 19): moving a sharp rain cell is a residual "shifted frame minus frame", as sharp as the frame.
 * The network before had one LSTM over the whole flattened coarse map and a dense layer back to it, with no path for
 * the last frame's detail: it could not even damp the last frame on held-out scenes, and what it learned of motion
 * was the training scenes by heart (on moving cells its last-lead MSE was 0.4–0.6 of the best damped persistence's on
 * the training scenes, 0.96–1.03 on held-out ones). The skips carry the detail; an LSTM per cell sees how the rain
 * near it moved, the same way everywhere, so what it learns holds for rain anywhere on the grid.
 */
final class CnnLstmNowcaster implements TrainableNowcaster {

    public static final String TYPE = "cnnlstm";
    static final String MODEL_FILE = "cnnlstm.zip";
    /** The graph's one input: the frames in DL4J's RNN layout (see {@link #toRnnLayout}). */
    static final String INPUT = "frames";

    private final ComputationGraph net;
    private final WindowShape shape;

    private CnnLstmNowcaster(ComputationGraph net, WindowShape shape) {
        this.net = net;
        this.shape = shape;
    }

    /** A freshly initialised float32 model. */
    public static CnnLstmNowcaster create(ModelSpec spec, WindowShape shape) {
        ComputationGraph net = new ComputationGraph(
                configuration(spec, shape, DataType.FLOAT, new Adam(spec.learningRate())));
        net.init();
        return new CnnLstmNowcaster(net, shape);
    }

    /**
     * Reads a model written by {@link #save}, with its updater state so training can continue. A model saved by a
     * gridcast before the decoder's skip connections (a DL4J {@code MultiLayerNetwork}) is refused with what to do:
     * its weights are another network's (one LSTM over the whole map, a dense layer, no skips), none of which this
     * one has.
     */
    public static CnnLstmNowcaster load(Path dir) {
        Path file = dir.resolve(MODEL_FILE);
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no " + TYPE + " model in " + dir + ": expected " + file);
        }
        try {
            if (!isGraph(file)) {
                throw new IllegalArgumentException("the " + TYPE + " model in " + dir + " was saved by an older "
                        + "gridcast (a network without the decoder's skip connections); retrain it with "
                        + "`gridcast run train`");
            }
            return new CnnLstmNowcaster(ModelSerializer.restoreComputationGraph(file.toFile(), true),
                    Windows.readShape(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the " + TYPE + " model in " + dir, e);
        }
    }

    /** Whether a {@code ModelSerializer} file holds a ComputationGraph: its configuration has vertices. */
    private static boolean isGraph(Path file) throws IOException {
        try (ZipFile zip = new ZipFile(file.toFile())) {
            ZipEntry configuration = zip.getEntry("configuration.json");
            if (configuration == null) {
                throw new IOException(file + " is not a DL4J model: it has no configuration.json");
            }
            try (InputStream in = zip.getInputStream(configuration)) {
                return new ObjectMapper().readTree(in).has("vertices");
            }
        }
    }

    /**
     * The network; input {@code [batch, channels*height*width, in]} (see {@link #toRnnLayout}), output
     * {@code [batch, out, height, width]}.
     */
    static ComputationGraphConfiguration configuration(ModelSpec spec, WindowShape shape, DataType dtype,
                                                       IUpdater updater) {
        List<Integer> filters = spec.filters();
        List<Integer> hidden = spec.hidden();
        if (filters == null || filters.isEmpty() || filters.stream().anyMatch(f -> f < 1)) {
            throw new IllegalArgumentException(TYPE + " needs at least one CNN stage of >= 1 filters, got " + filters);
        }
        if (hidden == null || hidden.isEmpty() || hidden.stream().anyMatch(n -> n < 1)) {
            throw new IllegalArgumentException(TYPE + " needs at least one LSTM layer of >= 1 units, got " + hidden);
        }
        if (spec.kernel() < 1 || spec.kernel() % 2 == 0) {
            throw new IllegalArgumentException(TYPE + " needs an odd kernel size >= 1, got " + spec.kernel());
        }
        int stages = filters.size();
        int divisor = 1 << stages;
        if (shape.height() % divisor != 0 || shape.width() % divisor != 0) {
            throw new IllegalArgumentException(TYPE + " with " + stages + " CNN stages needs the region's height and"
                    + " width divisible by 2^" + stages + " = " + divisor + ", got a " + shape.height() + "x"
                    + shape.width() + " region");
        }
        int smallH = shape.height() / divisor;
        int smallW = shape.width() / divisor;
        int k = spec.kernel();

        ComputationGraphConfiguration.GraphBuilder graph = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(dtype)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .biasInit(0.0)
                .graphBuilder()
                .addInputs(INPUT)
                .setInputTypes(InputType.recurrent(
                        (long) shape.channels() * shape.height() * shape.width(), shape.in()));
        // Every time step becomes one image of a [in*batch, c, h, w] stack, time-major: the encoder's weights are
        // shared, and the last frame's images are the stack's last block of `batch`.
        String previous = INPUT;
        for (int s = 0; s < stages; s++) {
            graph.addLayer("encode" + s, conv(k, filters.get(s), Activation.RELU),
                    s == 0 ? new RnnToCnnPreProcessor(shape.height(), shape.width(), shape.channels()) : null,
                    previous);
            graph.addVertex("skip" + s, new UnstackVertex(shape.in() - 1, shape.in()), "encode" + s);
            graph.addLayer("pool" + s, new SubsamplingLayer.Builder(PoolingType.MAX)
                    .kernelSize(2, 2).stride(2, 2).build(), "encode" + s);
            previous = "pool" + s;
        }
        for (int l = 0; l < hidden.size(); l++) {
            LSTM lstm = new LSTM.Builder().nOut(hidden.get(l)).activation(Activation.TANH).build();
            // One sequence per cell of the coarsest grid, the same weights everywhere; the last LSTM layer hands
            // the decoder its last step only, one vector per cell.
            graph.addLayer("lstm" + l, FusedLstm.of(lstm, l == hidden.size() - 1),
                    l == 0 ? new CnnToCellSequencesPreProcessor(smallH, smallW) : null, previous);
            previous = "lstm" + l;
        }
        for (int s = stages - 1; s >= 0; s--) {
            graph.addLayer("upsample" + s, new Upsampling2D.Builder(2).build(),
                    s == stages - 1 ? new CellsToCnnPreProcessor(smallH, smallW) : null, previous);
            graph.addVertex("merge" + s, new MergeVertex(), "upsample" + s, "skip" + s);
            graph.addLayer("decode" + s, conv(k, filters.get(s), Activation.RELU), "merge" + s);
            previous = "decode" + s;
        }
        graph.addLayer("leads", new NativeConvolutionLayer.Builder(k).nOut(shape.out())
                .activation(Activation.IDENTITY).weightInit(WeightInit.ZERO).build(), previous);
        graph.addLayer("loss", new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY).build(), "leads");
        return graph.setOutputs("loss").build();
    }

    private static Layer conv(int kernel, int filters, Activation activation) {
        return new NativeConvolutionLayer.Builder(kernel).nOut(filters).activation(activation).build();
    }

    /**
     * {@code [batch, in, c, h, w]} → DL4J's RNN layout {@code [batch, c*h*w, in]}: each time step's vector is
     * its frame flattened in c, h, w order, which is what {@link RnnToCnnPreProcessor} unflattens.
     */
    static INDArray toRnnLayout(INDArray inputs) {
        long[] s = inputs.shape();
        return inputs.reshape('c', s[0], s[1], s[2] * s[3] * s[4]).permute(0, 2, 1).dup('c');
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public INDArray predict(INDArray inputs) {
        Windows.requireInputs(inputs, shape);
        INDArray x = inputs.castTo(net.getConfiguration().getDataType());
        // DL4J's graph hands its preprocessors the minibatch size of the labels it last held (a training batch's,
        // of another size than this one) when it holds any: drop them.
        net.clear();
        return net.outputSingle(false, toRnnLayout(x)).addi(Windows.lastFrame(x));
    }

    @Override
    public double fitBatch(DataSet batch) {
        Windows.requireInputs(batch.getFeatures(), shape);
        DataType dtype = net.getConfiguration().getDataType();
        INDArray x = batch.getFeatures().castTo(dtype);
        net.fit(new DataSet(toRnnLayout(x), batch.getLabels().castTo(dtype).sub(Windows.lastFrame(x))));
        return scoreToMse(net.score(), shape);
    }

    @Override
    public void learningRate(double rate) {
        // Changes every layer's Adam configuration; the updater's state array is kept.
        net.setLearningRate(rate);
    }

    @Override
    public long parameters() {
        return net.numParams();
    }

    /**
     * DL4J's CnnLossLayer MSE score averages over the output channels and the batch but sums over pixels, so
     * dividing by the pixel count gives the element-wise MSE that {@code training.Validation.mse} reports.
     */
    static double scoreToMse(double score, WindowShape shape) {
        return score / ((double) shape.height() * shape.width());
    }

    @Override
    public void save(Path dir) {
        Windows.createDirectories(dir);
        Path file = dir.resolve(MODEL_FILE);
        try {
            Path staging = AtomicFiles.stagingFor(file);
            ModelSerializer.writeModel(net, staging.toFile(), true);
            AtomicFiles.replaceFile(staging, file);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write the " + TYPE + " model to " + dir, e);
        }
        Windows.writeShape(shape, dir);
    }

    /** The underlying network, for gradient checks and layout tests. */
    ComputationGraph network() {
        return net;
    }
}
