package io.gridcast.features;

import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.synth.SyntheticArchive;
import io.gridcast.ingest.write.Forecast;
import io.gridcast.ingest.write.ForecastWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.spark.sql.SparkSession;

/** Small real archives for the features tests: one CF NetCDF file per frame, ingested on Spark. */
final class TestArchive {

    static final Duration STEP = Duration.ofMinutes(5);
    static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");
    static final int SIZE = 16;
    static final Grid GRID = SyntheticArchive.grid(SIZE);
    /** The whole 16 x 16 grid (x and y from -7.5 to 7.5 km) at its own 1-km cells. */
    static final Region WHOLE = new Region("whole", -8, 8, -8, 8, 1.0);

    private TestArchive() {
    }

    static Instant time(int frame) {
        return T0.plus(STEP.multipliedBy(frame));
    }

    /** Writes frames {@code frames} of {@code variable} with values {@code values(frame)} ({@code SIZE^2}, row-major). */
    static void write(Path dir, String variable, String units, List<Integer> frames, IntFunction<float[]> values)
            throws IOException {
        for (int f : frames) {
            Instant t = time(f);
            ForecastWriter.write(dir.resolve(variable + "_" + f + ".nc"), new Forecast(GRID, variable, units, "", "",
                    t.minus(STEP), List.of(STEP), new float[][] {values.apply(f)}, "", "", "", Map.of()));
        }
    }

    static FrameCatalog ingest(SparkSession spark, Path archive, String variable, Path catalogDir) {
        FrameIngest.run(spark, new FrameIngest.Request(archive, "*.nc", variable, "cf-netcdf", catalogDir));
        return FrameCatalog.load(spark, catalogDir);
    }
}
