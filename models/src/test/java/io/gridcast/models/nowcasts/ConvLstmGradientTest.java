package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.gridcast.models.networks.ConvLstmHead;
import io.gridcast.models.postprocessing.PostProcessing;
import java.util.List;
import java.util.stream.Stream;

import io.gridcast.features.WindowShape;
import org.deeplearning4j.gradientcheck.GradientCheckUtil;
import org.deeplearning4j.nn.multilayer.MultiLayerNetwork;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.config.NoOp;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * The {@code convlstm} variant's DL4J network checked by DL4J's {@code GradientCheckUtil} in double precision: the
 * hand-written backward pass of the encoder–forecaster (peepholes, several depths, patching, several input channels)
 * and of its 1x1 head, under every loss, against central differences of the score; and the float path training
 * runs on against that double one.
 */
class ConvLstmGradientTest {

    static Stream<Arguments> cases() {
        return Stream.of(
                Arguments.of("cell", new WindowShape(1, 1, 1, 5, 5), List.of(3), false, 1, "mse"),
                Arguments.of("cell, peephole", new WindowShape(1, 1, 1, 5, 5), List.of(3), true, 1, "mse"),
                Arguments.of("stack, peephole", new WindowShape(2, 2, 2, 4, 4), List.of(3, 2), true, 1, "mse"),
                Arguments.of("stack, patch 2", new WindowShape(2, 2, 2, 4, 6), List.of(3, 2), false, 2, "mse"),
                Arguments.of("mae", new WindowShape(2, 2, 1, 4, 4), List.of(2), false, 1, "mae"),
                Arguments.of("balanced", new WindowShape(2, 2, 1, 4, 4), List.of(2), true, 2, "balanced"));
    }

    private static ModelSpec spec(List<Integer> hidden, boolean peephole, int patch, String loss) {
        return new ModelSpec("grad", ConvLstmNowcaster.TYPE, hidden, 3, List.of(), 1, 2, 1e-3, 42,
                LearningRateSchedule.CONSTANT, 0, 0, 1, peephole, patch, loss, false, PostProcessing.NONE);
    }

    /** The network as the variant builds it, with no updater (the check's rule) and random weights. */
    private static MultiLayerNetwork network(ModelSpec spec, WindowShape shape, DataType dtype) {
        MultiLayerNetwork net = new MultiLayerNetwork(ConvLstmNowcaster.configuration(spec, shape, dtype,
                new NoOp()));
        net.init();
        // Random peepholes and biases too: at their initial zeros a wrong peephole gradient would still be checked,
        // but the gradients of the other weights would not depend on them.
        Nd4j.getRandom().setSeed(3);
        net.params().addi(Nd4j.randn(dtype, net.params().shape()).muli(0.1));
        return net;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("cases")
    void dl4jsGradientCheckPassesOnTheWholeNetworkInDouble(String name, WindowShape shape, List<Integer> hidden,
                                                          boolean peephole, int patch, String loss) {
        MultiLayerNetwork net = network(spec(hidden, peephole, patch, loss), shape, DataType.DOUBLE);
        assertThat(gradientCheck(net, shape, patch, loss)).as("DL4J's gradient check").isTrue();
    }

    /** The check would catch a gradient twice too large (the SameDiffLayer fault), here from the loss on. */
    @ParameterizedTest(name = "peephole {0}")
    @ValueSource(booleans = {false, true})
    void theCheckFailsOnADoubledGradient(boolean peephole) {
        WindowShape shape = new WindowShape(2, 2, 1, 4, 4);
        ModelSpec spec = spec(List.of(3, 2), peephole, 1, "mse");
        MultiLayerNetwork net = network(spec, shape, DataType.DOUBLE);
        assertThat(gradientCheck(net, shape, 1, "mse")).isTrue();
        ((ConvLstmHead) net.getLayer(1).conf().getLayer()).setLossFn(new DoubledMse());
        assertThat(gradientCheck(net, shape, 1, "mse")).as("the check of a doubled gradient").isFalse();
    }

    /** DL4J's MSE with its gradient doubled. */
    private static final class DoubledMse extends LossMSE {
        @Override
        public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
            return super.computeGradient(labels, preOutput, activationFn, mask).muli(2);
        }
    }

    /** DL4J's check, which insists on double as ND4J's default type too while it runs. */
    private static boolean gradientCheck(MultiLayerNetwork net, WindowShape shape, int patch, String loss) {
        DataSet batch = batch(shape, loss, DataType.DOUBLE);
        DataType defaultType = Nd4j.defaultFloatingPointType();
        Nd4j.setDefaultDataTypes(DataType.DOUBLE, DataType.DOUBLE);
        try {
            return GradientCheckUtil.checkGradients(new GradientCheckUtil.MLNConfig().net(net)
                    .input(ConvLstmNowcaster.toSequence(batch.getFeatures(), patch))
                    .labels(ConvLstmNowcaster.toLeads(batch.getLabels(), patch))
                    .labelMask(batch.getLabelsMaskArray() == null ? null
                            : ConvLstmNowcaster.toLeads(batch.getLabelsMaskArray(), patch))
                    .subset(true).maxPerParam(12)
                    .epsilon(1e-6).maxRelError(1e-3).minAbsoluteError(1e-9).exitOnFirstError(true)
                    .print(GradientCheckUtil.PrintMode.FAILURES_ONLY));
        } finally {
            Nd4j.setDefaultDataTypes(defaultType, defaultType);
        }
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
        ModelSpec spec = spec(List.of(16, 4), peephole, 1, "mse");
        MultiLayerNetwork inDouble = network(spec, shape, DataType.DOUBLE);
        MultiLayerNetwork inFloat = network(spec, shape, DataType.FLOAT);
        inFloat.setParams(inDouble.params().castTo(DataType.FLOAT));
        DataSet batch = batch(shape, "mse", DataType.DOUBLE);

        double lossInDouble = lossAndGradient(inDouble, batch, DataType.DOUBLE);
        double lossInFloat = lossAndGradient(inFloat, batch, DataType.FLOAT);
        assertThat(lossInFloat).isCloseTo(lossInDouble, withinPercentage(1e-3));
        INDArray expected = inDouble.gradient().gradient();
        double largest = expected.amaxNumber().doubleValue();
        double error = inFloat.gradient().gradient().castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue();
        assertThat(error).isLessThan(1e-4 * largest);
    }

    private static double lossAndGradient(MultiLayerNetwork net, DataSet batch, DataType dtype) {
        net.setInput(ConvLstmNowcaster.toSequence(batch.getFeatures().castTo(dtype), 1));
        net.setLabels(ConvLstmNowcaster.toLeads(batch.getLabels().castTo(dtype), 1));
        net.computeGradientAndScore();
        return net.score();
    }

    private static DataSet batch(WindowShape shape, String loss, DataType dtype) {
        Nd4j.getRandom().setSeed(7);
        DataSet batch = new DataSet(
                Nd4j.rand(dtype, 2, shape.in(), shape.channels(), shape.height(), shape.width()),
                Nd4j.rand(dtype, 2, shape.out(), shape.height(), shape.width()));
        if (loss.equals("balanced")) {
            // Labels read as 0..40 mm/h, so every HKO-7 weight class occurs.
            batch.setLabelsMaskArray(NowcastLoss.hko7Weights(batch.getLabels().mul(40)));
        }
        return batch;
    }
}
