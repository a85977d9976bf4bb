package io.gridcast.models.nowcasts;

import io.gridcast.models.TrainableNowcaster;
import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

import io.gridcast.features.WindowShape;
import io.gridcast.models.networks.FusedLstm;
import io.gridcast.models.networks.NativeConvolutionLayer;
import org.deeplearning4j.nn.conf.MultiLayerConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.CnnLossLayer;
import org.deeplearning4j.nn.conf.layers.DenseLayer;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.nn.conf.layers.PoolingType;
import org.deeplearning4j.nn.conf.layers.SubsamplingLayer;
import org.deeplearning4j.nn.conf.layers.Upsampling2D;
import org.deeplearning4j.nn.conf.layers.recurrent.LastTimeStep;
import org.deeplearning4j.nn.conf.preprocessor.CnnToRnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.FeedForwardToCnnPreProcessor;
import org.deeplearning4j.nn.conf.preprocessor.RnnToCnnPreProcessor;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.deeplearning4j.nn.weights.WeightInit;
import org.deeplearning4j.util.ModelSerializer;
import org.nd4j.linalg.activations.Activation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.learning.config.IUpdater;
import org.nd4j.linalg.lossfunctions.LossFunctions;

/**
 * LRCN-style CNN-LSTM: a CNN encoder applied to every input frame with shared weights, an LSTM over the frames'
 * encodings, and from the last step a dense layer to a small feature map that an upsampling decoder brings back
 * to the full grid with one channel per lead. The network predicts each lead's change from the last input frame
 * (the residual to persistence), which is added back: a coarse LSTM bottleneck cannot carry a sharp field through,
 * but it can carry where the field moves, grows and decays. The output layer starts at zero, so the untrained
 * model is persistence.
 */
final class CnnLstmNowcaster implements TrainableNowcaster {

    public static final String TYPE = "cnnlstm";
    static final String MODEL_FILE = "cnnlstm.zip";

    private final MultiLayerNetwork net;
    private final WindowShape shape;

    private CnnLstmNowcaster(MultiLayerNetwork net, WindowShape shape) {
        this.net = net;
        this.shape = shape;
    }

    /** A freshly initialised float32 model. */
    public static CnnLstmNowcaster create(ModelSpec spec, WindowShape shape) {
        MultiLayerNetwork net = new MultiLayerNetwork(
                configuration(spec, shape, DataType.FLOAT, new Adam(spec.learningRate())));
        net.init();
        return new CnnLstmNowcaster(net, shape);
    }

    /** Reads a model written by {@link #save}, with its updater state so training can continue. */
    public static CnnLstmNowcaster load(Path dir) {
        File file = dir.resolve(MODEL_FILE).toFile();
        if (!file.isFile()) {
            throw new IllegalArgumentException("no " + TYPE + " model in " + dir + ": expected " + file);
        }
        try {
            return new CnnLstmNowcaster(withFusedLstm(ModelSerializer.restoreMultiLayerNetwork(file, true)),
                    Windows.readShape(dir));
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    /**
     * A network saved with DL4J's own LSTM layers (before {@link FusedLstm}; the last wrapped in DL4J's
     * {@code LastTimeStep}) as the same network with {@code FusedLstm} layers: their parameters and Adam's state
     * are laid out alike, so both carry over as they are, and so do the iteration and epoch counts.
     */
    static MultiLayerNetwork withFusedLstm(MultiLayerNetwork saved) {
        MultiLayerConfiguration conf = saved.getLayerWiseConfigurations().clone();
        boolean changed = false;
        for (NeuralNetConfiguration layerConf : conf.getConfs()) {
            Layer layer = layerConf.getLayer();
            if (layer instanceof LastTimeStep last && last.getUnderlying().getClass() == LSTM.class) {
                layerConf.setLayer(FusedLstm.of((LSTM) last.getUnderlying(), true));
                changed = true;
            } else if (layer.getClass() == LSTM.class) {
                layerConf.setLayer(FusedLstm.of((LSTM) layer, false));
                changed = true;
            }
        }
        if (!changed) {
            return saved;
        }
        MultiLayerNetwork net = new MultiLayerNetwork(conf);
        net.init(saved.params().dup(), false);
        net.getUpdater().getStateViewArray().assign(saved.getUpdater().getStateViewArray());
        return net;
    }

    /**
     * The network; input {@code [batch, channels*height*width, in]} (see {@link #toRnnLayout}), output
     * {@code [batch, out, height, width]}.
     */
    static MultiLayerConfiguration configuration(ModelSpec spec, WindowShape shape, DataType dtype,
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
        int deepest = filters.get(stages - 1);
        int k = spec.kernel();

        NeuralNetConfiguration.ListBuilder list = new NeuralNetConfiguration.Builder()
                .seed(spec.seed())
                .dataType(dtype)
                .updater(updater)
                .weightInit(WeightInit.XAVIER)
                .biasInit(0.0)
                .list();
        int layer = 0;
        // Every time step becomes one image of a [batch*in, c, h, w] batch: the encoder's weights are shared.
        list.inputPreProcessor(layer, new RnnToCnnPreProcessor(shape.height(), shape.width(), shape.channels()));
        for (int f : filters) {
            list.layer(layer++, conv(k, f, Activation.RELU));
            list.layer(layer++, new SubsamplingLayer.Builder(PoolingType.MAX)
                    .kernelSize(2, 2).stride(2, 2).build());
        }
        list.inputPreProcessor(layer, new CnnToRnnPreProcessor(smallH, smallW, deepest));
        for (int l = 0; l < hidden.size(); l++) {
            LSTM lstm = new LSTM.Builder().nOut(hidden.get(l)).activation(Activation.TANH).build();
            // The last LSTM layer hands the dense layer its last step only.
            list.layer(layer++, FusedLstm.of(lstm, l == hidden.size() - 1));
        }
        list.layer(layer++, new DenseLayer.Builder().nOut((long) deepest * smallH * smallW)
                .activation(Activation.RELU).build());
        list.inputPreProcessor(layer, new FeedForwardToCnnPreProcessor(smallH, smallW, deepest));
        for (int s = stages - 1; s >= 0; s--) {
            list.layer(layer++, new Upsampling2D.Builder(2).build());
            list.layer(layer++, conv(k, filters.get(s), Activation.RELU));
        }
        list.layer(layer++, new NativeConvolutionLayer.Builder(k).nOut(shape.out()).activation(Activation.IDENTITY)
                .weightInit(WeightInit.ZERO).build());
        list.layer(layer, new CnnLossLayer.Builder(LossFunctions.LossFunction.MSE)
                .activation(Activation.IDENTITY).build());
        list.setInputType(InputType.recurrent((long) shape.channels() * shape.height() * shape.width(), shape.in()));
        return list.build();
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
        INDArray x = inputs.castTo(net.getLayerWiseConfigurations().getDataType());
        return net.output(toRnnLayout(x), false).addi(Windows.lastFrame(x));
    }

    @Override
    public double fitBatch(DataSet batch) {
        Windows.requireInputs(batch.getFeatures(), shape);
        DataType dtype = net.getLayerWiseConfigurations().getDataType();
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
        File file = dir.resolve(MODEL_FILE).toFile();
        try {
            ModelSerializer.writeModel(net, file, true);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        Windows.writeShape(shape, dir);
    }

    /** The underlying network, for gradient checks and layout tests. */
    MultiLayerNetwork network() {
        return net;
    }
}
