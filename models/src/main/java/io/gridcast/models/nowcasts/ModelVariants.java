package io.gridcast.models.nowcasts;

import io.gridcast.models.Nowcaster;
import io.gridcast.models.TrainableNowcaster;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Set;
import java.util.TreeSet;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.WindowShape;

/** The registry of model types: creates, loads and describes every method the configuration may name. */
public final class ModelVariants {

    /** The advection baseline as an ensemble ({@link PerturbedEnsemble}). */
    public static final String ADVECTION_ENSEMBLE = "advection-ensemble";
    private static final Set<String> TRAINABLE = Set.of(ConvLstmNowcaster.TYPE, CnnLstmNowcaster.TYPE);
    private static final Set<String> TYPES = Collections.unmodifiableSet(new TreeSet<>(
            Set.of(ConvLstmNowcaster.TYPE, CnnLstmNowcaster.TYPE, PersistenceNowcaster.TYPE, AdvectionNowcaster.TYPE,
                    ADVECTION_ENSEMBLE)));

    private ModelVariants() {
    }

    /** A freshly initialised trainable model of {@code spec.type()} for windows of {@code shape}. */
    public static TrainableNowcaster create(ModelSpec spec, WindowShape shape) {
        return switch (known(spec.type())) {
            case ConvLstmNowcaster.TYPE -> ConvLstmNowcaster.create(spec, shape);
            case CnnLstmNowcaster.TYPE -> CnnLstmNowcaster.create(spec, shape);
            default -> throw new IllegalArgumentException("model type '" + spec.type()
                    + "' is a baseline with nothing to train; use ModelVariants.baseline");
        };
    }

    /** An untrained baseline of {@code type}; for {@code advection-ensemble} its control, the advection forecast. */
    public static Nowcaster baseline(String type, WindowShape shape) {
        return switch (known(type)) {
            case PersistenceNowcaster.TYPE -> new PersistenceNowcaster(shape);
            case AdvectionNowcaster.TYPE, ADVECTION_ENSEMBLE -> new AdvectionNowcaster(shape);
            default -> throw new IllegalArgumentException("model type '" + type
                    + "' is trainable; use ModelVariants.create");
        };
    }

    /** A trained model of {@code type} written by {@link TrainableNowcaster#save} into {@code dir}. */
    public static Nowcaster load(String type, Path dir) {
        return switch (known(type)) {
            case ConvLstmNowcaster.TYPE -> ConvLstmNowcaster.load(dir);
            case CnnLstmNowcaster.TYPE -> CnnLstmNowcaster.load(dir);
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
