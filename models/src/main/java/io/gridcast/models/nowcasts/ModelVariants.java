package io.gridcast.models.nowcasts;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.FeatureChannel;
import io.gridcast.features.WindowShape;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.TrainableNowcaster;
import java.nio.file.Path;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** The registry of model types: creates, loads and describes every method the configuration may name. */
public final class ModelVariants {

    /** The advection baseline as an ensemble ({@link PerturbedEnsemble}). */
    public static final String ADVECTION_ENSEMBLE = "advection-ensemble";
    private static final Set<String> TRAINABLE = Set.of(ConvLstmNowcaster.TYPE, CnnLstmNowcaster.TYPE);
    private static final Set<String> TYPES = Collections.unmodifiableSet(new TreeSet<>(
            Set.of(ConvLstmNowcaster.TYPE, CnnLstmNowcaster.TYPE, PersistenceNowcaster.TYPE, AdvectionNowcaster.TYPE,
                    ADVECTION_ENSEMBLE, OnnxNowcaster.TYPE)));

    private ModelVariants() {
    }

    /** A freshly initialised trainable model of {@code spec.type()} for windows of {@code shape}. */
    public static TrainableNowcaster create(ModelSpec spec, WindowShape shape) {
        return switch (known(spec.type())) {
            case ConvLstmNowcaster.TYPE -> ConvLstmNowcaster.create(spec, shape);
            case CnnLstmNowcaster.TYPE -> CnnLstmNowcaster.create(spec, shape);
            default -> throw new IllegalArgumentException("model type '" + spec.type()
                    + "' has nothing to train; use ModelVariants.baseline or ModelVariants.external");
        };
    }

    /** An untrained baseline of {@code type}; for {@code advection-ensemble} its control, the advection forecast. */
    public static Nowcaster baseline(String type, WindowShape shape) {
        return switch (known(type)) {
            case PersistenceNowcaster.TYPE -> new PersistenceNowcaster(shape);
            case AdvectionNowcaster.TYPE, ADVECTION_ENSEMBLE -> new AdvectionNowcaster(shape);
            case OnnxNowcaster.TYPE -> throw new IllegalArgumentException("model type '" + type
                    + "' runs a model file; use ModelVariants.external");
            default -> throw new IllegalArgumentException("model type '" + type
                    + "' is trainable; use ModelVariants.create");
        };
    }

    /**
     * A model exported elsewhere ({@code type: onnx}), from the file the configuration names, for windows of
     * {@code shape} whose channels are {@code channels} (the region's, with their fitted transforms). A missing or
     * unreadable file, or one whose input or output does not fit the windows, is an error naming the file.
     */
    public static Nowcaster external(ModelSpec spec, WindowShape shape, List<FeatureChannel> channels) {
        return OnnxNowcaster.load(onnx(spec), Path.of(onnx(spec).file()), shape, channels);
    }

    /** The external model of {@code spec} as {@link #save} registered it in {@code dir}. */
    public static Nowcaster loadExternal(ModelSpec spec, Path dir, WindowShape shape, List<FeatureChannel> channels) {
        return OnnxNowcaster.load(onnx(spec), dir.resolve(OnnxNowcaster.FILE), shape, channels);
    }

    private static OnnxSpec onnx(ModelSpec spec) {
        if (!isExternal(spec.type()) || spec.onnx() == null) {
            throw new IllegalArgumentException("model '" + spec.name() + "' (" + spec.type() + ") is no external model"
                    + " with its file");
        }
        return spec.onnx();
    }

    /**
     * Writes what a registered version needs to load {@code model} again: a trained model's own files, an external
     * model's file; nothing for a baseline.
     */
    public static void save(Nowcaster model, Path dir) {
        if (model instanceof TrainableNowcaster trainable) {
            trainable.save(dir);
        } else if (model instanceof OnnxNowcaster external) {
            external.save(dir);
        }
    }

    /** A trained model of {@code type} written by {@link TrainableNowcaster#save} into {@code dir}. */
    public static Nowcaster load(String type, Path dir) {
        return switch (known(type)) {
            case ConvLstmNowcaster.TYPE -> ConvLstmNowcaster.load(dir);
            case CnnLstmNowcaster.TYPE -> CnnLstmNowcaster.load(dir);
            case OnnxNowcaster.TYPE -> throw new IllegalArgumentException("model type '" + type
                    + "' needs its configuration and channels; use ModelVariants.loadExternal");
            default -> throw new IllegalArgumentException("model type '" + type
                    + "' is a baseline and is never saved; use ModelVariants.baseline");
        };
    }

    /**
     * The variant as it forecasts: {@code model} itself for one member, else an {@link io.gridcast.models.EnsembleNowcaster}
     * of {@code spec.members()} members perturbed as {@link PerturbedEnsemble} describes, {@code model} its control.
     *
     * @param target the forecast variable's transform (the noise multiplies physical amounts)
     */
    public static Nowcaster ensemble(ModelSpec spec, Nowcaster model, ChannelTransform target) {
        return spec.members() == 1 ? model
                : new PerturbedEnsemble(spec.type(), model, target, spec.members(), spec.seed(), spec.perturbation());
    }

    public static boolean isTrainable(String type) {
        return TRAINABLE.contains(known(type));
    }

    /** A model exported elsewhere and run from its file: nothing to train, but a file to register. */
    public static boolean isExternal(String type) {
        return OnnxNowcaster.TYPE.equals(known(type));
    }

    /** All model types, sorted. */
    public static Set<String> types() {
        return TYPES;
    }

    private static String known(String type) {
        if (type == null || !TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown model type '" + type + "'; expected one of " + TYPES);
        }
        return type;
    }
}
