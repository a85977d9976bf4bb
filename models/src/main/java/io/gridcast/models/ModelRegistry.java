package io.gridcast.models;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gridcast.features.WindowShape;
import io.gridcast.ingest.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.function.Consumer;

/**
 * Trained model variants on disk: {@code <root>/<region>/<variant>/} holds the model's own files and
 * {@code metadata.json}. Each entry is written complete into a temporary folder and then renamed in.
 */
public final class ModelRegistry {

    static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);

    private final Path root;

    public ModelRegistry(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Saves a variant: {@code writeModel} writes the model's files into the (temporary) folder it is given. */
    public Path save(ModelMetadata metadata, Consumer<Path> writeModel) {
        Path target = root.resolve(metadata.region()).resolve(metadata.variant());
        Path staging = AtomicFiles.stagingFor(target);
        try {
            Files.createDirectories(staging);
            writeModel.accept(staging);
            JSON.writeValue(staging.resolve("metadata.json").toFile(), metadata);
            AtomicFiles.replaceDirectory(staging, target);
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model " + metadata.region() + "/" + metadata.variant() + " to " + target, e);
        }
    }

    public ModelMetadata metadata(String region, String variant) {
        Path file = root.resolve(region).resolve(variant).resolve("metadata.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no trained model '" + variant + "' for region '" + region + "' in "
                    + root + ": run the train job first");
        }
        try {
            return JSON.readValue(file.toFile(), ModelMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model metadata " + file, e);
        }
    }

    /** The variant ready to forecast: a loaded network, or the baseline it names. */
    public Nowcaster load(ModelMetadata metadata) {
        String type = metadata.spec().type();
        Path dir = root.resolve(metadata.region()).resolve(metadata.variant());
        return ModelVariants.isTrainable(type) ? ModelVariants.load(type, dir)
                : ModelVariants.baseline(type, new WindowShape(metadata.in(), metadata.out(), 1,
                        metadata.grid().ny(), metadata.grid().nx()));
    }
}
