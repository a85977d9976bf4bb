package io.gridcast.jobs.config;

import io.gridcast.features.Region;
import io.gridcast.features.WindowSpec;
import io.gridcast.models.ModelSpec;
import io.gridcast.models.ModelVariants;
import io.gridcast.models.NowcastLoss;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YAML configuration, bound key by key (snake_case in the file); unknown keys are errors. See
 * {@code conf/demo.yml} for a commented example.
 */
public record GridcastConfig(Input input, Spark spark, Map<String, Variable> variables, List<RegionEntry> regions,
                             Windows windows, List<ModelEntry> models, Report report) {

    /** Where the archive is and what to read from it. */
    public record Input(String dir, String variable, String pattern, String reader) {
    }

    /** {@code master}: {@code local[*]} by default, {@code spark://host:7077} for a standalone cluster. */
    public record Spark(String master, Map<String, String> settings) {
    }

    /**
     * Per-variable settings: event thresholds in the variable's own units, and the box widths (in model cells)
     * of the fractions skill score at each threshold.
     */
    public record Variable(List<Double> thresholds, List<Integer> fssScales) {
    }

    /** {@code map_cases}: how many test cases per region the report draws as maps (the wettest ones). */
    public record Report(Integer mapCases) {
    }

    public record Box(Double xMin, Double xMax, Double yMin, Double yMax) {
    }

    public record RegionEntry(String name, Box box, Double cellSize) {
    }

    public record Windows(Integer in, Integer out, Double train, Double validation, Integer cacheFrames) {
    }

    public record ModelEntry(String name, String type, List<Integer> hidden, Integer kernel, List<Integer> filters,
                             Integer epochs, Integer batchSize, Double learningRate, Long seed, Boolean peephole,
                             Integer patch, String loss) {
    }

    /** Checks what binding cannot: required keys, known model types, unique names. */
    void validate() {
        require(input, "input");
        require(input.variable(), "input.variable");
        require(regions, "regions");
        require(windows, "windows");
        require(models, "models");
        if (regions.isEmpty()) {
            throw new ConfigException("regions", "at least one region");
        }
        Set<String> names = new HashSet<>();
        for (int i = 0; i < regions.size(); i++) {
            RegionEntry r = regions.get(i);
            String key = "regions[" + i + "]";
            require(r.name(), key + ".name");
            require(r.box(), key + ".box");
            require(r.box().xMin(), key + ".box.x_min");
            require(r.box().xMax(), key + ".box.x_max");
            require(r.box().yMin(), key + ".box.y_min");
            require(r.box().yMax(), key + ".box.y_max");
            require(r.cellSize(), key + ".cell_size");
            if (!names.add(r.name())) {
                throw new ConfigException(key + ".name", "a region name used once, '" + r.name() + "' repeats");
            }
            try {
                region(r);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, e.getMessage());
            }
        }
        if (variables != null) {
            variables.forEach((name, v) -> {
                if (v != null && v.fssScales() != null && v.fssScales().stream().anyMatch(scale -> scale == null || scale < 1)) {
                    throw new ConfigException("variables." + name + ".fss_scales",
                            "box widths in cells, each 1 or more, got " + v.fssScales());
                }
            });
        }
        if (report != null && report.mapCases() != null && report.mapCases() < 0) {
            throw new ConfigException("report.map_cases", "0 or more cases, got " + report.mapCases());
        }
        require(windows.in(), "windows.in");
        require(windows.out(), "windows.out");
        if (models.isEmpty()) {
            throw new ConfigException("models", "at least one model variant");
        }
        Set<String> variants = new HashSet<>();
        for (int i = 0; i < models.size(); i++) {
            ModelEntry m = models.get(i);
            String key = "models[" + i + "]";
            require(m.name(), key + ".name");
            require(m.type(), key + ".type");
            if (!ModelVariants.types().contains(m.type())) {
                throw new ConfigException(key + ".type", "one of " + ModelVariants.types() + ", got '" + m.type() + "'");
            }
            if (!m.name().matches("[A-Za-z0-9_-]+") || !variants.add(m.name())) {
                throw new ConfigException(key + ".name", "a unique name of letters, digits, '_' or '-', got '" + m.name() + "'");
            }
            if (m.loss() != null && Arrays.stream(NowcastLoss.values()).noneMatch(l -> l.key().equals(m.loss()))) {
                throw new ConfigException(key + ".loss", "one of mse, mae, balanced, got '" + m.loss() + "'");
            }
            if (m.patch() != null && m.patch() < 1) {
                throw new ConfigException(key + ".patch", "a patch size >= 1, got " + m.patch());
            }
        }
    }

    private static void require(Object value, String key) {
        if (value == null) {
            throw new ConfigException(key, "a value (the key is missing)");
        }
    }

    public String sparkMaster() {
        return spark == null || spark.master() == null ? "local[*]" : spark.master();
    }

    public Map<String, String> sparkSettings() {
        return spark == null || spark.settings() == null ? Map.of() : spark.settings();
    }

    public String pattern() {
        return input.pattern() == null ? "*.nc" : input.pattern();
    }

    public String reader() {
        return input.reader() == null ? "cf-netcdf" : input.reader();
    }

    public List<Region> regionList() {
        return regions.stream().map(GridcastConfig::region).toList();
    }

    /** The named region; an unknown name is a clear error listing the configured ones. */
    public Region region(String name) {
        return regionList().stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new ConfigException("regions", "a region named '" + name + "'; configured: "
                        + regions.stream().map(RegionEntry::name).toList()));
    }

    private static Region region(RegionEntry r) {
        return new Region(r.name(), r.box().xMin(), r.box().xMax(), r.box().yMin(), r.box().yMax(), r.cellSize());
    }

    public WindowSpec windowSpec() {
        return new WindowSpec(windows.in(), windows.out(), orElse(windows.train(), 0.7),
                orElse(windows.validation(), 0.15), orElse(windows.cacheFrames(), 4096));
    }

    /** Thresholds for categorical scores of {@code variable}; none configured means none computed. */
    public List<Double> thresholds(String variable) {
        Variable v = variables == null ? null : variables.get(variable);
        return v == null || v.thresholds() == null ? List.of() : v.thresholds();
    }

    /** FSS box widths in cells for {@code variable}; none configured means no FSS. */
    public List<Integer> fssScales(String variable) {
        Variable v = variables == null ? null : variables.get(variable);
        return v == null || v.fssScales() == null ? List.of() : v.fssScales();
    }

    /** Test cases per region drawn as maps in the report; 2 unless configured. */
    public int mapCases() {
        return report == null || report.mapCases() == null ? 2 : report.mapCases();
    }

    public List<ModelSpec> modelSpecs() {
        List<ModelSpec> specs = new ArrayList<>();
        for (ModelEntry m : models) {
            specs.add(new ModelSpec(m.name(), m.type(), orElse(m.hidden(), List.of(16)), orElse(m.kernel(), 3),
                    orElse(m.filters(), List.of(8, 16)), orElse(m.epochs(), 3), orElse(m.batchSize(), 8),
                    orElse(m.learningRate(), 1e-3), orElse(m.seed(), 42L), orElse(m.peephole(), false),
                    orElse(m.patch(), 1), orElse(m.loss(), NowcastLoss.MSE.key())));
        }
        return specs;
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
