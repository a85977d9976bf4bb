package io.gridcast.models.postprocessing;

import io.gridcast.features.ChannelTransform;
import io.gridcast.models.Nowcaster;
import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The registry of forecast post-processing methods by name, applied to a variant's forecasts wherever they are
 * made (the forecast job and verification, through {@code registry.ModelRegistry.load}); training and the
 * validation MSE see the model's own output.
 */
public final class PostProcessing {

    public static final String NONE = "none";
    public static final String PROBABILITY_MATCHING = "probability-matching";
    public static final String PROBABILITY_MATCHING_MEAN = "probability-matching-mean";
    public static final List<String> METHODS = List.of(NONE, PROBABILITY_MATCHING, PROBABILITY_MATCHING_MEAN);

    private PostProcessing() {
    }

    /**
     * The method called {@code name}: an error naming the known ones if there is none.
     *
     * @param target the forecast variable's transform from physical to model units (a method that works on
     *               physical amounts, such as keeping the model's mean, needs it)
     */
    public static UnaryOperator<Nowcaster> of(String name, ChannelTransform target) {
        return switch (name == null ? NONE : name) {
            case NONE -> model -> model;
            case PROBABILITY_MATCHING -> model -> new ProbabilityMatching(model, null);
            case PROBABILITY_MATCHING_MEAN -> model -> new ProbabilityMatching(model, target);
            default -> throw unknown(name);
        };
    }

    /** Checks that {@code name} is a known method: an error naming the known ones if not. */
    public static void check(String name) {
        if (name != null && !METHODS.contains(name)) {
            throw unknown(name);
        }
    }

    private static IllegalArgumentException unknown(String name) {
        return new IllegalArgumentException("unknown postprocess '" + name + "'; expected one of " + METHODS);
    }
}
