package io.gridcast.features;

import java.io.Serializable;
/**
 * The shape of one training window: {@code in} input frames of {@code channels} channels (channel 0 is the
 * forecast variable, the others static or auxiliary layers) on a {@code height x width} grid, and {@code out}
 * target frames of the forecast variable.
 */
public record WindowShape(int in, int out, int channels, int height, int width) implements Serializable {
}
