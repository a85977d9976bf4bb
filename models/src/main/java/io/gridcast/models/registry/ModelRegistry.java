package io.gridcast.models.registry;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import io.gridcast.features.WindowShape;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.postprocessing.PostProcessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.function.Consumer;
import java.util.stream.Stream;

/**
 * Trained model variants on disk, every training kept as a version:
 * {@code <root>/<region>/<variant>/<version>/} holds the model's own files and {@code metadata.json}; the version
 * is the training time ({@code 20201031T120000Z}, with {@code -2}, {@code -3}... if trained twice in a second), and
 * {@code <root>/<region>/<variant>/latest} names the newest. {@code <root>/<region>/<variant>/training/} holds the
 * checkpoints of a training under way. Each entry is written complete under a temporary name and renamed in.
 */
public final class ModelRegistry {

    /** How the models' JSON files (metadata, training checkpoints) are written and read. */
    public static final ObjectMapper JSON = new ObjectMapper().findAndRegisterModules()
            .enable(SerializationFeature.INDENT_OUTPUT)
            .disable(SerializationFeature.WRITE_DATES_AS_TIMESTAMPS);
    /** A version's name: its training time in UTC. */
    public static final DateTimeFormatter VERSION = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    static final String LATEST = "latest";
    static final String TRAINING = "training";
    private static final String VERSION_PATTERN = "\\d{8}T\\d{6}Z(-\\d+)?";

    private final Path root;

    public ModelRegistry(Path root) {
        this.root = root;
    }

    public Path root() {
        return root;
    }

    /** Where a training of {@code variant} keeps its checkpoints until it is saved. */
    public Path trainingDir(String region, String variant) {
        return root.resolve(region).resolve(variant).resolve(TRAINING);
    }

    /** The version name of a training at {@code trainedAt}, e.g. {@code 20201031T120000Z}. */
    public static String version(Instant trainedAt) {
        return VERSION.format(trainedAt);
    }

    /** A version name not yet used for this variant, from its training time. */
    public String newVersion(String region, String variant, Instant trainedAt) {
        String base = VERSION.format(trainedAt);
        Path dir = root.resolve(region).resolve(variant);
        String version = base;
        for (int n = 2; Files.exists(dir.resolve(version)); n++) {
            version = base + "-" + n;
        }
        return version;
    }

    /**
     * Saves a new version and makes it the latest: {@code writeModel} writes the model's files into the (temporary)
     * folder it is given.
     */
    public Path save(ModelMetadata metadata, Consumer<Path> writeModel) {
        Path variantDir = root.resolve(metadata.region()).resolve(metadata.variant());
        Path target = variantDir.resolve(metadata.version());
        if (!metadata.version().matches(VERSION_PATTERN) || Files.exists(target)) {
            throw new IllegalArgumentException("model version '" + metadata.version() + "' of " + metadata.region()
                    + "/" + metadata.variant() + " must be new and look like 20201031T120000Z; see newVersion");
        }
        Path staging = AtomicFiles.stagingFor(target);
        try {
            Files.createDirectories(staging);
            writeModel.accept(staging);
            JSON.writeValue(staging.resolve("metadata.json").toFile(), metadata);
            AtomicFiles.replaceDirectory(staging, target);
            Path pointer = AtomicFiles.stagingFor(variantDir.resolve(LATEST));
            Files.writeString(pointer, metadata.version() + "\n", StandardCharsets.UTF_8);
            AtomicFiles.replaceFile(pointer, variantDir.resolve(LATEST));
            return target;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot save model " + metadata.region() + "/" + metadata.variant() + " to " + target, e);
        }
    }

