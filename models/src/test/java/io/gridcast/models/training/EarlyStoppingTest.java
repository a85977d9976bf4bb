package io.gridcast.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.models.nowcasts.EpochResult;
import io.gridcast.models.nowcasts.LearningRateSchedule;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.nowcasts.MovingBlobs;
import java.util.List;

import io.gridcast.features.WindowShape;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

class EarlyStoppingTest {

    private static final WindowShape SHAPE = new WindowShape(3, 2, 1, 8, 8);

    private static EpochResult epoch(int n, double validationLoss) {
        return new EpochResult(n, 1, validationLoss, 0, 1e-3);
    }

    private static ModelSpec spec(int patience, double minDelta) {
        return new ModelSpec("m", "cnnlstm", List.of(4), 3, List.of(2), 10, 2, 1e-3, 1,
                LearningRateSchedule.CONSTANT, patience, minDelta, 1, false, 1, "mse");
    }

    @Test
    void stopsAfterPatienceEpochsWithoutAnImprovementLargerThanMinDelta() {
        List<EpochResult> history = List.of(epoch(1, 1.0), epoch(2, 0.5), epoch(3, 0.49), epoch(4, 0.6));
        assertThat(EpochLoop.shouldStop(spec(2, 0.0), history)).isFalse();
        // 0.49 is not lower than 0.5 by more than 0.05: two epochs without improvement.
        assertThat(EpochLoop.shouldStop(spec(2, 0.05), history)).isTrue();
        assertThat(EpochLoop.shouldStop(spec(0, 0.05), history)).as("patience 0 never stops").isFalse();
        assertThat(EpochLoop.bestEpoch(history)).isEqualTo(3);
        assertThat(EpochLoop.bestEpoch(List.of(epoch(1, Double.NaN)))).isZero();
    }

    @Test
    void aTrainingThatStopsEarlyKeepsTheBestEpochsWeights() {
        // A learning rate far too high makes the validation loss jump about, so some later epoch is worse.
        ModelSpec spec = new ModelSpec("cnnlstm-unstable", "cnnlstm", List.of(6), 3, List.of(4), 12, 3,
                0.3, 3, LearningRateSchedule.CONSTANT, 2, 0, 1, false, 1, "mse");
        DataSetIterator validation = MovingBlobs.iterator(SHAPE, 6, 3, 8);
        EpochLoop.Outcome outcome = EpochLoop.run(ModelVariants.create(spec, SHAPE), spec,
                MovingBlobs.iterator(SHAPE, 12, 3, 7), validation, null, "data", null);
        List<EpochResult> history = outcome.history().epochs();
        assertThat(outcome.stoppedEarly()).isTrue();
        assertThat(history.size()).isLessThan(12);
        double best = history.get(outcome.bestEpoch() - 1).validationLoss();
        assertThat(history.get(history.size() - 1).validationLoss()).isGreaterThan(best);
        assertThat(Validation.mse(outcome.model(), validation)).isCloseTo(best,
                org.assertj.core.data.Offset.offset(1e-6));
    }
}
