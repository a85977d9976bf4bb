package io.gridcast.models.nowcasts;

import java.util.Arrays;

import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.activations.IActivation;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * HKO-7's balanced loss (Shi et al. 2017), B-MSE + B-MAE, as a DL4J loss function: each output's squared plus
 * absolute error, weighted by the labels mask ({@link NowcastLoss#hko7Weights} of the physical targets), averaged
 * over an example's outputs as DL4J's MSE and MAE are. DL4J has neither the sum of the two nor weights per output
 * that are not a mask.
 */
public final class BalancedLoss implements ILossFunction {

    @Override
    public double computeScore(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask,
                               boolean average) {
        double sum = computeScoreArray(labels, preOutput, activationFn, mask).sumNumber().doubleValue();
        return average ? sum / labels.size(0) : sum;
    }

    @Override
    public INDArray computeScoreArray(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray error = error(labels, preOutput, activationFn, mask);
        return error.mul(error).addi(Transforms.abs(error, true)).muli(mask).sum(true, 1).divi(labels.size(1));
    }

    @Override
    public INDArray computeGradient(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        INDArray error = error(labels, preOutput, activationFn, mask);
        INDArray dOutput = error.mul(2).addi(Transforms.sign(error, true)).muli(mask).divi(labels.size(1));
        return activationFn.backprop(preOutput.dup(), dOutput).getFirst();
    }

    @Override
    public Pair<Double, INDArray> computeGradientAndScore(INDArray labels, INDArray preOutput, IActivation activationFn,
                                                          INDArray mask, boolean average) {
        return new Pair<>(computeScore(labels, preOutput, activationFn, mask, average),
                computeGradient(labels, preOutput, activationFn, mask));
    }

    /** The output's error; the weights must have its shape. */
    private static INDArray error(INDArray labels, INDArray preOutput, IActivation activationFn, INDArray mask) {
        if (mask == null || !mask.equalShapes(preOutput)) {
            throw new IllegalArgumentException("loss '" + NowcastLoss.BALANCED.key() + "' needs a weight per output "
                    + "as the labels mask (NowcastLoss.hko7Weights), of the output's shape "
                    + Arrays.toString(preOutput.shape()) + ", got "
                    + (mask == null ? "none" : Arrays.toString(mask.shape())));
        }
        return activationFn.getActivation(preOutput.dup(), true).subi(labels.castTo(preOutput.dataType()));
    }

    @Override
    public String name() {
        return "BalancedLoss";
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof BalancedLoss;
    }

    @Override
    public int hashCode() {
        return BalancedLoss.class.hashCode();
    }

    @Override
    public String toString() {
        return name() + "()";
    }
}
