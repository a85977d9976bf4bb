package io.gridcast.ingest.write;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import ucar.ma2.Array;
import ucar.ma2.DataType;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFileWriter;
import ucar.nc2.Variable;

/**
 * Writes a {@link Forecast} as CF-1.8 NetCDF-3: {@code float <variable>(time, y, x)} with valid time
 * {@code time}, scalar {@code forecast_reference_time} and {@code forecast_period(time)} (CF 4.4, 5.7), the
 * input's coordinate variables and grid mapping. On a projected or curvilinear grid {@code lat(y, x)} and
 * {@code lon(y, x)} give every cell centre's position (CF 5.6 asks for them beside a grid mapping), so tools that
 * know no projection can place the data. The file appears atomically at the target. An ensemble's members
 * ({@link #writeEnsemble}) and probabilities of exceeding thresholds ({@link #writeProbabilities}) are written the
 * same way, with a second dimension after time.
 */
public final class ForecastWriter {

    public static final float FILL_VALUE = -9999f;

    static final String TIME_UNITS = "seconds since 1970-01-01 00:00:00";

    /** Global attributes the writer sets itself; extra attributes may not override them. */
    private static final Set<String> OWN_GLOBALS = Set.of("Conventions", "title", "source", "history", "institution");

    /** NetCDF-3 classic offsets are 32-bit; larger files need the 64-bit offset format. */
    private static final long CLASSIC_LIMIT = 2_000_000_000L;

    private ForecastWriter() {
    }

    public static Path write(Path target, Forecast f) throws IOException {
        validate(target, f);
        if (f.values() == null) {
            throw new IllegalArgumentException("forecast for " + target + ": no values; expected one field per lead");
        }
        validateFields(target, f, f.values());
        return write(target, f, null, f.variable(), f.units(), f.standardName(), f.longName(), (w, data) -> {
            // One lead at a time: a whole forecast as one array would need a second copy of every value.
            for (int i = 0; i < f.leads().size(); i++) {
                writeField(w, data, f, new int[] {i, 0, 0}, f.values()[i]);
            }
        });
    }

    /** An ensemble's members, made on demand: member m's field per lead, row-major {@code [y][x]}. */
    public interface Members {

        int count();

        float[][] member(int m) throws IOException;
    }

    /**
     * Writes an ensemble forecast: {@code float <variable>(time, realization, y, x)} with the coordinate
     * {@code int realization(realization)} ({@code standard_name: realization}, 0 .. count - 1), otherwise as
     * {@link #write}. Members are asked for and written one at a time, so the file never needs them all in memory.
     * Time comes first because cdo reads no other order (it takes realization as a vertical axis).
     *
     * @param f the forecast's grid, times, names and attributes; its {@code values} are not used (may be null)
     */
    public static Path writeEnsemble(Path target, Forecast f, Members members) throws IOException {
        validate(target, f);
        if (members.count() < 1) {
            throw new IllegalArgumentException("forecast for " + target + ": " + members.count()
                    + " members; expected at least one");
        }
        int[] realizations = java.util.stream.IntStream.range(0, members.count()).toArray();
        Level level = new Level("realization", DataType.INT, Array.factory(realizations),
                Map.of("standard_name", "realization", "long_name", "ensemble member", "units", "1"));
        return write(target, f, level, f.variable(), f.units(), f.standardName(), f.longName(), (w, data) -> {
            for (int m = 0; m < members.count(); m++) {
                float[][] member = members.member(m);
                validateFields(target, f, member);
                for (int i = 0; i < f.leads().size(); i++) {
                    writeField(w, data, f, new int[] {i, m, 0, 0}, member[i]);
                }
            }
        });
    }

    /**
     * Writes probabilities of exceeding thresholds as the Met Office's IMPROVER lays them out:
     * {@code float probability_of_<standard name>_above_threshold(time, threshold, y, x)}, units {@code 1}, values in
     * [0, 1], with the coordinate {@code threshold(threshold)} in the variable's units, carrying its standard name and
     * {@code spp__relative_to_threshold: greater_than_or_equal_to} (an event is a value at or above the threshold).
     * Without a standard name the variable's name stands in it.
     *
     * @param f             the forecast's grid, times, names and attributes; its {@code values} are not used
     * @param thresholds    in the variable's units, strictly increasing
     * @param probabilities {@code [threshold][lead][cell]}, each in [0, 1] or NaN where missing
     */
    public static Path writeProbabilities(Path target, Forecast f, List<Double> thresholds, float[][][] probabilities)
            throws IOException {
        validate(target, f);
        String where = "forecast for " + target + ": ";
        if (thresholds.isEmpty() || probabilities.length != thresholds.size()) {
            throw new IllegalArgumentException(where + thresholds.size() + " thresholds and " + probabilities.length
                    + " probability fields; expected one field per threshold, at least one");
        }
        for (int t = 0; t < thresholds.size(); t++) {
            if (t > 0 && !(thresholds.get(t) > thresholds.get(t - 1))) {
                throw new IllegalArgumentException(where + "thresholds " + thresholds + " are not strictly increasing");
            }
            validateFields(target, f, probabilities[t]);
            for (float[] field : probabilities[t]) {
                for (float p : field) {
                    if (p < 0 || p > 1) {
                        throw new IllegalArgumentException(where + "probability " + p + " at threshold "
                                + thresholds.get(t) + "; expected values in [0, 1]");
                    }
                }
            }
        }
        String quantity = f.standardName().isEmpty() ? f.variable() : f.standardName();
        Map<String, String> attributes = new TreeMap<>(Map.of("long_name", "threshold of " + quantity,
                "spp__relative_to_threshold", "greater_than_or_equal_to"));
        if (!f.standardName().isEmpty()) {
            attributes.put("standard_name", f.standardName());
        }
        if (!f.units().isEmpty()) {
            attributes.put("units", f.units());
        }
        double[] values = thresholds.stream().mapToDouble(Double::doubleValue).toArray();
        Level level = new Level("threshold", DataType.FLOAT,
                Array.factory(DataType.FLOAT, new int[] {values.length}, toFloats(values)), attributes);
        String name = "probability_of_" + quantity + "_above_threshold";
        return write(target, f, level, name, "1", "", name, (w, data) -> {
            for (int t = 0; t < thresholds.size(); t++) {
                for (int i = 0; i < f.leads().size(); i++) {
                    writeField(w, data, f, new int[] {i, t, 0, 0}, probabilities[t][i]);
                }
            }
        });
    }

