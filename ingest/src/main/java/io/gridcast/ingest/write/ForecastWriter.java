package io.gridcast.ingest.write;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
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
 * know no projection can place the data. The file appears atomically at the target.
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
        Grid g = f.grid();
        long bytes = 4L * f.leads().size() * g.cells();
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

            Variable y = Netcdf3Files.defineAxis(w, g.y(), "Y");
            Variable x = Netcdf3Files.defineAxis(w, g.x(), "X");
            Variable mapping = g.mapping() == null ? null : Netcdf3Files.defineGridMapping(w, g.mapping());
            Variable[] latLon = Netcdf3Files.defineGeolocation(w, g);

            Variable data = w.addVariable(null, f.variable(), DataType.FLOAT, "time " + g.y().name() + " " + g.x().name());
            Netcdf3Files.text(w, data, "units", f.units());
            Netcdf3Files.text(w, data, "standard_name", f.standardName());
            Netcdf3Files.text(w, data, "long_name", f.longName());
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
            Netcdf3Files.writeAxis(w, y, g.y());
            Netcdf3Files.writeAxis(w, x, g.x());
            if (mapping != null) {
                Netcdf3Files.writeGridMapping(w, mapping);
            }
            Netcdf3Files.writeGeolocation(w, latLon, g);
            // One lead at a time: a whole forecast as one array would need a second copy of every value.
            for (int i = 0; i < n; i++) {
                float[] v = f.values()[i].clone();
                for (int k = 0; k < v.length; k++) {
                    if (!Float.isFinite(v[k])) {
                        v[k] = FILL_VALUE;
                    }
                }
                w.write(data, new int[] {i, 0, 0}, Array.factory(DataType.FLOAT, new int[] {1, g.ny(), g.nx()}, v));
            }
        });
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
        if (f.values().length != leads.size()) {
            throw new IllegalArgumentException(where + "values has " + f.values().length + " fields but there are "
                    + leads.size() + " leads; expected one field per lead");
        }
        int cells = f.grid().cells();
        for (int i = 0; i < f.values().length; i++) {
            if (f.values()[i] == null || f.values()[i].length != cells) {
                throw new IllegalArgumentException(where + "field " + i + " (lead " + leads.get(i) + ") has "
                        + (f.values()[i] == null ? "no values" : f.values()[i].length + " values")
                        + "; expected " + cells + " (" + f.grid().ny() + " y x " + f.grid().nx() + " x, row-major)");
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
