package io.gridcast.jobs.config;

import io.gridcast.features.Region;
import io.gridcast.features.WindowPlan;
import io.gridcast.features.WindowSpec;
import io.gridcast.models.LearningRateSchedule;
import io.gridcast.models.ModelSpec;
import io.gridcast.models.ModelVariants;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The YAML configuration, bound key by key (snake_case in the file); unknown keys are errors. See
 * {@code conf/demo.yml} for a commented example.
 */
public record GridcastConfig(Input input, Spark spark, Map<String, Variable> variables, List<RegionEntry> regions,
                             Windows windows, List<ModelEntry> models, Forecast forecast, Report report) {

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

    /** {@code splits}: explicit periods per split, replacing the {@code train} and {@code validation} fractions. */
    public record Windows(Integer in, Integer out, Double train, Double validation, Integer cacheFrames,
                          Map<String, SplitPeriod> splits) {
    }

    /** ISO-8601 instants, e.g. {@code 2020-10-31T08:00:00Z}: frames from {@code from} (included) to {@code to} (excluded). */
    public record SplitPeriod(String from, String to) {
    }

    public record ModelEntry(String name, String type, List<Integer> hidden, Integer kernel, List<Integer> filters,
                             Integer epochs, Integer batchSize, Double learningRate, Long seed, LrSchedule lrSchedule,
                             Integer patience, Double minDelta, Integer checkpointEvery) {
    }

    /** {@code type}: constant, cosine or plateau; see {@link LearningRateSchedule}. */
    public record LrSchedule(String type, Double factor, Integer patience, Double minRate) {
    }

    /**
     * {@code model}: which trained model the forecast job runs per region: {@code all} (every configured variant's
     * latest version, the default), {@code best} (the lowest validation MSE of every saved version), a variant's
     * name (its latest version) or {@code <variant>@<version>}.
     */
    public record Forecast(String model) {
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
        if (windows.splits() != null) {
            try {
                WindowPlan.checkPeriods(splitPeriods());
            } catch (ConfigException e) {
                throw e;
            } catch (IllegalArgumentException e) {
                throw new ConfigException("windows.splits", e.getMessage());
            }
        }
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
            if (m.lrSchedule() != null) {
                require(m.lrSchedule().type(), key + ".lr_schedule.type");
                if (!LearningRateSchedule.TYPES.contains(m.lrSchedule().type())) {
                    throw new ConfigException(key + ".lr_schedule.type", "one of "
                            + LearningRateSchedule.TYPES.stream().sorted().toList() + ", got '" + m.lrSchedule().type() + "'");
                }
                try {
                    schedule(m.lrSchedule());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(key + ".lr_schedule", e.getMessage());
                }
            }
            if (m.patience() != null && m.patience() < 0) {
                throw new ConfigException(key + ".patience", "0 (never stop early) or more epochs, got " + m.patience());
            }
            if (m.minDelta() != null && !(m.minDelta() >= 0)) {
                throw new ConfigException(key + ".min_delta", "a validation-loss decrease >= 0, got " + m.minDelta());
            }
            if (m.checkpointEvery() != null && m.checkpointEvery() < 0) {
                throw new ConfigException(key + ".checkpoint_every", "0 (no checkpoints) or more epochs, got "
                        + m.checkpointEvery());
            }
        }
        if (forecast != null && forecast.model() != null) {
            String model = forecast.model();
            String variant = model.contains("@") ? model.substring(0, model.indexOf('@')) : model;
            if (!model.equals("all") && !model.equals("best") && !variants.contains(variant)) {
                throw new ConfigException("forecast.model", "all, best, or one of the configured variants " + variants
                        + " (optionally <variant>@<version>), got '" + model + "'");
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
                orElse(windows.validation(), 0.15), orElse(windows.cacheFrames(), 4096),
                windows.splits() == null ? Map.of() : splitPeriods());
    }

    private Map<String, WindowPlan.Period> splitPeriods() {
        Map<String, WindowPlan.Period> periods = new LinkedHashMap<>();
        windows.splits().forEach((name, p) -> {
            String key = "windows.splits." + name;
            require(p, key);
            require(p.from(), key + ".from");
            require(p.to(), key + ".to");
            try {
                periods.put(name, new WindowPlan.Period(Instant.parse(p.from()),
                        Instant.parse(p.to())));
            } catch (DateTimeParseException e) {
                throw new ConfigException(key, "ISO-8601 instants such as 2020-10-31T08:00:00Z, got from '"
                        + p.from() + "', to '" + p.to() + "'");
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, e.getMessage());
            }
        });
        return periods;
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
                    orElse(m.learningRate(), 1e-3), orElse(m.seed(), 42L),
                    m.lrSchedule() == null ? LearningRateSchedule.CONSTANT : schedule(m.lrSchedule()),
                    orElse(m.patience(), 0), orElse(m.minDelta(), 0.0), orElse(m.checkpointEvery(), 1)));
        }
        return specs;
    }

    private static LearningRateSchedule schedule(LrSchedule s) {
        return new LearningRateSchedule(s.type(), orElse(s.factor(), 0.5), orElse(s.patience(), 2),
                orElse(s.minRate(), 0.0));
    }

    /** The forecast job's model selector ({@code forecast.model}); {@code all} unless configured. */
    public String forecastModel() {
        return forecast == null || forecast.model() == null ? "all" : forecast.model();
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
