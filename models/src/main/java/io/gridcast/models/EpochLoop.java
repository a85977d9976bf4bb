package io.gridcast.models;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.DoubleSupplier;

import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** The epoch loop shared by the trainable models: timing, validation and reporting are the same for all. */
final class EpochLoop {

    private EpochLoop() {
    }

    /**
     * @param trainEpoch runs one pass over the training data and returns its mean mini-batch MSE
     */
    static TrainingHistory run(Nowcaster model, DataSetIterator validation, int epochs,
                               Consumer<EpochResult> onEpoch, DoubleSupplier trainEpoch) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            double trainLoss = trainEpoch.getAsDouble();
            double validationLoss = validation == null ? Double.NaN : Validation.mse(model, validation);
            EpochResult result = new EpochResult(epoch, trainLoss, validationLoss, (System.nanoTime() - start) / 1e9);
            results.add(result);
            if (onEpoch != null) {
                onEpoch.accept(result);
            }
        }
        return new TrainingHistory(results);
    }

    /** Accumulates per-batch mean losses weighted by batch size, giving the epoch's element-wise mean. */
    static final class LossMean {
        private double weightedSum;
        private long windows;

        void add(double batchMeanLoss, long batchSize) {
            weightedSum += batchMeanLoss * batchSize;
            windows += batchSize;
        }

        double mean() {
            if (windows == 0) {
                throw new IllegalArgumentException("the training iterator yielded no windows");
            }
            return weightedSum / windows;
        }
    }
}
