package io.gridcast.models.nowcasts;

import io.gridcast.models.postprocessing.PostProcessing;
import java.io.Serializable;
import java.util.List;

/**
 * One model variant as configured: a name unique in the configuration, the method ({@code convlstm},
 * {@code cnnlstm}, {@code persistence}, {@code advection}, {@code advection-ensemble}, {@code onnx}) and its
 * hyper-parameters. Baselines and external models ignore the training fields.
 *
 * @param name            the variant's name in reports and on disk (e.g. {@code convlstm-small})
 * @param type            the method, a key of {@link ModelVariants}
 * @param hidden          hidden channels (ConvLSTM) or LSTM units (CNN-LSTM) per layer
 * @param kernel          convolution kernel size (odd)
 * @param filters         CNN encoder filters per stage (CNN-LSTM only); each stage halves the grid
 * @param epochs          training epochs at most
 * @param batchSize       windows per mini-batch
 * @param learningRate    Adam's (initial) learning rate
 * @param seed            random seed for weights and shuffling
 * @param lrSchedule      how the learning rate changes per epoch
 * @param patience        early stopping: epochs without a validation loss lower by more than {@code minDelta} before
 *                        training stops; 0 never stops early. Either way the best epoch's weights are kept
 * @param minDelta        the least decrease of the validation loss that counts as an improvement, >= 0
 * @param checkpointEvery epochs between checkpoints that a crashed training resumes from; 0 for none
 * @param peephole        ConvLSTM only: Hadamard peephole terms from the cell state to the gates (Shi et al. 2015)
 * @param patch           ConvLSTM only: space-to-depth patch size; the grid's sides must be multiples of it (1: none)
 * @param loss            ConvLSTM only: training loss, a key of {@link NowcastLoss} ({@code mse}, {@code mae},
 *                        {@code balanced})
 * @param residual        ConvLSTM only: the network predicts each lead's change from the last input frame, which is
 *                        added back (as the CNN-LSTM always does), instead of the field itself
 * @param postprocess     what is done to every forecast of the variant, a key of {@link PostProcessing}
 *                        ({@code none}, {@code probability-matching}, {@code probability-matching-mean})
 * @param members         forecasts of an ensemble: 1 is deterministic, 2 or more an ensemble ({@link PerturbedEnsemble});
 *                        {@code advection-ensemble} needs 2 or more
 * @param perturbation    how an ensemble's members differ ({@link Perturbation#DEFAULT} if null)
 * @param onnx            {@code onnx} only: the model file and how to feed it; null for every other type
 */
public record ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                        int batchSize, double learningRate, long seed, LearningRateSchedule lrSchedule, int patience,
                        double minDelta, int checkpointEvery, boolean peephole, int patch, String loss,
                        boolean residual, String postprocess, int members, Perturbation perturbation,
                        OnnxSpec onnx) implements Serializable {

    public ModelSpec {
        if (lrSchedule == null) {
            lrSchedule = LearningRateSchedule.CONSTANT;
        }
        if (loss == null) {
            loss = NowcastLoss.MSE.key();
        }
        if (postprocess == null) {
            postprocess = PostProcessing.NONE;
        }
        PostProcessing.check(postprocess);
        if (members == 0) {
            members = 1; // metadata saved before ensembles existed
        }
        if (perturbation == null) {
            perturbation = Perturbation.DEFAULT;
        }
        if (members < 1 || (ModelVariants.ADVECTION_ENSEMBLE.equals(type) && members < 2)) {
            throw new IllegalArgumentException("model '" + name + "' of type " + type + " needs members >= "
                    + (ModelVariants.ADVECTION_ENSEMBLE.equals(type) ? 2 : 1) + ", got " + members);
        }
        if ((onnx != null) != OnnxNowcaster.TYPE.equals(type)) {
            throw new IllegalArgumentException("model '" + name + "': a model file and layout for type "
                    + OnnxNowcaster.TYPE + " only, and always for it; type '" + type + "'");
        }
        if (patience < 0 || !(minDelta >= 0) || checkpointEvery < 0) {
            throw new IllegalArgumentException("model '" + name + "' needs patience >= 0, min_delta >= 0 and"
                    + " checkpoint_every >= 0, got " + patience + ", " + minDelta + ", " + checkpointEvery);
        }
    }

    /** A deterministic variant of gridcast's own: one member, no external model file. */
    public ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                     int batchSize, double learningRate, long seed, LearningRateSchedule lrSchedule, int patience,
                     double minDelta, int checkpointEvery, boolean peephole, int patch, String loss,
                     boolean residual, String postprocess) {
        this(name, type, hidden, kernel, filters, epochs, batchSize, learningRate, seed, lrSchedule, patience,
                minDelta, checkpointEvery, peephole, patch, loss, residual, postprocess, 1, null, null);
    }

    /** A variant of gridcast's own, an ensemble when {@code members} is 2 or more. */
    public ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                     int batchSize, double learningRate, long seed, LearningRateSchedule lrSchedule, int patience,
                     double minDelta, int checkpointEvery, boolean peephole, int patch, String loss,
                     boolean residual, String postprocess, int members, Perturbation perturbation) {
        this(name, type, hidden, kernel, filters, epochs, batchSize, learningRate, seed, lrSchedule, patience,
                minDelta, checkpointEvery, peephole, patch, loss, residual, postprocess, members, perturbation, null);
    }

    /** A model exported elsewhere ({@code onnx}): one member. */
    public ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                     int batchSize, double learningRate, long seed, LearningRateSchedule lrSchedule, int patience,
                     double minDelta, int checkpointEvery, boolean peephole, int patch, String loss,
                     boolean residual, String postprocess, OnnxSpec onnx) {
        this(name, type, hidden, kernel, filters, epochs, batchSize, learningRate, seed, lrSchedule, patience,
                minDelta, checkpointEvery, peephole, patch, loss, residual, postprocess, 1, null, onnx);
    }

    /**
     * A variant with a constant learning rate, no early stopping, a checkpoint every epoch, and no ConvLSTM options
     * (no peepholes, no patching, MSE loss).
     */
    public ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                     int batchSize, double learningRate, long seed) {
        this(name, type, hidden, kernel, filters, epochs, batchSize, learningRate, seed, LearningRateSchedule.CONSTANT,
                0, 0, 1, false, 1, NowcastLoss.MSE.key(), false, PostProcessing.NONE, 1, null, null);
    }

    /** A variant whose ConvLSTM predicts the field itself, its forecasts not post-processed. */
    public ModelSpec(String name, String type, List<Integer> hidden, int kernel, List<Integer> filters, int epochs,
                     int batchSize, double learningRate, long seed, LearningRateSchedule lrSchedule, int patience,
                     double minDelta, int checkpointEvery, boolean peephole, int patch, String loss) {
        this(name, type, hidden, kernel, filters, epochs, batchSize, learningRate, seed, lrSchedule, patience,
                minDelta, checkpointEvery, peephole, patch, loss, false, PostProcessing.NONE, 1, null, null);
    }
}
