package io.gridcast.models.training;

import io.gridcast.models.nowcasts.EpochResult;
import java.util.List;

/** The epochs of one plain training ({@link EpochLoop}: a constant learning rate, no checkpoints), in order. */
record TrainingHistory(List<EpochResult> epochs) {

    public TrainingHistory {
        epochs = List.copyOf(epochs);
    }
}
