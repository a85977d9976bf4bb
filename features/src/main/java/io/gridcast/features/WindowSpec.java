package io.gridcast.features;

import java.io.Serializable;
import java.util.List;
import java.util.Set;

/**
 * How windows are cut, split, augmented, stored and streamed.
 *
 * @param in                 input frames per window
 * @param out                target frames (lead times) per window
 * @param stride             frames between the starts of consecutive windows (1: every frame starts one)
 * @param maxMissing         a frame with a larger share of missing cells in the region is left out of every window
 * @param trainFraction      share of the archive's frames, oldest first, in the training block
 * @param validationFraction share in the validation block that follows; the test block takes the rest
 * @param periods            explicit train, validation and test periods instead of the fractions; empty: fractions
 * @param augment            training-only augmentations ({@link #AUGMENTATIONS}); never applied to validation or test
 * @param cacheFrames        region frames (physical, for verification) held in memory at most
 * @param shardFrames        frames per shard file
 * @param prefetchBatches    batches prepared ahead by the streaming thread
 * @param shuffleShards      shards whose windows are shuffled together while training
 */
public record WindowSpec(int in, int out, int stride, double maxMissing, double trainFraction,
                         double validationFraction, List<SplitPeriod> periods, List<String> augment, int cacheFrames,
                         int shardFrames, int prefetchBatches, int shuffleShards) implements Serializable {

    /** {@code rot90}: a random quarter turn (half turns only on a non-square grid); {@code flip}: a random mirror. */
    public static final Set<String> AUGMENTATIONS = Set.of("rot90", "flip");

    public WindowSpec {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("windows need in >= 1 and out >= 1, got in " + in + ", out " + out);
        }
        if (stride < 1) {
            throw new IllegalArgumentException("windows.stride must be 1 or more, got " + stride);
        }
        if (!(maxMissing >= 0 && maxMissing <= 1)) {
            throw new IllegalArgumentException("windows.max_missing must be a share between 0 and 1, got " + maxMissing);
        }
        if (periods.isEmpty() && (trainFraction <= 0 || validationFraction <= 0
                || trainFraction + validationFraction >= 1)) {
            throw new IllegalArgumentException("split fractions need train > 0, validation > 0 and train + validation < 1,"
                    + " got " + trainFraction + " and " + validationFraction);
        }
        if (!periods.isEmpty() && !periods.stream().map(SplitPeriod::name).sorted().toList()
                .equals(List.of("test", "train", "validation"))) {
            throw new IllegalArgumentException("windows.splits needs exactly train, validation and test, got "
                    + periods.stream().map(SplitPeriod::name).toList());
        }
        for (String a : augment) {
            if (!AUGMENTATIONS.contains(a)) {
                throw new IllegalArgumentException("windows.augment: unknown augmentation '" + a + "'; expected any of "
                        + AUGMENTATIONS);
            }
        }
        if (cacheFrames < 1 || shardFrames < 1 || prefetchBatches < 1 || shuffleShards < 1) {
            throw new IllegalArgumentException("windows.cache_frames, shard_frames, prefetch and shuffle_shards must be"
                    + " 1 or more, got " + cacheFrames + ", " + shardFrames + ", " + prefetchBatches + ", " + shuffleShards);
        }
        periods = List.copyOf(periods);
        augment = List.copyOf(augment);
    }

    /** Every frame starts a window, fractions 0.7 / 0.15, frames with more than half their cells missing skipped. */
    public static WindowSpec of(int in, int out) {
        return new WindowSpec(in, out, 1, 0.5, 0.7, 0.15, List.of(), List.of(), 4096, 64, 4, 4);
    }

    public WindowSpec withSplits(double train, double validation, List<SplitPeriod> explicit) {
        return new WindowSpec(in, out, stride, maxMissing, train, validation, explicit, augment, cacheFrames,
                shardFrames, prefetchBatches, shuffleShards);
    }

    public WindowSpec withAugment(List<String> augmentations) {
        return new WindowSpec(in, out, stride, maxMissing, trainFraction, validationFraction, periods, augmentations,
                cacheFrames, shardFrames, prefetchBatches, shuffleShards);
    }
}
