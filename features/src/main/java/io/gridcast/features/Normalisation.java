package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.read.FrameReader;
import io.gridcast.ingest.read.FrameReaders;
import java.util.List;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;

/**
 * Standardisation of one variable over one region: {@code (value - mean) / std}, with the statistics of
 * the training frames only, computed on Spark (one task per group of frames, partial sums merged); the
 * range is kept to bound forecasts of non-negative variables.
 */
public record Normalisation(double mean, double std, double min, double max, long cells) {

    public float normalise(float value) {
        return (float) ((value - mean) / std);
    }

    /**
     * Back to physical units. A variable never negative in the training period (rain) is never forecast
     * negative; others (temperature) are not bounded.
     */
    public float denormalise(float value) {
        float physical = (float) (value * std + mean);
        return min >= 0 && physical < 0 ? 0f : physical;
    }

    /** Statistics over {@code frames} (catalog entries) of the region; missing cells are left out. */
    public static Normalisation compute(SparkSession spark, FrameCatalog catalog, RegionGrid regionGrid,
                                        List<CatalogEntry> frames) {
        if (frames.isEmpty()) {
            throw new IllegalArgumentException("region '" + regionGrid.region().name()
                    + "': no training frames to compute normalisation statistics from");
        }
        FrameReader reader = FrameReaders.byName(catalog.description().reader());
        String variable = catalog.description().variable();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        double[] sums = jsc.parallelize(frames, Math.max(1, Math.min(frames.size(), jsc.defaultParallelism() * 4)))
                .map(entry -> moments(RegionFrames.read(reader, variable, entry, regionGrid)))
                .reduce(Normalisation::merge);
        if (sums[0] == 0) {
            throw new IllegalArgumentException("region '" + regionGrid.region().name()
                    + "': every cell of the training frames is missing");
        }
        double mean = sums[1] / sums[0];
        double variance = Math.max(0, sums[2] / sums[0] - mean * mean);
        // A constant field (e.g. no rain at all) still needs a usable scale.
        double std = variance > 1e-12 ? Math.sqrt(variance) : 1.0;
        return new Normalisation(mean, std, sums[3], sums[4], (long) sums[0]);
    }

    private static double[] moments(float[] values) {
        double[] m = {0, 0, 0, Double.POSITIVE_INFINITY, Double.NEGATIVE_INFINITY};
        for (float v : values) {
            if (!Float.isNaN(v)) {
                m[0]++;
                m[1] += v;
                m[2] += (double) v * v;
                m[3] = Math.min(m[3], v);
                m[4] = Math.max(m[4], v);
            }
        }
        return m;
    }

    private static double[] merge(double[] a, double[] b) {
        return new double[] {a[0] + b[0], a[1] + b[1], a[2] + b[2], Math.min(a[3], b[3]), Math.max(a[4], b[4])};
    }
}
