package io.gridcast.features;

import java.io.Serializable;

/**
 * A fitted transform of one channel: physical values to model units and back, with the training-period
 * statistics it was fitted on (saved in the model metadata, so a forecast is inverted exactly as trained).
 */
public record ChannelTransform(String method, double rainThreshold, Statistics statistics) implements Serializable {

    public float forward(float physical) {
        return Transforms.byName(method).forward(physical, this);
    }

    public float inverse(float value) {
        return Transforms.byName(method).inverse(value, this);
    }
}
