package io.gridcast.models;

import java.nio.file.Path;
import java.util.function.Consumer;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** A {@link Nowcaster} with weights learned from data. */
public interface TrainableNowcaster extends Nowcaster {

    /**
     * Trains for {@code epochs} passes over {@code train}, whose DataSets hold features
     * {@code [batch, in, channels, height, width]} and labels {@code [batch, out, height, width]}.
     *
     * @param validation scored after every epoch with {@link Validation#mse}; may be null (loss reported as NaN)
     * @param onEpoch    called after every epoch, e.g. for progress logging; may be null
     */
    default TrainingHistory fit(DataSetIterator train, DataSetIterator validation,
                                int epochs, Consumer<EpochResult> onEpoch) {
        return EpochLoop.run(this, train, validation, epochs, onEpoch);
    }

    /**
     * One training step — forward, backward and update — on one mini-batch, features
     * {@code [batch, in, channels, height, width]} and labels {@code [batch, out, height, width]}.
     *
     * @return the batch's element-wise mean squared error before the update
     */
    double fitBatch(DataSet batch);

    /** The number of trained weights. */
    long parameters();

    /** Writes the model's own file(s) into {@code dir} (created if missing), readable by {@link ModelVariants#load}. */
    void save(Path dir);
}
