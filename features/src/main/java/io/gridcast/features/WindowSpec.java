package io.gridcast.features;

/**
 * How windows are cut and split.
 *
 * @param in                 input frames per window
 * @param out                target frames (lead times) per window
 * @param trainFraction      share of the archive's frames, oldest first, in the training block
 * @param validationFraction share in the validation block that follows; the test block takes the rest
 * @param cacheFrames        region frames held in memory at most while streaming
 */
public record WindowSpec(int in, int out, double trainFraction, double validationFraction, int cacheFrames) {
}