    /** A second dimension after time, with its coordinate variable: ensemble members or thresholds. */
    private record Level(String name, DataType type, Array values, Map<String, String> attributes) {
    }

    private interface Fields {
        void write(NetcdfFileWriter w, Variable data) throws IOException, ucar.ma2.InvalidRangeException;
    }

    private static Path write(Path target, Forecast f, Level level, String variable, String units,
                              String standardName, String longName, Fields fields) throws IOException {
        Grid g = f.grid();
        long bytes = 4L * f.leads().size() * (level == null ? 1 : level.values().getSize()) * g.cells();
        return Netcdf3Files.writeAtomically(target, bytes > CLASSIC_LIMIT, w -> {
            w.addGroupAttribute(null, new Attribute("Conventions", "CF-1.8"));
            w.addGroupAttribute(null, new Attribute("institution", "gridcast"));
            for (Map.Entry<String, String> e : List.of(Map.entry("title", f.title()), Map.entry("source", f.source()),
                    Map.entry("history", f.history()))) {
                if (!e.getValue().isEmpty()) {
                    w.addGroupAttribute(null, new Attribute(e.getKey(), e.getValue()));
                }
            }
            new TreeMap<>(f.extraAttributes()).forEach((k, v) -> w.addGroupAttribute(null, new Attribute(k, v)));

            w.addDimension(null, "time", f.leads().size());
            Variable time = w.addVariable(null, "time", DataType.DOUBLE, "time");
            timeAttributes(w, time, "time", "valid time");
            w.addVariableAttribute(time, new Attribute("axis", "T"));
            Variable reference = w.addVariable(null, "forecast_reference_time", DataType.DOUBLE, "");
            timeAttributes(w, reference, "forecast_reference_time", "forecast reference time");
            Variable period = w.addVariable(null, "forecast_period", DataType.DOUBLE, "time");
            w.addVariableAttribute(period, new Attribute("units", "minutes"));
            w.addVariableAttribute(period, new Attribute("standard_name", "forecast_period"));
            w.addVariableAttribute(period, new Attribute("long_name", "lead time"));
            Variable levels = null;
            if (level != null) {
                w.addDimension(null, level.name(), (int) level.values().getSize());
                levels = w.addVariable(null, level.name(), level.type(), level.name());
                for (Map.Entry<String, String> e : new TreeMap<>(level.attributes()).entrySet()) {
                    w.addVariableAttribute(levels, new Attribute(e.getKey(), e.getValue()));
                }
            }

            Variable y = Netcdf3Files.defineAxis(w, g.y(), "Y");
            Variable x = Netcdf3Files.defineAxis(w, g.x(), "X");
            Variable mapping = g.mapping() == null ? null : Netcdf3Files.defineGridMapping(w, g.mapping());
            Variable[] latLon = Netcdf3Files.defineGeolocation(w, g);

            Variable data = w.addVariable(null, variable, DataType.FLOAT, "time "
                    + (level == null ? "" : level.name() + " ") + g.y().name() + " " + g.x().name());
            Netcdf3Files.text(w, data, "units", units);
            Netcdf3Files.text(w, data, "standard_name", standardName);
            Netcdf3Files.text(w, data, "long_name", longName);
            w.addVariableAttribute(data, new Attribute("_FillValue", FILL_VALUE));
            w.addVariableAttribute(data, new Attribute("coordinates",
                    (latLon == null ? "" : "lat lon ") + "forecast_reference_time forecast_period"));
            if (mapping != null) {
                w.addVariableAttribute(data, new Attribute("grid_mapping", mapping.getShortName()));
            }
            w.create();

            int n = f.leads().size();
            double[] times = new double[n];
            double[] minutes = new double[n];
            for (int i = 0; i < n; i++) {
                times[i] = epochSeconds(f.referenceTime().plus(f.leads().get(i)));
                minutes[i] = f.leads().get(i).toNanos() / 60e9;
            }
            w.write(time, Array.factory(times));
            w.write(reference, Array.factory(DataType.DOUBLE, new int[0], new double[] {epochSeconds(f.referenceTime())}));
            w.write(period, Array.factory(minutes));
            if (levels != null) {
                w.write(levels, level.values());
            }
            Netcdf3Files.writeAxis(w, y, g.y());
            Netcdf3Files.writeAxis(w, x, g.x());
            if (mapping != null) {
                Netcdf3Files.writeGridMapping(w, mapping);
            }
            Netcdf3Files.writeGeolocation(w, latLon, g);
            fields.write(w, data);
        });
    }

