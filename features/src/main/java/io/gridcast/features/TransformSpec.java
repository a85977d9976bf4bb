package io.gridcast.features;

import java.io.Serializable;

/**
 * A channel's configured transform before its statistics are known: a {@link Transforms} name and, for
 * {@code db}, the rain threshold below which a cell counts as dry (in the variable's units).
 */
public record TransformSpec(String method, double rainThreshold) implements Serializable {

    public static final TransformSpec STANDARDISE = new TransformSpec("standardise", 0);

    public TransformSpec {
        Transforms.byName(method);
        if ("db".equals(method) && !(rainThreshold > 0)) {
            throw new IllegalArgumentException("a positive rain_threshold for the db transform, got " + rainThreshold);
        }
    }

    float prepare(float physical) {
        return Transforms.byName(method).prepare(physical, rainThreshold);
    }

    public ChannelTransform fit(Statistics statistics) {
        return new ChannelTransform(method, rainThreshold, statistics);
    }
}
