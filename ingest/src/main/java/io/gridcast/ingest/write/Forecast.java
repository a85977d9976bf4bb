package io.gridcast.ingest.write;

import io.gridcast.ingest.grid.Grid;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * A forecast to write as CF NetCDF: one field per lead time on the input's grid.
 *
 * @param grid             the input grid, carried over: axis names, units, standard names and grid mapping
 *                         (the mapping is null for plain latitude/longitude grids)
 * @param variable         the data variable's name, e.g. {@code rain_rate}
 * @param units            units of {@code values}; null is taken as empty, as are the other text fields
 * @param standardName     CF standard name, or empty
 * @param referenceTime    the forecast reference time (the last observation used)
 * @param leads            lead times after {@code referenceTime}, strictly increasing
 * @param values           per lead, row-major {@code [y][x]} in {@code units}; NaN where missing. Null for an ensemble or
 *                         probability file, whose fields are handed to the writer apart
 * @param extraAttributes  further global attributes, e.g. {@code region}, {@code model}
 */
public record Forecast(Grid grid, String variable, String units, String standardName, String longName,
        Instant referenceTime, List<Duration> leads, float[][] values, String title, String source, String history,
        Map<String, String> extraAttributes) {

    public Forecast {
        Objects.requireNonNull(grid, "forecast grid");
        Objects.requireNonNull(variable, "forecast variable");
        Objects.requireNonNull(referenceTime, "forecast referenceTime");
        leads = List.copyOf(leads);
        units = Objects.requireNonNullElse(units, "");
        standardName = Objects.requireNonNullElse(standardName, "");
        longName = Objects.requireNonNullElse(longName, "");
        title = Objects.requireNonNullElse(title, "");
        source = Objects.requireNonNullElse(source, "");
        history = Objects.requireNonNullElse(history, "");
        extraAttributes = extraAttributes == null ? Map.of() : Map.copyOf(extraAttributes);
    }
}
