package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.gridcast.models.networks.ConvLstmNetwork;
import io.gridcast.models.postprocessing.PostProcessing;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.gridcast.features.WindowShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Double-precision gradient checks of the hand-written ConvLSTM backward pass against central differences of the
 * loss, over spread-out elements of every parameter array (perturbed through the flat parameter vector the
 * optimiser updates), for the bare cell (one encoder and one forecaster step), the stacked encoder–forecaster, with
 * peepholes, with patching, several input channels and every loss.
 */
class ConvLstmGradientTest {

    private static final Logger LOG = LoggerFactory.getLogger(ConvLstmGradientTest.class);
    private static final double EPS = 1e-6;

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("cell", new WindowShape(1, 1, 1, 5, 5), List.of(3), false, 1, "mse", false),
                Arguments.of("cell, peephole", new WindowShape(1, 1, 1, 5, 5), List.of(3), true, 1, "mse", false),
                Arguments.of("stack, peephole", new WindowShape(2, 2, 2, 4, 4), List.of(3, 2), true, 1, "mse", false),
                Arguments.of("stack, patch 2", new WindowShape(2, 2, 2, 4, 6), List.of(3, 2), false, 2, "mse", false),
                Arguments.of("mae", new WindowShape(2, 2, 1, 4, 4), List.of(2), false, 1, "mae", false),
                Arguments.of("balanced", new WindowShape(2, 2, 1, 4, 4), List.of(2), true, 2, "balanced", false),
                Arguments.of("residual, patch 2", new WindowShape(2, 2, 2, 4, 4), List.of(2), false, 2, "mse", true));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void analyticGradientMatchesCentralDifferencesAndADoubledOneWouldNot(String name, WindowShape shape,
            List<Integer> hidden, boolean peephole, int patch, String loss, boolean residual) {
        ConvLstmNowcaster model = ConvLstmNowcaster.create(new ModelSpec("grad", ConvLstmNowcaster.TYPE, hidden, 3,
                List.of(), 1, 2, 1e-3, 42, LearningRateSchedule.CONSTANT, 0, 0, 1, peephole, patch, loss, residual,
                PostProcessing.NONE), shape, DataType.DOUBLE);
        DataSet batch = batch(shape, loss);
        ConvLstmNetwork network = model.network;
        // Random peepholes: at their initial zeros a wrong peephole gradient would still be checked, but the
        // gradients of the other weights would not depend on them.
        Random rng = new Random(3);
        for (long i = 0; i < network.params.length(); i++) {
            network.params.putScalar(0, i, network.params.getDouble(0, i) + 0.1 * rng.nextGaussian());
        }
        model.lossAndGradients(batch, new double[1]);
        INDArray analytic = network.gradients.dup();
        INDArray flat = network.params;
        double maxRel = 0;
        double minRelDoubled = Double.POSITIVE_INFINITY;
        int checked = 0;
        // Three random elements of every parameter array: each is checked, and the test takes seconds.
        for (long i : network.ranges.stream().flatMapToLong(r -> rng.longs(3, r[0], r[0] + r[1])).toArray()) {
            double original = flat.getDouble(0, i);
            flat.putScalar(0, i, original + EPS);
            double plus = model.lossAndGradients(batch, new double[1]);
            flat.putScalar(0, i, original - EPS);
            double minus = model.lossAndGradients(batch, new double[1]);
            flat.putScalar(0, i, original);
            double numeric = (plus - minus) / (2 * EPS);
            double a = analytic.getDouble(0, i);
            if (Math.abs(numeric) + Math.abs(a) < 1e-9) {
                continue;
            }
            checked++;
            maxRel = Math.max(maxRel, relativeError(a, numeric));
            minRelDoubled = Math.min(minRelDoubled, relativeError(2 * a, numeric));
        }
        LOG.info("ConvLSTM {}: {} of {} weights in {} arrays checked, max relative error {} (doubled gradient: min {})", name,
                checked, flat.length(), network.ranges.size(), maxRel, minRelDoubled);
        assertThat(checked).isGreaterThan(network.ranges.size());
        assertThat(maxRel).isLessThan(1e-3);
        // A gradient off by a factor 2 (the SameDiffLayer bug) has relative error 1/3 on every element.
        assertThat(minRelDoubled).isGreaterThan(0.3);
    }

    /**
     * The gradient checks run in double, on libnd4j's own convolutions and the double loops; training runs in float,
     * on oneDNN's convolutions (Winograd's, through its blocked layout, where oneDNN has them: here 18 and 20 input
     * channels, two blocks each, one padded, and 64 gates, four) and the float loops (with a faster path without
     * peepholes): both must give the same loss and gradient, to float precision.
     */
    @ParameterizedTest(name = "peephole {0}")
    @ValueSource(booleans = {false, true})
    void floatTrainingComputesTheDoublePrecisionGradient(boolean peephole) {
        WindowShape shape = new WindowShape(2, 2, 2, 6, 6);
        ModelSpec spec = new ModelSpec("float", ConvLstmNowcaster.TYPE, List.of(16, 4), 3, List.of(), 1, 2, 1e-3, 42,
                LearningRateSchedule.CONSTANT, 0, 0, 1, peephole, 1, "mse");
        ConvLstmNowcaster inDouble = ConvLstmNowcaster.create(spec, shape, DataType.DOUBLE);
        ConvLstmNowcaster inFloat = ConvLstmNowcaster.create(spec, shape, DataType.FLOAT);
        Random rng = new Random(5);
        for (long i = 0; i < inDouble.network.params.length(); i++) {
            inDouble.network.params.putScalar(0, i, inDouble.network.params.getDouble(0, i) + 0.1 * rng.nextGaussian());
        }
        inFloat.network.params.assign(inDouble.network.params.castTo(DataType.FLOAT));
        DataSet batch = batch(shape, "mse");
        double lossInDouble = inDouble.lossAndGradients(batch, new double[1]);
        double lossInFloat = inFloat.lossAndGradients(batch, new double[1]);
        assertThat(lossInFloat).isCloseTo(lossInDouble, withinPercentage(1e-3));
        INDArray expected = inDouble.network.gradients;
        double largest = expected.amaxNumber().doubleValue();
        double error = inFloat.network.gradients.castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue();
        assertThat(error).isLessThan(1e-4 * largest);
    }

    /** The gradient checks test the backward pass against the forward one; this tests the forward convolution. */
    @Test
    void gateConvolutionMatchesADirectZeroPaddedConvolution() {
        assertGatesAreADirectZeroPaddedConvolution(DataType.DOUBLE, 1e-12);
    }

    /** The same in float, where oneDNN's own primitive convolves (libnd4j's conv2d in double). */
    @Test
    void floatGateConvolutionThroughOneDnnMatchesADirectZeroPaddedConvolution() {
        assertGatesAreADirectZeroPaddedConvolution(DataType.FLOAT, 1e-5);
    }

    private static void assertGatesAreADirectZeroPaddedConvolution(DataType dtype, double tolerance) {
        int in = 2;
        int hid = 3;
        int size = 5;
        int batch = 2;
        ConvLstmNetwork network = new ConvLstmNetwork(List.of(hid), 3, in, 1, size, size, false, 1e-3, 9, dtype);
        Nd4j.getRandom().setSeed(11);
        INDArray x = Nd4j.rand(dtype, in, (long) batch * size * size);
        INDArray h = Nd4j.rand(dtype, hid, (long) batch * size * size);
        INDArray gates = network.encoderGates(0, x, h, batch);
        INDArray w = network.encoderWeights(0);
        for (int g = 0; g < 4 * hid; g++) {
            for (int b = 0; b < batch; b++) {
                for (int y = 0; y < size; y++) {
                    for (int xx = 0; xx < size; xx++) {
                        double sum = g >= hid && g < 2 * hid ? 1.0 : 0.0; // the forget gate's bias
                        for (int c = 0; c < in + hid; c++) {
                            for (int dy = 0; dy < 3; dy++) {
                                for (int dx = 0; dx < 3; dx++) {
                                    int yy = y + dy - 1;
                                    int xs = xx + dx - 1;
                                    if (yy < 0 || yy >= size || xs < 0 || xs >= size) {
                                        continue;
                                    }
                                    long cell = ((long) b * size + yy) * size + xs;
                                    double v = c < in ? x.getDouble(c, cell) : h.getDouble(c - in, cell);
                                    sum += w.getDouble(g, (c * 3 + dy) * 3 + dx) * v;
                                }
                            }
                        }
                        assertThat(gates.getDouble(g, ((long) b * size + y) * size + xx)).isCloseTo(sum,
                                org.assertj.core.api.Assertions.within(tolerance));
                    }
                }
            }
        }
    }

    private static DataSet batch(WindowShape shape, String loss) {
        Nd4j.getRandom().setSeed(7);
        DataSet batch = new DataSet(
                Nd4j.rand(DataType.DOUBLE, 2, shape.in(), shape.channels(), shape.height(), shape.width()),
                Nd4j.rand(DataType.DOUBLE, 2, shape.out(), shape.height(), shape.width()));
        if (loss.equals("balanced")) {
            // Labels read as 0..40 mm/h, so every HKO-7 weight class occurs.
            batch.setLabelsMaskArray(NowcastLoss.hko7Weights(batch.getLabels().mul(40)));
        }
        return batch;
    }

    private static double relativeError(double a, double b) {
        return Math.abs(a - b) / (Math.abs(a) + Math.abs(b));
    }
}
