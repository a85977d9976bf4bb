package io.gridcast.models;

import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;

import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** The epoch loop shared by the trainable models: timing, validation and reporting are the same for all. */
final class EpochLoop {

    private EpochLoop() {
    }

    /** Each epoch is one pass of {@link TrainableNowcaster#fitBatch} over {@code train}, then validation. */
    static TrainingHistory run(TrainableNowcaster model, DataSetIterator train, DataSetIterator validation, int epochs,
                               Consumer<EpochResult> onEpoch) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            long start = System.nanoTime();
            double trainLoss = trainEpoch(model, train);
            double validationLoss = validation == null ? Double.NaN : Validation.mse(model, validation);
            EpochResult result = new EpochResult(epoch, trainLoss, validationLoss, (System.nanoTime() - start) / 1e9);
            results.add(result);
            if (onEpoch != null) {
                onEpoch.accept(result);
            }
        }
        return new TrainingHistory(results);
    }

    /** The epoch's element-wise mean loss: per-batch mean losses weighted by batch size. */
    private static double trainEpoch(TrainableNowcaster model, DataSetIterator train) {
        double weightedSum = 0;
        long windows = 0;
        train.reset();
        while (train.hasNext()) {
            DataSet batch = train.next();
            long size = batch.getFeatures().size(0);
            weightedSum += model.fitBatch(batch) * size;
            windows += size;
        }
        if (windows == 0) {
            throw new IllegalArgumentException("the training iterator yielded no windows");
        }
        return weightedSum / windows;
    }
}
