package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * How windows are cut and split.
 *
 * @param in                 input frames per window
 * @param out                target frames (lead times) per window
 * @param trainFraction      share of the archive's frames, oldest first, in the training block
 * @param validationFraction share in the validation block that follows; the test block takes the rest
 * @param cacheFrames        region frames held in memory at most while streaming
 * @param periods            explicit time blocks by split name ({@code train}, {@code validation}, {@code test});
 *                           when present they replace the fractions. Null or empty: split by fractions
 */
public record WindowSpec(int in, int out, double trainFraction, double validationFraction, int cacheFrames,
                         Map<String, WindowPlan.Period> periods) {

    public WindowSpec {
        periods = periods == null ? Map.of() : Map.copyOf(periods);
    }

    /** Windows split by fractions of the archive. */
    public WindowSpec(int in, int out, double trainFraction, double validationFraction, int cacheFrames) {
        this(in, out, trainFraction, validationFraction, cacheFrames, Map.of());
    }

    /** The window plan of {@code entries}: by the explicit periods if there are any, else by the fractions. */
    public WindowPlan plan(List<CatalogEntry> entries, Duration step) {
        return periods.isEmpty() ? WindowPlan.of(entries, step, in, out, trainFraction, validationFraction)
                : WindowPlan.byPeriods(entries, step, in, out, periods);
    }
}
