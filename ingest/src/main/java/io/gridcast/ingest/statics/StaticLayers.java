package io.gridcast.ingest.statics;

import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.CfNetcdfReader;
import io.gridcast.ingest.read.UnusableFileException;
import io.gridcast.ingest.statics.SourceLayer.Registration;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

/**
 * Static geographic layers on a data grid: each read from its own NetCDF file on its own grid (anything
 * {@link CfNetcdfReader} reads, without a time), regridded onto the data grid by a {@link Regridding} method, or
 * derived from another layer ({@link DerivedLayers}). Regridded layers are cached under a folder, keyed by the
 * source file (path, size, modification time), the variable, the method and the target grid, so a layer is
 * regridded once per grid and read back afterwards.
 */
public final class StaticLayers {

    private static final Logger LOG = LoggerFactory.getLogger(StaticLayers.class);
    private static final CfNetcdfReader READER = new CfNetcdfReader();
    private static final Set<String> METRES = Set.of("m", "meter", "meters", "metre", "metres");

    private StaticLayers() {
    }

    /**
     * Every layer of {@code layers} on {@code grid}, in list order, regridded once and then read from
     * {@code cacheDir} (null: no cache). Layers are checked first ({@link #validate}); keys in errors are
     * {@code static_layers[i].*}.
     */
    public static List<StaticField> load(List<StaticLayerSpec> layers, Grid grid, Path cacheDir) throws IOException {
        return load(layers, grid, cacheDir, "static_layers");
    }

    /** As {@link #load(List, Grid, Path)}, naming keys in errors from {@code key} (e.g. {@code regions[0].static_layers}). */
    public static List<StaticField> load(List<StaticLayerSpec> layers, Grid grid, Path cacheDir, String key)
            throws IOException {
        validate(layers, key);
        if (layers.isEmpty()) {
            return List.of();
        }
        if (grid.unreferenced()) {
            throw new StaticLayerException(key + "[0]", "a data grid on the Earth to regrid static layer '"
                    + layers.get(0).name() + "' onto; the data grid " + grid.describe() + " has plain x/y axes with"
                    + " no grid_mapping and no latitude/longitude (leave out static_layers for this archive)");
        }
        GridLocations locations;
        try {
            locations = new GridLocations(grid);
        } catch (IllegalArgumentException e) {
            throw new StaticLayerException(key, "a data grid that NetCDF-Java can locate on the Earth, "
                    + grid.describe() + " is not", e);
        }
        Map<String, StaticField> made = new HashMap<>();
        List<StaticField> out = new ArrayList<>();
        for (int i = 0; i < layers.size(); i++) {
            StaticLayerSpec spec = layers.get(i);
            String k = key + "[" + i + "]";
            StaticField field;
            if (spec.derived()) {
                StaticField from = made.get(spec.derivedFrom());
                if (!from.units().equals("m")) {
                    throw new StaticLayerException(k + ".derived_from", "an elevation in metres to derive " + spec.name()
                            + " from; layer '" + from.name() + "' has units '" + from.units() + "' (set its units: m "
                            + "if its file states none)");
                }
                field = DerivedLayers.derive(spec.name(), from, locations);
            } else {
                field = cacheDir == null ? regrid(spec, locations, k) : cached(spec, locations, cacheDir, k);
            }
            LOG.info("static layer {}: {} on {}, {} of cells covered", field.name(), field.provenance(),
                    grid.describe(), String.format(Locale.ROOT, "%.1f%%", 100 * field.coverage()));
            made.put(spec.name(), field);
            out.add(field);
        }
        return out;
    }

    /**
     * Checks a list of layers without regridding: unique names; a file or a derivation, not both; the file exists
     * and holds the variable; a known method, and for a categorical layer one that keeps classes; a derivation
     * known and from an earlier, continuous layer. Errors name the key, the file and what was expected.
     */
    public static void validate(List<StaticLayerSpec> layers, String key) {
        Map<String, StaticLayerSpec> earlier = new HashMap<>();
        for (int i = 0; i < layers.size(); i++) {
            StaticLayerSpec s = layers.get(i);
            String k = key + "[" + i + "]";
            if (s.name() == null || !s.name().matches("[A-Za-z0-9_-]+")) {
                throw new StaticLayerException(k + ".name", "a layer name of letters, digits, '_' or '-', got '" + s.name() + "'");
            }
            if (earlier.containsKey(s.name())) {
                throw new StaticLayerException(k + ".name", "a layer name used once in the list, '" + s.name() + "' repeats");
            }
            if (s.derived()) {
                validateDerived(s, k, earlier);
            } else {
                validateFile(s, k);
            }
            earlier.put(s.name(), s);
        }
    }

    private static void validateDerived(StaticLayerSpec s, String k, Map<String, StaticLayerSpec> earlier) {
        if (s.file() != null || s.variable() != null || s.method() != null) {
            throw new StaticLayerException(k, "either file/variable/method or derived_from, not both (layer '" + s.name() + "')");
        }
        if (!DerivedLayers.names().contains(s.name())) {
            throw new StaticLayerException(k + ".name", "a derived layer named one of " + DerivedLayers.names()
                    + ", got '" + s.name() + "'");
        }
        StaticLayerSpec from = earlier.get(s.derivedFrom());
        if (from == null) {
            throw new StaticLayerException(k + ".derived_from", "the name of a layer listed before '" + s.name()
                    + "', got '" + s.derivedFrom() + "'; listed before it: " + earlier.keySet());
        }
        if (from.categorical()) {
            throw new StaticLayerException(k + ".derived_from", "a continuous elevation layer, '" + from.name()
                    + "' is categorical");
        }
    }

