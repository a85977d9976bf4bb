package io.gridcast.models;

import java.util.List;
import java.util.function.UnaryOperator;

/**
 * The registry of forecast post-processing methods by name, applied to a variant's forecasts wherever they are
 * made (the forecast job and verification, through {@link ModelRegistry#load}); training and the validation MSE
 * see the model's own output.
 */
public final class PostProcessing {

    public static final String NONE = "none";
    public static final String PROBABILITY_MATCHING = "probability-matching";
    public static final List<String> METHODS = List.of(NONE, PROBABILITY_MATCHING);

    private PostProcessing() {
    }

    /** The method called {@code name}: an error naming the known ones if there is none. */
    public static UnaryOperator<Nowcaster> of(String name) {
        return switch (name == null ? NONE : name) {
            case NONE -> model -> model;
            case PROBABILITY_MATCHING -> ProbabilityMatching::new;
            default -> throw new IllegalArgumentException("unknown postprocess '" + name + "'; expected one of "
                    + METHODS);
        };
    }
}
