package io.gridcast.models;

import java.util.List;

/** The epochs of one {@link TrainableNowcaster#fit} call, in order. */
public record TrainingHistory(List<EpochResult> epochs) {

    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }
}
