package io.gridcast.models.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.models.TrainableNowcaster;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.nowcasts.MovingBlobs;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;
import java.util.Map;

import io.gridcast.features.FeatureChannel;
import io.gridcast.features.Statistics;
import io.gridcast.features.TransformSpec;
import io.gridcast.features.Region;
import io.gridcast.features.WindowShape;
import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/** Several trained versions per variant, the latest pointer, and choosing the best or a named one. */
class ModelRegistryTest {

    private static final WindowShape SHAPE = new WindowShape(3, 2, 1, 8, 8);
    private static final double[] CELLS = {3.5, 2.5, 1.5, 0.5, -0.5, -1.5, -2.5, -3.5};
    private static final Grid GRID = new Grid(new Axis("y", "projection_y_coordinate", "km", CELLS),
            new Axis("x", "projection_x_coordinate", "km", CELLS.clone()), null);
    private static final List<FeatureChannel> CHANNELS = List.of(new FeatureChannel("rain_rate", "dynamic",
            TransformSpec.STANDARDISE.fit(new Statistics(64, 0, 1, 0, 1, 0, 0.5, 1))));
    private static final Instant T = Instant.parse("2026-01-01T12:00:00Z");

    private static ModelMetadata metadata(ModelRegistry registry, ModelSpec spec, double validationMse, Instant at) {
        return metadata(registry, spec, CHANNELS, validationMse, at);
    }

    private static ModelMetadata metadata(ModelRegistry registry, ModelSpec spec, List<FeatureChannel> channels,
                                          double validationMse, Instant at) {
        return new ModelMetadata("west", spec.name(), spec, "rain_rate", "mm h-1", null,
                new Region("west", -4, 4, -4, 4, 1), GRID, channels, SHAPE.in(), SHAPE.out(),
                300, List.of(), Map.of(), null, List.of(), validationMse, at, registry.newVersion("west", spec.name(), at));
    }

    /** Trains a tiny CNN-LSTM for {@code epochs} and saves it as a new version with the given validation MSE. */
    private static ModelMetadata saveCnnLstm(ModelRegistry registry, int epochs, double validationMse, Instant at) {
        ModelSpec spec = new ModelSpec("cnnlstm", "cnnlstm", List.of(4), 3, List.of(2), epochs, 3, 1e-2, 5);
        TrainableNowcaster model = ModelVariants.create(spec, SHAPE);
        DataSetIterator windows = MovingBlobs.iterator(SHAPE, 6, 3, 1);
        for (int epoch = 0; epoch < epochs; epoch++) {
            windows.reset();
            windows.forEachRemaining(model::fitBatch);
        }
        ModelMetadata metadata = metadata(registry, spec, validationMse, at);
        registry.save(metadata, model::save);
        return metadata;
    }

    @Test
    void keepsEveryVersionAndPicksTheLatestTheBestOrANamedOne(@TempDir Path root) throws Exception {
        ModelRegistry registry = new ModelRegistry(root);
        ModelMetadata good = saveCnnLstm(registry, 2, 0.2, T);
        ModelMetadata worse = saveCnnLstm(registry, 1, 0.5, T);
        ModelSpec persistenceSpec = new ModelSpec("persistence", "persistence", List.of(), 1, List.of(), 0,
                1, 0, 0);
        registry.save(metadata(registry, persistenceSpec, 0.9, T), dir -> { });

        assertThat(good.version()).isEqualTo("20260101T120000Z");
        assertThat(worse.version()).as("a second training in the same second").isEqualTo("20260101T120000Z-2");
        assertThat(registry.versions("west", "cnnlstm")).containsExactly(good.version(), worse.version());
        assertThat(Files.readString(root.resolve("west/cnnlstm/latest")).trim()).isEqualTo(worse.version());
        assertThat(registry.metadata("west", "cnnlstm").version()).isEqualTo(worse.version());

        List<String> variants = List.of("persistence", "cnnlstm");
        assertThat(registry.select("west", "all", variants)).extracting(ModelMetadata::variant)
                .containsExactly("persistence", "cnnlstm");
        assertThat(registry.select("west", "best", variants)).singleElement()
                .extracting(ModelMetadata::version).isEqualTo(good.version());
        assertThat(registry.select("west", "cnnlstm", variants)).singleElement()
                .extracting(ModelMetadata::version).isEqualTo(worse.version());
        assertThat(registry.select("west", "cnnlstm@" + good.version(), variants)).singleElement()
                .extracting(ModelMetadata::validationMse).isEqualTo(0.2);

        // Each version loads its own weights.
        INDArray inputs = MovingBlobs.iterator(SHAPE, 2, 2, 3).next().getFeatures();
        INDArray fromGood = registry.load(good).predict(inputs);
        assertThat(registry.load(registry.metadata("west", "cnnlstm", good.version())).predict(inputs))
                .isEqualTo(fromGood);
        assertThat(registry.load(worse).predict(inputs)).isNotEqualTo(fromGood);

        assertThatThrownBy(() -> registry.select("west", "unet", variants))
                .hasMessageContaining("'unet'").hasMessageContaining("[persistence, cnnlstm]");
        assertThatThrownBy(() -> registry.select("west", "cnnlstm@20200101T000000Z", variants))
                .hasMessageContaining("saved versions: [" + good.version() + ", " + worse.version() + "]");
        assertThatThrownBy(() -> registry.metadata("east", "cnnlstm")).hasMessageContaining("run the train job first");
    }

    @Test
    void aBaselineLoadsWithEveryInputChannelOfItsTraining(@TempDir Path root) {
        ModelRegistry registry = new ModelRegistry(root);
        ModelSpec spec = new ModelSpec("persistence", "persistence", List.of(), 1, List.of(), 0, 1, 0, 0);
        List<FeatureChannel> channels = List.of(CHANNELS.get(0),
                new FeatureChannel("elevation", "static", CHANNELS.get(0).transform()));
        ModelMetadata metadata = metadata(registry, spec, channels, 0.9, T);
        registry.save(metadata, dir -> { });

        INDArray inputs = Nd4j.rand(DataType.FLOAT, 1, SHAPE.in(), 2, 8, 8);
        assertThat(registry.load(metadata).predict(inputs).shape()).containsExactly(1, SHAPE.out(), 8, 8);
    }
}
