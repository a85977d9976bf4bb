package io.gridcast.models.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

import org.deeplearning4j.nn.conf.ComputationGraphConfiguration;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.graph.ComputationGraph;
import org.deeplearning4j.nn.weights.WeightInit;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;
import org.nd4j.shade.jackson.databind.JsonNode;

/**
 * A network saved by an earlier gridcast loads unchanged. {@code saved-network.json} is the configuration the code of
 * 7 December 2026 (commit 545c069, before the ConvLSTM configurations shared a base class) wrote for {@link #network}:
 * every layer of {@code networks} in one graph, settings away from their defaults. {@code saved-network-output.txt}
 * is that network's output, in double precision, for the parameters and input {@link #values} makes. A saved model
 * ({@code ModelSerializer}'s zip) holds exactly such a configuration.
 */
class SavedNetworkTest {

    private static final int CHANNELS = 2;
    private static final int HEIGHT = 4;
    private static final int WIDTH = 5;
    private static final int STEPS = 3;

    /** Radar frames in, a ConvLSTM, an encoder–forecaster of two depths over its states, and the head out. */
    static ComputationGraphConfiguration network() {
        return new NeuralNetConfiguration.Builder()
                .seed(5).dataType(DataType.DOUBLE).updater(new Adam(1e-3)).weightInit(WeightInit.XAVIER)
                .graphBuilder()
                .addInputs("radar")
                .setInputTypes(InputType.recurrent((long) CHANNELS * HEIGHT * WIDTH, STEPS))
                .addLayer("convlstm", new ConvLstm.Builder().nOut(3).kernel(3).grid(HEIGHT, WIDTH).peephole(true)
                        .forgetGateBiasInit(0.5).build(), "radar")
                .addLayer("encoderForecaster", new ConvLstmEncoderForecaster.Builder().hidden(2, 3).kernel(1)
                        .grid(HEIGHT, WIDTH).leads(2).forgetGateBiasInit(2).build(), "convlstm")
                .addLayer("head", new ConvLstmHead.Builder().grid(HEIGHT, WIDTH).nOut(2)
                        .lossFunction(new LossMSE()).build(), "encoderForecaster")
                .setOutputs("head")
                .build();
    }

    /** {@code n} smooth values in [-0.3, 0.3], the same on every machine. */
    static INDArray values(long n, double step) {
        double[] values = new double[Math.toIntExact(n)];
        for (int i = 0; i < values.length; i++) {
            values[i] = 0.3 * StrictMath.sin(i * step);
        }
        return Nd4j.create(values);
    }

    /** The network's output, {@code [batch, leads, cells * nOut]}, for {@link #values} as parameters and input. */
    static INDArray output(ComputationGraphConfiguration conf) {
        ComputationGraph net = new ComputationGraph(conf);
        net.init();
        net.setParams(values(net.numParams(), 0.7).reshape(1, net.numParams()));
        INDArray input = values(2L * CHANNELS * HEIGHT * WIDTH * STEPS, 0.37)
                .reshape('c', 2, (long) CHANNELS * HEIGHT * WIDTH, STEPS);
        return net.outputSingle(input);
    }

    private static String resource(String name) throws IOException {
        try (InputStream in = SavedNetworkTest.class.getResourceAsStream(name)) {
            assertThat(in).as(name).isNotNull();
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }

    private static JsonNode tree(String json) throws IOException {
        return NeuralNetConfiguration.mapper().readTree(json);
    }

    @Test
    void theSavedJsonReadsBackAsTheConfigurationTheBuildersMakeAndTheyWriteTheSameFields() throws IOException {
        String saved = resource("saved-network.json");
        assertThat(ComputationGraphConfiguration.fromJson(saved)).isEqualTo(network());
        // DL4J reads JSON ignoring unknown properties: a renamed getter and setter would load as the default, so
        // compare the text too.
        assertThat(tree(network().toJson())).isEqualTo(tree(saved));
    }

    @Test
    void theSavedNetworkForecastsWhatItForecastWhenSaved() throws IOException {
        INDArray actual = output(ComputationGraphConfiguration.fromJson(resource("saved-network.json")));
        double[] expected = resource("saved-network-output.txt").lines().mapToDouble(Double::parseDouble).toArray();
        assertThat(actual.shape()).containsExactly(2, 2, (long) HEIGHT * WIDTH * 2);
        double[] values = actual.ravel().toDoubleVector();
        double largest = Arrays.stream(expected).map(Math::abs).max().orElseThrow();
        assertThat(largest).isPositive();
        assertThat(values).hasSameSizeAs(expected);
        for (int i = 0; i < expected.length; i++) {
            assertThat(values[i]).as("output %d", i).isCloseTo(expected[i], within(1e-12 * largest));
        }
    }
}
