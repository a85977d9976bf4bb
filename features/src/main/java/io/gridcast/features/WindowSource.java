package io.gridcast.features;

import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Builds windows in model units from a region's frame shards and static layers: features
 * {@code [in, channels, h, w]} (dynamic channels first, channel 0 the target, then static layers repeated at
 * every input time) and labels {@code [out, h, w]} of the target. Missing cells become 0 in model units (for
 * standardised channels the training mean) and are counted.
 *
 * @param statics the static layers' region values in physical units, in channel order after the dynamic ones
 */
public record WindowSource(FrameShards shards, List<float[]> statics, WindowShape shape, List<FeatureChannel> channels) {

    public WindowSource {
        if (channels.size() != shape.channels() || channels.size() != shards.index().channels().size() + statics.size()) {
            throw new IllegalArgumentException("windows of " + shape.channels() + " channels need as many channels, got "
                    + channels.size() + " transforms for " + shards.index().channels().size() + " dynamic and "
                    + statics.size() + " static layers");
        }
        statics = List.copyOf(statics);
        channels = List.copyOf(channels);
    }

    /** The same windows under other fitted transforms (a trained model's own), channel names checked. */
    public WindowSource withChannels(List<FeatureChannel> fitted) {
        List<String> mine = channels.stream().map(FeatureChannel::name).toList();
        List<String> theirs = fitted.stream().map(FeatureChannel::name).toList();
        if (!mine.equals(theirs)) {
            throw new IllegalArgumentException("the model was trained on channels " + theirs + ", the features hold "
                    + mine);
        }
        return new WindowSource(shards, statics, shape, fitted);
    }

    /** A source reading through its own shard cache of {@code cacheShards} shards (one per streaming thread). */
    WindowSource withCache(int cacheShards) {
        return new WindowSource(shards.reader(cacheShards), statics, shape, channels);
    }

    /** Writes the window's inputs at {@code offset} of {@code x}, turned {@code quarterTurns} and mirrored if asked. */
    void fillInputs(float[] x, int offset, int start, int quarterTurns, boolean mirror, AtomicLong missing) {
        int cells = shape.height() * shape.width();
        int dynamic = shards.index().channels().size();
        for (int t = 0; t < shape.in(); t++) {
            for (int c = 0; c < shape.channels(); c++) {
                FrameShards.Plane physical = c < dynamic ? shards.plane(start + t, c)
                        : new FrameShards.Plane(statics.get(c - dynamic), 0);
                put(physical, channels.get(c).transform(), shape.height(), shape.width(), x,
                        offset + (t * shape.channels() + c) * cells, quarterTurns, mirror, missing);
            }
        }
    }

    /** Writes the window's target frames at {@code offset} of {@code y}. */
    void fillLabels(float[] y, int offset, int start, int quarterTurns, boolean mirror, AtomicLong missing) {
        int cells = shape.height() * shape.width();
        for (int k = 0; k < shape.out(); k++) {
            put(shards.plane(start + shape.in() + k, 0), channels.get(0).transform(), shape.height(), shape.width(),
                    y, offset + k * cells, quarterTurns, mirror, missing);
        }
    }

    /**
     * Writes a row-major {@code h x w} plane in model units into {@code target} (missing cells 0, counted), first
     * mirrored left-right if asked, then turned {@code quarterTurns} times by 90 degrees (a non-square plane only
     * by half turns, so its shape holds). Straight from the cached shard: a window costs no garbage of its own.
     */
    static void put(FrameShards.Plane physical, ChannelTransform transform, int h, int w, float[] target, int offset,
                    int quarterTurns, boolean mirror, AtomicLong missing) {
        float[] values = physical.values();
        long nan = 0;
        for (int j = 0; j < h; j++) {
            for (int i = 0; i < w; i++) {
                int si = mirror ? w - 1 - i : i;
                int tj;
                int ti;
                switch (quarterTurns & 3) {
                    case 1 -> { tj = w - 1 - i; ti = j; }       // counter-clockwise: needs h == w
                    case 2 -> { tj = h - 1 - j; ti = w - 1 - i; }
                    case 3 -> { tj = i; ti = h - 1 - j; }
                    default -> { tj = j; ti = i; }
                }
                float v = values[physical.offset() + j * w + si];
                boolean isMissing = Float.isNaN(v);
                nan += isMissing ? 1 : 0;
                target[offset + tj * w + ti] = isMissing ? 0 : transform.forward(v);
            }
        }
        missing.addAndGet(nan);
    }
}
