package io.gridcast.models.training;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.models.nowcasts.ConvLstmNowcaster;
import io.gridcast.models.nowcasts.LearningRateSchedule;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.nowcasts.MovingBlobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;

import io.gridcast.features.WindowShape;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/**
 * A training killed in its third epoch and resumed from the checkpoint by new objects (model, iterators) ends with
 * the same weights as one that ran straight through: optimiser state, learning-rate schedule and shuffle order
 * all continue where they were.
 */
class CheckpointResumeTest {

    private static final WindowShape SHAPE = new WindowShape(3, 2, 1, 8, 8);

    /** Mini-batches reshuffled at every reset from their own seeded generator, as the window iterator does. */
    private static DataSetIterator shuffled(long seed) {
        List<DataSet> batches = new ArrayList<>();
        MovingBlobs.iterator(SHAPE, 12, 3, 7).forEachRemaining(batches::add);
        Random rng = new Random(seed);
        return new ExistingDataSetIterator(() -> {
            List<DataSet> order = new ArrayList<>(batches);
            Collections.shuffle(order, rng);
            return order.iterator();
        });
    }

    private static final class Crash extends RuntimeException {
    }

    @Test
    void cnnLstmResumedAfterACrashEndsWithTheWeightsOfAnUninterruptedRun(@TempDir Path dir) {
        ModelSpec spec = new ModelSpec("cnnlstm-resume", "cnnlstm", List.of(6), 3, List.of(4), 3, 3, 5e-3,
                21, new LearningRateSchedule("cosine", 0.5, 1, 1e-4), 0, 0, 1, false, 1, "mse");
        assertResumeMatches(spec, dir);
    }

    @Test
    void convLstmResumedAfterACrashEndsWithTheWeightsOfAnUninterruptedRun(@TempDir Path dir) {
        ModelSpec spec = new ModelSpec("convlstm-resume", ConvLstmNowcaster.TYPE, List.of(4), 3, List.of(), 3, 3, 5e-3,
                21, LearningRateSchedule.CONSTANT, 0, 0, 1, false, 1, "mse");
        assertResumeMatches(spec, dir);
    }

    private static void assertResumeMatches(ModelSpec spec, Path dir) {
        DataSetIterator validation = MovingBlobs.iterator(SHAPE, 6, 3, 8);
        EpochLoop.Outcome straight = EpochLoop.run(ModelVariants.create(spec, SHAPE), spec, shuffled(5), validation,
                dir.resolve("straight"), "data", null);

        Path work = dir.resolve("crashed");
        assertThatThrownBy(() -> EpochLoop.run(ModelVariants.create(spec, SHAPE), spec, shuffled(5), validation, work,
                "data", e -> {
                    if (e.epoch() == 3) {
                        throw new Crash();
                    }
                })).isInstanceOf(Crash.class);
        assertThat(Files.isRegularFile(work.resolve("checkpoint/state.json"))).isTrue();

        EpochLoop.Outcome resumed = EpochLoop.run(ModelVariants.create(spec, SHAPE), spec, shuffled(5), validation,
                work, "data", null);
        assertThat(resumed.resumedAfter()).isEqualTo(2);
        assertThat(resumed.history().epochs()).hasSize(3);
        assertThat(straight.resumedAfter()).isZero();
        for (int e = 0; e < 3; e++) {
            assertThat(resumed.history().epochs().get(e).validationLoss())
                    .isEqualTo(straight.history().epochs().get(e).validationLoss());
        }
        INDArray inputs = MovingBlobs.iterator(SHAPE, 4, 4, 9).next().getFeatures();
        INDArray expected = straight.model().predict(inputs).castTo(DataType.DOUBLE);
        INDArray actual = resumed.model().predict(inputs).castTo(DataType.DOUBLE);
        assertThat(actual.sub(expected).amaxNumber().doubleValue()).isLessThanOrEqualTo(1e-6);
        // ...while training from scratch on a differently shuffled order does not give those weights.
        EpochLoop.Outcome other = EpochLoop.run(ModelVariants.create(spec, SHAPE), spec, shuffled(6), validation,
                null, "data", null);
        assertThat(other.model().predict(inputs).castTo(DataType.DOUBLE).sub(expected).amaxNumber().doubleValue())
                .isGreaterThan(1e-6);
    }

    @Test
    void aCheckpointForOtherDataIsNotResumed(@TempDir Path dir) {
        ModelSpec spec = new ModelSpec("cnnlstm-resume", "cnnlstm", List.of(6), 3, List.of(4), 2, 3, 5e-3,
                21);
        EpochLoop.run(ModelVariants.create(spec, SHAPE), spec, shuffled(5), null, dir, "data A", null);
        EpochLoop.Outcome other = EpochLoop.run(ModelVariants.create(spec, SHAPE), spec, shuffled(5), null, dir,
                "data B", null);
        assertThat(other.resumedAfter()).isZero();
        assertThat(other.history().epochs()).hasSize(2);
    }
}
