package io.gridcast.models.nowcasts;

import io.gridcast.features.ChannelTransform;
import io.gridcast.ingest.catalog.Units;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.lossfunctions.ILossFunction;
import org.nd4j.linalg.lossfunctions.impl.LossMAE;
import org.nd4j.linalg.lossfunctions.impl.LossMSE;

/**
 * Training losses of the ConvLSTM, each a mean over every cell of every lead (DL4J's loss functions, {@link #dl4j}).
 *
 * <p>{@code balanced} is the HKO-7 benchmark's B-MSE + B-MAE (Shi et al. 2017): each cell's squared plus absolute
 * error is weighted by the <em>physical</em> intensity of its target. The model only sees normalised values (the
 * features' transforms may be non-linear, e.g. dB), so the weights are computed outside from physical labels with
 * {@link #hko7Weights} and passed with the batch as its labels mask ({@code DataSet.setLabelsMaskArray},
 * {@code [batch, out, height, width]}).
 */
public enum NowcastLoss {
    MSE("mse"),
    MAE("mae"),
    BALANCED("balanced");

    /** HKO-7 thresholds (mm/h) and the weight of a cell whose target is at or above each (1 below the first). */
    static final double[] HKO7_THRESHOLDS = {0.5, 2, 5, 10, 30};
    static final double[] HKO7_WEIGHTS = {1, 1, 2, 5, 10, 30};

    private final String key;

    NowcastLoss(String key) {
        this.key = key;
    }

    public String key() {
        return key;
    }

    /** The loss named {@code key}, or an error listing the known names. */
    public static NowcastLoss of(String key) {
        return Arrays.stream(values()).filter(l -> l.key.equals(key)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("unknown loss '" + key + "'; expected one of "
                        + Arrays.stream(values()).map(NowcastLoss::key).toList()));
    }

    /**
     * HKO-7 balancing weights for targets in physical units (mm/h): 1 below 2 mm/h, 2 from 2, 5 from 5, 10 from 10
     * and 30 from 30 mm/h. Any shape; returns a new array of the same shape.
     */
    public static INDArray hko7Weights(INDArray rainRateMmPerHour) {
        INDArray weights = Nd4j.onesLike(rainRateMmPerHour);
        for (int k = 0; k < HKO7_THRESHOLDS.length; k++) {
            INDArray above = rainRateMmPerHour.gte(HKO7_THRESHOLDS[k]).castTo(weights.dataType());
            // Step from the previous weight to this threshold's weight where the target reaches it.
            weights.addi(above.muli(HKO7_WEIGHTS[k + 1] - HKO7_WEIGHTS[k]));
        }
        return weights;
    }

    /**
     * Attaches HKO-7 weights to each training batch as its labels mask: the labels, in model units, are turned back
     * into physical values by the target channel's {@code transform}, then into mm/h ({@link #mmPerHour}).
     *
     * @throws IllegalArgumentException when {@code units} are neither a rain rate nor a rain amount
     */
    public static DataSetPreProcessor hko7Weighting(ChannelTransform transform, String units, Duration step) {
        double toMmPerHour = mmPerHour(units, step);
        return batch -> {
            float[] physical = batch.getLabels().castTo(DataType.FLOAT).dup().data().asFloat();
            for (int i = 0; i < physical.length; i++) {
                physical[i] = (float) (transform.inverse(physical[i]) * toMmPerHour);
            }
            batch.setLabelsMaskArray(hko7Weights(Nd4j.create(physical, batch.getLabels().shape(), 'c')));
        };
    }

    /**
     * The factor from a precipitation value in {@code units} to a rain rate in mm/h: a rate converts directly; an
     * amount (a mass of water per area, 1 kg m-2 = 1 mm, or a depth) is taken as accumulated over one archive
     * {@code step}, as radar accumulations are (the BOM's 10-minute kg m-2).
     */
    public static double mmPerHour(String units, Duration step) {
        try {
            return Units.convert(1.0, units, "mm/h");
        } catch (IllegalArgumentException notARate) {
            // Then an amount per step, below.
        }
        for (String amount : List.of("kg m-2", "mm")) {
            try {
                return Units.convert(1.0, units, amount) * 3600.0 / step.toSeconds();
            } catch (IllegalArgumentException notThisAmount) {
                // Try the other kind of amount.
            }
        }
        throw new IllegalArgumentException("loss '" + BALANCED.key + "' weighs each target by its rain rate: units '"
                + units + "' are neither a rate convertible to mm/h nor an amount per time step (kg m-2 or mm)");
    }

    /** Whether the loss needs per-cell weights passed with the labels. */
    public boolean needsWeights() {
        return this == BALANCED;
    }

    /** The loss as DL4J's loss function: DL4J's MSE and MAE, and {@link BalancedLoss}. */
    public ILossFunction dl4j() {
        return switch (this) {
            case MSE -> new LossMSE();
            case MAE -> new LossMAE();
            case BALANCED -> new BalancedLoss();
        };
    }
}
