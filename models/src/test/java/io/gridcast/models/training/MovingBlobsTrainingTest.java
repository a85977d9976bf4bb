package io.gridcast.models.training;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.models.TrainableNowcaster;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.nowcasts.MovingBlobs;
import java.util.List;

import io.gridcast.features.WindowShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Short trainings on moving blobs: both models must learn the motion well enough to beat persistence, and train
 * alike from the same seed and data.
 */
class MovingBlobsTrainingTest {

    private static final Logger LOG = LoggerFactory.getLogger(MovingBlobsTrainingTest.class);
    private static final WindowShape SHAPE = new WindowShape(4, 4, 2, 16, 16);

    @Test
    void convLstmLearnsTheMotionAndBeatsPersistence() {
        DataSetIterator train = MovingBlobs.iterator(SHAPE, 32, 4, 1);
        DataSetIterator validation = MovingBlobs.iterator(SHAPE, 8, 4, 2);
        double persistence = Validation.mse(ModelVariants.baseline("persistence", SHAPE), validation);
        TrainableNowcaster model = ModelVariants.create(
                new ModelSpec("convlstm-blobs", "convlstm", List.of(8), 3, List.of(), 15, 4, 1e-2, 1), SHAPE);
        TrainingHistory history = EpochLoop.run(model, train, validation, 15, e -> LOG.info("convlstm {}", e));
        double first = history.epochs().get(0).validationLoss();
        double last = history.epochs().get(history.epochs().size() - 1).validationLoss();
        LOG.info("moving blobs: persistence MSE {}, convlstm validation MSE {} -> {}", persistence, first, last);
        assertThat(last).isLessThan(first);
        assertThat(last).isLessThan(persistence);
    }

    @Test
    void cnnLstmLearnsTheMotionAndBeatsPersistence() {
        DataSetIterator train = MovingBlobs.iterator(SHAPE, 32, 4, 1);
        DataSetIterator validation = MovingBlobs.iterator(SHAPE, 8, 4, 2);
        double persistence = Validation.mse(ModelVariants.baseline("persistence", SHAPE), validation);
        TrainableNowcaster model = ModelVariants.create(
                new ModelSpec("cnnlstm-blobs", "cnnlstm", List.of(32), 3, List.of(8, 16), 15, 4, 3e-3, 1), SHAPE);
        TrainingHistory history = EpochLoop.run(model, train, validation, 15, e -> LOG.info("cnnlstm {}", e));
        double first = history.epochs().get(0).validationLoss();
        double last = history.epochs().get(history.epochs().size() - 1).validationLoss();
        LOG.info("moving blobs: persistence MSE {}, cnnlstm validation MSE {} -> {}", persistence, first, last);
        assertThat(last).isLessThan(first);
        assertThat(last).isLessThan(persistence);
    }

    @ParameterizedTest
    @ValueSource(strings = {"convlstm", "cnnlstm"})
    void sameSeedSameDataGiveIdenticalLosses(String type) {
        TrainingHistory first = train(type);
        TrainingHistory second = train(type);
        assertThat(first.epochs()).hasSize(2);
        for (int e = 0; e < 2; e++) {
            assertThat(first.epochs().get(e).trainLoss()).isPositive();
            assertThat(second.epochs().get(e).trainLoss()).isEqualTo(first.epochs().get(e).trainLoss());
            assertThat(second.epochs().get(e).validationLoss()).isEqualTo(first.epochs().get(e).validationLoss());
        }
    }

    private static TrainingHistory train(String type) {
        WindowShape shape = new WindowShape(3, 2, 2, 8, 8);
        DataSetIterator train = MovingBlobs.iterator(shape, 8, 4, 1);
        DataSetIterator validation = MovingBlobs.iterator(shape, 4, 4, 2);
        ModelSpec spec = new ModelSpec(type + "-test", type, List.of(4), 3, List.of(2), 1, 4, 1e-2, 17);
        return EpochLoop.run(ModelVariants.create(spec, shape), train, validation, 2, null);
    }
}
