package io.gridcast.models;

import java.nio.file.Path;

import org.nd4j.linalg.dataset.DataSet;

/** A {@link Nowcaster} with weights learned from data. */
public interface TrainableNowcaster extends Nowcaster {

    /**
     * One training step — forward, backward and update — on one mini-batch, features
     * {@code [batch, in, channels, height, width]} and labels {@code [batch, out, height, width]}.
     *
     * @return the batch's element-wise mean squared error before the update
     */
    double fitBatch(DataSet batch);

    /** The number of trained weights. */
    long parameters();

    /**
     * Sets Adam's learning rate for the steps that follow, keeping the optimiser's state (moments, step count).
     * The training loop ({@code training.EpochLoop}) calls it at the start of every epoch when a learning-rate
     * schedule is configured.
     */
    void learningRate(double rate);

    /**
     * Writes the model's own file(s) into {@code dir} (created if missing), readable by
     * {@code nowcasts.ModelVariants.load}.
     * This is also the training checkpoint, so it must hold everything a continued training depends on: the weights,
     * the optimiser's state (Adam's moments and step count) and its learning rate, so that training the loaded model
     * on the same batches gives the same weights as continuing to train this one (see
     * {@code CheckpointResumeTest}).
     */
    void save(Path dir);
}
