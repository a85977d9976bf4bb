package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.withinPercentage;

import io.gridcast.models.Nowcaster;
import io.gridcast.models.TrainableNowcaster;
import java.nio.file.Path;
import java.util.List;

import io.gridcast.features.WindowShape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

class ModelVariantsTest {

    private static final WindowShape SHAPE = new WindowShape(3, 2, 2, 8, 8);

    private static ModelSpec spec(String type) {
        return new ModelSpec(type + "-test", type, List.of(4), 3, List.of(2), 1, 4, 1e-2, 17);
    }

    @Test
    void listsTypesAndRejectsUnknownOnes() {
        assertThat(ModelVariants.types()).containsExactly("advection", "advection-ensemble", "cnnlstm", "convlstm",
                "onnx", "persistence");
        assertThat(ModelVariants.isTrainable("advection")).isFalse();
        assertThat(ModelVariants.isTrainable("convlstm")).isTrue();
        assertThat(ModelVariants.isTrainable("persistence")).isFalse();
        assertThat(ModelVariants.isTrainable("onnx")).isFalse();
        assertThat(ModelVariants.isExternal("onnx")).isTrue();
        assertThat(ModelVariants.isExternal("convlstm")).isFalse();
        assertThatThrownBy(() -> ModelVariants.isTrainable("x"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessage("unknown model type 'x'; expected one of [advection, advection-ensemble, cnnlstm, convlstm,"
                        + " onnx, persistence]");
        assertThatThrownBy(() -> ModelVariants.create(spec("persistence"), SHAPE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("baseline");
        assertThatThrownBy(() -> ModelVariants.baseline("convlstm", SHAPE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("trainable");
        assertThatThrownBy(() -> ModelVariants.baseline("onnx", SHAPE))
                .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("ModelVariants.external");
        assertThatThrownBy(() -> spec("onnx")).hasMessageContaining("a model file and layout for type onnx");
    }

    @Test
    void persistenceRepeatsTheLastFrameOfChannelZero() {
        INDArray inputs = Nd4j.rand(DataType.FLOAT, 2, 3, 2, 8, 8);
        INDArray predicted = ModelVariants.baseline("persistence", SHAPE).predict(inputs);
        assertThat(predicted.shape()).containsExactly(2, 2, 8, 8);
        INDArray last = inputs.get(NDArrayIndex.all(), NDArrayIndex.point(2), NDArrayIndex.point(0),
                NDArrayIndex.all(), NDArrayIndex.all());
        for (int lead = 0; lead < 2; lead++) {
            assertThat(predicted.get(NDArrayIndex.all(), NDArrayIndex.point(lead), NDArrayIndex.all(),
                    NDArrayIndex.all()).equals(last)).isTrue();
        }
        assertThatThrownBy(() -> ModelVariants.baseline("persistence", SHAPE)
                .predict(Nd4j.rand(DataType.FLOAT, 2, 3, 1, 8, 8)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("channels=2").hasMessageContaining("[2, 3, 1, 8, 8]");
    }

    @ParameterizedTest
    @ValueSource(strings = {"convlstm", "cnnlstm"})
    void saveAndLoadGiveIdenticalPredictions(String type, @TempDir Path dir) {
        TrainableNowcaster model = ModelVariants.create(spec(type), SHAPE);
        MovingBlobs.iterator(SHAPE, 8, 4, 1).forEachRemaining(model::fitBatch);
        INDArray inputs = Nd4j.rand(DataType.FLOAT, 3, 3, 2, 8, 8);
        model.save(dir);
        Nowcaster loaded = ModelVariants.load(type, dir);
        assertThat(loaded.type()).isEqualTo(type);
        assertThat(loaded.predict(inputs).equals(model.predict(inputs))).isTrue();
    }

    @ParameterizedTest
    @ValueSource(strings = {"convlstm", "cnnlstm"})
    void aTrainingStepReportsTheBatchMseBeforeItsUpdate(String type) {
        TrainableNowcaster model = ModelVariants.create(spec(type), SHAPE);
        DataSet batch = MovingBlobs.iterator(SHAPE, 4, 4, 3).next();
        INDArray error = model.predict(batch.getFeatures()).sub(batch.getLabels());
        double before = error.mul(error).meanNumber().doubleValue();

        assertThat(model.fitBatch(batch)).isCloseTo(before, withinPercentage(1e-3));
        assertThat(model.fitBatch(batch)).as("the update changed the weights").isNotCloseTo(before,
                withinPercentage(1e-3));
    }
}
