package io.gridcast.models.nowcasts;

import io.gridcast.features.ChannelTransform;
import java.io.Serializable;
import java.util.Map;

/**
 * A model exported elsewhere ({@code type: onnx}) as configured.
 *
 * @param file         the ONNX file, as configured and resolved
 * @param inputLayout  the model input's axes in order: {@code N} batch, {@code T} input time, {@code C} channel,
 *                     {@code H} height (rows), {@code W} width (columns), e.g. {@code NTCHW} (PyTorch) or
 *                     {@code NTHWC} (Keras). Without {@code T} the frames are stacked on {@code C}, time-major (frame
 *                     0's channels first), as models that take the frames as channels (RainNet) read them; without
 *                     {@code C} there must be one channel
 * @param outputLayout the output's axes: {@code T} is the lead; without {@code T} the leads are on {@code C};
 *                     with both, {@code C} has size 1
 * @param leads        the lead times the model produces, at the archive's time step; the first {@code windows.out}
 *                     are verified
 * @param transforms   for an input channel (by name) the transform the model was trained with, with its own
 *                     statistics; channels not named take the region's fitted transform, as gridcast's own models do
 */
public record OnnxSpec(String file, String inputLayout, String outputLayout, int leads,
                       Map<String, ChannelTransform> transforms) implements Serializable {

    static final String AXES = "NTCHW";

    public OnnxSpec {
        if (file == null || file.isBlank()) {
            throw new IllegalArgumentException("an ONNX model file");
        }
        checkLayout(inputLayout, "input");
        checkLayout(outputLayout, "output");
        if (leads < 1) {
            throw new IllegalArgumentException("leads: 1 or more lead times, got " + leads);
        }
        transforms = transforms == null ? Map.of() : Map.copyOf(transforms);
    }

    private static void checkLayout(String layout, String which) {
        if (layout == null || !layout.matches("[" + AXES + "]+") || layout.chars().distinct().count() != layout.length()
                || layout.indexOf('N') < 0 || layout.indexOf('H') < 0 || layout.indexOf('W') < 0) {
            throw new IllegalArgumentException("layout." + which + ": the " + which + "'s axes in order, each of "
                    + "N (batch), T (time), C (channel), H (height), W (width) at most once, N, H and W required, e.g. "
                    + "NTCHW or NTHWC, got '" + layout + "'");
        }
    }
}
