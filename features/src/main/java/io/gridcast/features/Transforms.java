package io.gridcast.features;

import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * The transform registry: a name ({@code variables.<name>.transform}) maps to how a channel's physical values
 * become model units and back. Each method first prepares values (the dB transform takes logarithms), the
 * training statistics are computed on prepared values, and the prepared values are then scaled.
 */
public final class Transforms {

    /** How one transform maps values; {@code t} carries its threshold and training statistics. */
    public interface Method {
        /** The values statistics are computed on: physical for most, dB for {@code db}. NaN stays NaN. */
        float prepare(float physical, double threshold);

        float forward(float physical, ChannelTransform t);

        float inverse(float value, ChannelTransform t);
    }

    private static final Map<String, Method> METHODS = new TreeMap<>(Map.of(
            "standardise", new Method() {
                public float prepare(float physical, double threshold) {
                    return physical;
                }

                public float forward(float physical, ChannelTransform t) {
                    return (float) ((physical - t.statistics().mean()) / t.statistics().scale());
                }

                public float inverse(float value, ChannelTransform t) {
                    return clip((float) (value * t.statistics().scale() + t.statistics().mean()), t);
                }
            },
            "min-max", new Method() {
                public float prepare(float physical, double threshold) {
                    return physical;
                }

                public float forward(float physical, ChannelTransform t) {
                    return (float) ((physical - t.statistics().min()) / t.statistics().range());
                }

                public float inverse(float value, ChannelTransform t) {
                    return clip((float) (value * t.statistics().range() + t.statistics().min()), t);
                }
            },
            "db", new Method() {
                // pysteps' dB-R: rain below the threshold becomes one no-rain value 5 dB under the threshold's.
                public float prepare(float physical, double threshold) {
                    if (Float.isNaN(physical)) {
                        return physical;
                    }
                    return (float) (physical < threshold ? 10 * Math.log10(threshold) - 5 : 10 * Math.log10(physical));
                }

                public float forward(float physical, ChannelTransform t) {
                    return (float) ((prepare(physical, t.rainThreshold()) - t.statistics().mean())
                            / t.statistics().scale());
                }

                public float inverse(float value, ChannelTransform t) {
                    float rain = (float) Math.pow(10, (value * t.statistics().scale() + t.statistics().mean()) / 10);
                    // Compared in float: a rain rate exactly at the threshold comes back as itself, not as 0.
                    return rain < (float) t.rainThreshold() ? 0f : rain;
                }
            },
            "none", new Method() {
                public float prepare(float physical, double threshold) {
                    return physical;
                }

                public float forward(float physical, ChannelTransform t) {
                    return physical;
                }

                public float inverse(float value, ChannelTransform t) {
                    return clip(value, t);
                }
            }));

    private Transforms() {
    }

    /** A variable never negative in training (rain) is never forecast negative; others (temperature) are not bounded. */
    private static float clip(float physical, ChannelTransform t) {
        return t.statistics().min() >= 0 && physical < 0 ? 0f : physical;
    }

    public static Set<String> names() {
        return METHODS.keySet();
    }

    /** The method called {@code name}; an unknown name is an error listing the known ones. */
    public static Method byName(String name) {
        Method method = METHODS.get(name);
        if (method == null) {
            throw new IllegalArgumentException("unknown transform '" + name + "'; expected one of " + names());
        }
        return method;
    }
}