    /** Removes what a killed save of {@code version} left: its staging folders (see {@link AtomicFiles#stagingFor}). */
    public void deleteStaging(String region, String variant, String version) {
        Path dir = root.resolve(region).resolve(variant);
        if (!Files.isDirectory(dir)) {
            return;
        }
        try (Stream<Path> children = Files.list(dir)) {
            for (Path stale : children.filter(p -> p.getFileName().toString().startsWith("." + version + ".tmp-")).toList()) {
                AtomicFiles.deleteTree(stale);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot remove the staging folders of " + dir.resolve(version), e);
        }
    }

    /** Every saved version of a variant, oldest first; empty if it was never trained. */
    public List<String> versions(String region, String variant) {
        Path dir = root.resolve(region).resolve(variant);
        if (!Files.isDirectory(dir)) {
            return List.of();
        }
        try (Stream<Path> children = Files.list(dir)) {
            return children.filter(p -> Files.isRegularFile(p.resolve("metadata.json")))
                    .map(p -> p.getFileName().toString()).filter(v -> v.matches(VERSION_PATTERN))
                    .sorted(Comparator.comparing((String v) -> v.substring(0, 16))
                            .thenComparingInt(v -> v.length() > 16 ? Integer.parseInt(v.substring(17)) : 1))
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot list the versions in " + dir, e);
        }
    }

    /** The latest version's metadata. */
    public ModelMetadata metadata(String region, String variant) {
        Path pointer = root.resolve(region).resolve(variant).resolve(LATEST);
        if (!Files.isRegularFile(pointer)) {
            throw new IllegalArgumentException("no trained model '" + variant + "' for region '" + region + "' in "
                    + root + " (no " + pointer + "): run the train job first");
        }
        try {
            return metadata(region, variant, Files.readString(pointer, StandardCharsets.UTF_8).trim());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + pointer, e);
        }
    }

    public ModelMetadata metadata(String region, String variant, String version) {
        Path file = root.resolve(region).resolve(variant).resolve(version).resolve("metadata.json");
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException("no version '" + version + "' of model '" + variant + "' for region '"
                    + region + "' in " + root + "; saved versions: " + versions(region, variant));
        }
        try {
            return JSON.readValue(file.toFile(), ModelMetadata.class);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read model metadata " + file, e);
        }
    }

    /**
     * The models a selector names for a region, among the configured {@code variants}: {@code all} is the latest
     * version of each; {@code best} the one version of any of them with the lowest validation MSE (all share the
     * region's normalisation, so their MSEs compare); {@code <variant>} that variant's latest version;
     * {@code <variant>@<version>} that version.
     */
    public List<ModelMetadata> select(String region, String selector, List<String> variants) {
        if (selector.equals("all")) {
            return variants.stream().map(v -> metadata(region, v)).toList();
        }
        if (selector.equals("best")) {
            List<ModelMetadata> candidates = new ArrayList<>();
            for (String variant : variants) {
                for (String version : versions(region, variant)) {
                    candidates.add(metadata(region, variant, version));
                }
            }
            return List.of(candidates.stream().filter(m -> !Double.isNaN(m.validationMse()))
                    .min(Comparator.comparingDouble(ModelMetadata::validationMse)).orElseThrow(() ->
                            new IllegalArgumentException("no trained model of " + variants + " for region '" + region
                                    + "' in " + root + ": run the train job first")));
        }
        int at = selector.indexOf('@');
        String variant = at < 0 ? selector : selector.substring(0, at);
        if (!variants.contains(variant)) {
            throw new IllegalArgumentException("model '" + selector + "': expected all, best, or one of the configured"
                    + " variants " + variants + ", optionally with @<version>");
        }
        return List.of(at < 0 ? metadata(region, variant) : metadata(region, variant, selector.substring(at + 1)));
    }

    /**
     * The variant ready to forecast: a loaded network, the external model registered with it, or the baseline it
     * names, with its post-processing; an {@link io.gridcast.models.EnsembleNowcaster} when it has more than one
     * member.
     */
    public Nowcaster load(ModelMetadata metadata) {
        String type = metadata.spec().type();
        Path dir = root.resolve(metadata.region()).resolve(metadata.variant()).resolve(metadata.version());
        WindowShape shape = new WindowShape(metadata.in(), metadata.out(), metadata.channels().size(),
                metadata.grid().ny(), metadata.grid().nx());
        Nowcaster model = ModelVariants.isTrainable(type) ? ModelVariants.load(type, dir)
                : ModelVariants.isExternal(type) ? ModelVariants.loadExternal(metadata.spec(), dir, shape,
                        metadata.channels())
                : ModelVariants.baseline(type, shape);
        return ModelVariants.ensemble(metadata.spec(),
                PostProcessing.of(metadata.spec().postprocess(), metadata.target()).apply(model), metadata.target());
    }
}
