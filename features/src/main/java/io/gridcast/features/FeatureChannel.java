package io.gridcast.features;

import java.io.Serializable;
/**
 * One input channel of the windows, in channel order: a dynamic variable (channel 0 is the forecast target) or a
 * static layer repeated at every input time, with its fitted transform.
 *
 * @param kind {@code dynamic} or {@code static}
 */
public record FeatureChannel(String name, String kind, ChannelTransform transform) implements Serializable {
}
