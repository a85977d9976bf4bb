package io.gridcast.ingest.read;

/**
 * What ingest records of a frame: how many cells hold a value, and their least, greatest and mean value (NaN
 * cells are missing and skipped). With no valid cell, min and max are infinite and the mean is NaN.
 */
public record FrameStatistics(long validCells, float min, float max, double mean) {

    public static FrameStatistics of(float[] values) {
        long valid = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        // Plain comparisons, not Math.min/max: NaN cells are skipped anyway.
        for (float v : values) {
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
        return new FrameStatistics(valid, min, max, sum / valid);
    }

    /** The statistics of packed values decoded through {@code table} (physical value by stored short). */
    static FrameStatistics ofPacked(short[] stored, float[] table) {
        long valid = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (short s : stored) {
            float v = table[s & 0xffff];
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
        return new FrameStatistics(valid, min, max, sum / valid);
    }

    /** The statistics of packed values decoded through {@code table} (physical value by stored byte). */
    static FrameStatistics ofPacked(byte[] stored, float[] table) {
        long valid = 0;
        float min = Float.POSITIVE_INFINITY;
        float max = Float.NEGATIVE_INFINITY;
        double sum = 0;
        for (byte s : stored) {
            float v = table[s & 0xff];
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
        return new FrameStatistics(valid, min, max, sum / valid);
    }
}