    /** One field at {@code origin} (time, [level,] 0, 0), missing values as the fill value. */
    private static void writeField(NetcdfFileWriter w, Variable data, Forecast f, int[] origin, float[] field)
            throws IOException, ucar.ma2.InvalidRangeException {
        float[] v = field.clone();
        for (int k = 0; k < v.length; k++) {
            if (!Float.isFinite(v[k])) {
                v[k] = FILL_VALUE;
            }
        }
        int[] shape = new int[origin.length];
        Arrays.fill(shape, 1);
        shape[origin.length - 2] = f.grid().ny();
        shape[origin.length - 1] = f.grid().nx();
        w.write(data, origin, Array.factory(DataType.FLOAT, shape, v));
    }

    private static float[] toFloats(double[] values) {
        float[] out = new float[values.length];
        for (int i = 0; i < values.length; i++) {
            out[i] = (float) values[i];
        }
        return out;
    }

    private static void timeAttributes(NetcdfFileWriter w, Variable v, String standardName, String longName) {
        w.addVariableAttribute(v, new Attribute("units", TIME_UNITS));
        w.addVariableAttribute(v, new Attribute("standard_name", standardName));
        w.addVariableAttribute(v, new Attribute("long_name", longName));
        w.addVariableAttribute(v, new Attribute("calendar", "standard"));
    }

    private static double epochSeconds(Instant t) {
        return t.getEpochSecond() + t.getNano() / 1e9;
    }

    private static void validate(Path target, Forecast f) {
        String where = "forecast for " + target + ": ";
        if (!f.variable().matches("[A-Za-z][A-Za-z0-9_]*")) {
            throw new IllegalArgumentException(where + "variable name '" + f.variable()
                    + "' is not a CF name; expected letters, digits and underscores, starting with a letter");
        }
        List<Duration> leads = f.leads();
        if (leads.isEmpty()) {
            throw new IllegalArgumentException(where + "no lead times; expected at least one");
        }
        for (int i = 0; i < leads.size(); i++) {
            if (leads.get(i).isNegative() || (i > 0 && leads.get(i).compareTo(leads.get(i - 1)) <= 0)) {
                throw new IllegalArgumentException(where + "lead " + i + " (" + leads.get(i) + ") is negative or not "
                        + "after the one before; expected non-negative, strictly increasing leads, got " + leads);
            }
        }
        Set<String> names = new HashSet<>();
        for (String name : fileNames(f)) {
            if (!names.add(name)) {
                throw new IllegalArgumentException(where + "name '" + name + "' is used twice among the variable, "
                        + "its axes, grid mapping, lat, lon, time, forecast_reference_time and forecast_period; expected distinct names");
            }
        }
        for (String k : f.extraAttributes().keySet()) {
            if (OWN_GLOBALS.contains(k)) {
                throw new IllegalArgumentException(where + "extra attribute '" + k + "' would override the writer's own; "
                        + "set it through the forecast's field instead");
            }
        }
    }

    /** One field per lead, each of the grid's cells. */
    private static void validateFields(Path target, Forecast f, float[][] fields) {
        String where = "forecast for " + target + ": ";
        List<Duration> leads = f.leads();
        if (fields.length != leads.size()) {
            throw new IllegalArgumentException(where + "values has " + fields.length + " fields but there are "
                    + leads.size() + " leads; expected one field per lead");
        }
        int cells = f.grid().cells();
        for (int i = 0; i < fields.length; i++) {
            if (fields[i] == null || fields[i].length != cells) {
                throw new IllegalArgumentException(where + "field " + i + " (lead " + leads.get(i) + ") has "
                        + (fields[i] == null ? "no values" : fields[i].length + " values")
                        + "; expected " + cells + " (" + f.grid().ny() + " y x " + f.grid().nx() + " x, row-major)");
            }
        }
    }

    private static List<String> fileNames(Forecast f) {
        Axis y = f.grid().y();
        Axis x = f.grid().x();
        List<String> names = new ArrayList<>(List.of(f.variable(), y.name(), x.name(), "time",
                "forecast_reference_time", "forecast_period"));
        if (f.grid().mapping() != null) {
            names.add(f.grid().mapping().variable());
        }
        if (f.grid().mapping() != null || f.grid().geolocation() != null) {
            names.addAll(List.of("lat", "lon"));
        }
        return names;
    }
}
