package io.gridcast.ingest.read;

/**
 * What ingest records of a frame: how many cells hold a value, and their least, greatest and mean value (NaN
 * cells are missing and skipped). With no valid cell, min and max are infinite and the mean is NaN.
 */
public record FrameStatistics(long validCells, float min, float max, double mean) {

    public static FrameStatistics of(float[] values) {
        Accumulator a = new Accumulator();
        a.add(values);
        return a.result();
    }

    /**
     * One pass over a frame's values, in one piece or in consecutive parts (a large frame a stripe of rows at a
     * time): the same sums in the same order either way. The JIT keeps it in registers when it does not escape.
     */
    static final class Accumulator {

        void add(float[] values) {
            for (float v : values) {
                add(v);
            }
        }

        /** {@code values[from, from + count)}, e.g. one row of a frame. */
        void add(float[] values, int from, int count) {
            for (int k = from; k < from + count; k++) {
                add(values[k]);
            }
        }

        /** Packed values decoded through {@code table} (physical value by stored short). */
        void addPacked(short[] stored, float[] table) {
            for (short s : stored) {
                add(table[s & 0xffff]);
            }
        }

        /** Packed values decoded through {@code table} (physical value by stored byte). */
        void addPacked(byte[] stored, float[] table) {
            for (byte s : stored) {
                add(table[s & 0xff]);
            }
        }

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
