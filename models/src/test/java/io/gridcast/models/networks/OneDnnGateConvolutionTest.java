package io.gridcast.models.networks;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Winograd's convolutions, which training uses where oneDNN has them, against oneDNN's direct ones, which the
 * float-against-double gradient test checks: the same outputs, input gradients and weight gradients, to the
 * rounding of float, with the caller's cell-major activations converted to and from Winograd's layout.
 */
class OneDnnGateConvolutionTest {

    private static final int BATCH = 2;
    private static final int SIZE = 12;
    /** A layer's input and hidden state (3 + 16 channels) to its four gates (64): a padded blocked layout. */
    private static final int IN = 19;
    private static final int GATES = 64;

    @Test
    void winogradGivesTheDirectConvolutionsOutputsAndGradients() {
        engine cpu = new engine(engine.kind.cpu, 0);
        stream queue = new stream(cpu);
        OneDnnGateConvolution winograd = new OneDnnGateConvolution(cpu, queue, IN, GATES, 3, SIZE, SIZE, true);
        OneDnnGateConvolution direct = new OneDnnGateConvolution(cpu, queue, IN, GATES, 3, SIZE, SIZE, false);
        assumeTrue(winograd.implementation(BATCH).contains("wino"),
                "oneDNN has no Winograd convolution on this CPU: " + winograd.implementation(BATCH));
        assertThat(direct.implementation(BATCH)).doesNotContain("wino");

        Nd4j.getRandom().setSeed(3);
        INDArray input = Nd4j.rand(DataType.FLOAT, BATCH, SIZE, SIZE, IN).subi(0.5);
        INDArray weights = Nd4j.rand(DataType.FLOAT, GATES, IN, 3, 3).subi(0.5);
        INDArray bias = Nd4j.rand(DataType.FLOAT, GATES);
        INDArray outputGradient = Nd4j.rand(DataType.FLOAT, BATCH, SIZE, SIZE, GATES).subi(0.5);
        Results fromWinograd = run(winograd, input, weights, bias, outputGradient);
        Results fromDirect = run(direct, input, weights, bias, outputGradient);

        assertClose("output", fromWinograd.output, fromDirect.output);
        assertClose("input gradient", fromWinograd.inputGradient, fromDirect.inputGradient);
        assertClose("weight gradient", fromWinograd.weightGradient, fromDirect.weightGradient);
        assertClose("bias gradient", fromWinograd.biasGradient, fromDirect.biasGradient);
    }

    private record Results(INDArray output, INDArray inputGradient, INDArray weightGradient, INDArray biasGradient) {
    }

    /** A forward and a backward pass; the weight gradients are added to ones of 1, as training sums over steps. */
    private static Results run(OneDnnGateConvolution conv, INDArray input, INDArray weights, INDArray bias,
                               INDArray outputGradient) {
        conv.loadForwardWeights(weights, BATCH);
        conv.loadBackwardWeights(weights, BATCH);
        INDArray kept = Nd4j.zeros(DataType.FLOAT, conv.keptInputLength(BATCH));
        INDArray output = Nd4j.zeros(DataType.FLOAT, BATCH, SIZE, SIZE, GATES);
        conv.forward(input, bias, kept, output, BATCH);
        INDArray inputGradient = Nd4j.zeros(DataType.FLOAT, BATCH, SIZE, SIZE, IN);
        INDArray weightGradient = Nd4j.ones(DataType.FLOAT, GATES, IN, 3, 3);
        INDArray biasGradient = Nd4j.ones(DataType.FLOAT, GATES);
        conv.backward(kept, outputGradient, inputGradient, weightGradient, biasGradient, BATCH);
        return new Results(output, inputGradient, weightGradient, biasGradient);
    }

    /** Within 1e-5 of the largest magnitude: Winograd's transforms round differently from a direct sum. */
    private static void assertClose(String what, INDArray actual, INDArray expected) {
        double largest = expected.amaxNumber().doubleValue();
        double error = actual.sub(expected).amaxNumber().doubleValue();
        assertThat(error).as("%s: largest difference against a largest magnitude of %s", what, largest)
                .isLessThan(1e-5 * largest);
    }
}