    private static void validateFile(StaticLayerSpec s, String k) {
        if (s.file() == null) {
            throw new StaticLayerException(k + ".file", "a NetCDF file (or derived_from) for layer '" + s.name() + "'");
        }
        if (s.variable() == null) {
            throw new StaticLayerException(k + ".variable", "the variable to read from " + s.file());
        }
        if (s.method() != null && !Regridding.names().contains(s.method())) {
            throw new StaticLayerException(k + ".method", "one of " + Regridding.names() + ", got '" + s.method() + "'");
        }
        if (s.categorical() && s.method() != null && !Regridding.keepsCategories(s.method())) {
            throw new StaticLayerException(k + ".method", "nearest or majority for the categorical layer '" + s.name()
                    + "' (" + s.method() + " would invent classes), got '" + s.method() + "'");
        }
        if (!Files.isRegularFile(s.file())) {
            throw new StaticLayerException(k + ".file", "an existing NetCDF file, " + s.file() + " does not exist");
        }
        try (NetcdfFile nc = NetcdfFile.open(s.file().toString())) {
            if (nc.findVariable(s.variable()) == null) {
                throw new StaticLayerException(k + ".variable", "a variable of " + s.file() + ", it has no '"
                        + s.variable() + "'; it has " + nc.getVariables().stream().map(Variable::getFullName)
                        .collect(Collectors.joining(", ")));
            }
        } catch (IOException | RuntimeException e) {
            if (e instanceof StaticLayerException sle) {
                throw sle;
            }
            throw new StaticLayerException(k + ".file", "a readable NetCDF file, " + s.file() + " is not", e);
        }
    }

    /** Reads and regrids one file layer onto {@code grid}, without the cache. */
    static StaticField regrid(StaticLayerSpec spec, GridLocations locations, String key) {
        Grid grid = locations.grid();
        Frame read;
        try {
            read = READER.readStatic(spec.file(), spec.variable());
        } catch (UnusableFileException e) {
            throw new StaticLayerException(key, "a static grid of '" + spec.variable() + "' in " + spec.file(), e);
        }
        String units = units(spec, read.units(), key);
        float[] values = read.values().clone();
        if (spec.fillMissing() != null) {
            for (int k = 0; k < values.length; k++) {
                if (Float.isNaN(values[k])) {
                    values[k] = spec.fillMissing().floatValue();
                }
            }
        }
        String source = spec.file().getFileName() + ":" + spec.variable();
        if (read.grid().equals(grid)) {
            return new StaticField(spec.name(), units, spec.categorical(), grid, values, source + " (on the data grid)");
        }
        Registration registration = registration(spec, key);
        Resampler.Result r;
        try {
            r = Resampler.resample(new SourceLayer(read.grid(), values, registration), locations, spec.method(),
                    spec.categorical());
        } catch (IllegalArgumentException e) {
            throw new StaticLayerException(key, "a source grid and data grid NetCDF-Java can relate (" + spec.file() + ")", e);
        }
        return new StaticField(spec.name(), units, spec.categorical(), grid, r.values(), source + " by " + r.method()
                + (spec.fillMissing() != null ? ", missing source cells as " + spec.fillMissing() : ""));
    }

    /** Units as stated by the file, or configured when it states none; metres spelt any way become {@code m}. */
    private static String units(StaticLayerSpec spec, String fileUnits, String key) {
        String file = normalise(fileUnits);
        String configured = normalise(spec.units());
        if (!file.isEmpty() && !configured.isEmpty() && !file.equals(configured)) {
            throw new StaticLayerException(key + ".units", "the units of '" + spec.variable() + "' in " + spec.file()
                    + ", which says '" + fileUnits + "', got '" + spec.units() + "'");
        }
        return spec.categorical() ? "" : file.isEmpty() ? configured : file;
    }

    private static String normalise(String units) {
        String u = units == null ? "" : units.trim();
        return METRES.contains(u.toLowerCase(Locale.ROOT)) ? "m" : u;
    }

    /** GMT's {@code node_offset} (global or on the variable): 1 pixel-, 0 node-registered; CF cell centres otherwise. */
    private static Registration registration(StaticLayerSpec spec, String key) {
        try (NetcdfFile nc = NetcdfFile.open(spec.file().toString())) {
            Attribute a = nc.findGlobalAttributeIgnoreCase("node_offset");
            Variable v = nc.findVariable(spec.variable());
            if (v != null && v.findAttributeIgnoreCase("node_offset") != null) {
                a = v.findAttributeIgnoreCase("node_offset");
            }
            if (a == null || a.getNumericValue() == null) {
                return Registration.PIXEL;
            }
            return a.getNumericValue().intValue() == 0 ? Registration.NODE : Registration.PIXEL;
        } catch (IOException e) {
            throw new StaticLayerException(key + ".file", "a readable NetCDF file, " + spec.file() + " is not", e);
        }
    }

    private static StaticField cached(StaticLayerSpec spec, GridLocations locations, Path cacheDir, String key)
            throws IOException {
        Grid grid = locations.grid();
        Path file = StaticCache.path(cacheDir, spec, grid);
        StaticField hit = StaticCache.read(file, spec, grid);
        if (hit != null) {
            return hit;
        }
        StaticField field = regrid(spec, locations, key);
        StaticCache.write(file, field);
        return field;
    }
}
