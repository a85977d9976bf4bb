package io.gridcast.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;

import io.gridcast.features.WindowShape;
import org.junit.jupiter.api.Test;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Short trainings on moving blobs: both models must learn the motion well enough to beat persistence. */
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
        TrainingHistory history = model.fit(train, validation, 15, e -> LOG.info("convlstm {}", e));
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
        TrainingHistory history = model.fit(train, validation, 15, e -> LOG.info("cnnlstm {}", e));
        double first = history.epochs().get(0).validationLoss();
        double last = history.epochs().get(history.epochs().size() - 1).validationLoss();
        LOG.info("moving blobs: persistence MSE {}, cnnlstm validation MSE {} -> {}", persistence, first, last);
        assertThat(last).isLessThan(first);
        assertThat(last).isLessThan(persistence);
    }
}
