package io.gridcast.ingest.read;

/**
 * What ingest records of a frame: how many cells hold a value, and their least, greatest and mean value (NaN
 * cells are missing and skipped). With no valid cell, min and max are infinite and the mean is NaN.
 */
public record FrameStatistics(long validCells, float min, float max, double mean) {

    public static FrameStatistics of(float[] values) {
        Accumulator a = new Accumulator();
        for (float v : values) {
            a.add(v);
        }
        return a.result();
    }

    /** The statistics of packed values decoded through {@code table} (physical value by stored short). */
    static FrameStatistics ofPacked(short[] stored, float[] table) {
        Accumulator a = new Accumulator();
        for (short s : stored) {
            a.add(table[s & 0xffff]);
        }
        return a.result();
    }

    /** The statistics of packed values decoded through {@code table} (physical value by stored byte). */
    static FrameStatistics ofPacked(byte[] stored, float[] table) {
        Accumulator a = new Accumulator();
        for (byte s : stored) {
            a.add(table[s & 0xff]);
        }
        return a.result();
    }

    /** One pass over a frame's values; the JIT keeps it in registers (it never escapes). */
    static final class Accumulator {
        private long valid;
        private float min = Float.POSITIVE_INFINITY;
        private float max = Float.NEGATIVE_INFINITY;
        private double sum;

        void add(float v) {
            // Plain comparisons, not Math.min/max: NaN cells are skipped anyway.
            if (v == v) {
                valid++;
                if (v < min) {
                    min = v;
                }
                if (v > max) {
                    max = v;
                }
                sum += v;
            }
        }

        FrameStatistics result() {
            return new FrameStatistics(valid, min, max, sum / valid);
        }
    }
}
