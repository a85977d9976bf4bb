package io.gridcast.jobs.config;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.Region;
import io.gridcast.features.RegionGrid;
import io.gridcast.features.SplitPeriod;
import io.gridcast.features.Statistics;
import io.gridcast.features.TransformSpec;
import io.gridcast.features.Transforms;
import io.gridcast.features.WindowSpec;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.ReaderSpec;
import io.gridcast.ingest.statics.StaticLayerException;
import io.gridcast.ingest.statics.StaticLayerSpec;
import io.gridcast.ingest.statics.StaticLayers;
import io.gridcast.jobs.ops.Scheduler;
import io.gridcast.models.nowcasts.ConvLstmNowcaster;
import io.gridcast.models.nowcasts.LearningRateSchedule;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.nowcasts.NowcastLoss;
import io.gridcast.models.nowcasts.OnnxSpec;
import io.gridcast.models.postprocessing.PostProcessing;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.springframework.scheduling.support.CronExpression;

/**
 * The YAML configuration, bound key by key (snake_case in the file); unknown keys are errors. See
 * {@code conf/demo.yml} for a commented example.
 */
public record GridcastConfig(Input input, Spark spark, Map<String, Variable> variables,
                             List<StaticLayerEntry> staticLayers, List<RegionEntry> regions, Windows windows,
                             List<ModelEntry> models, Forecast forecast, Report report, List<ScheduleEntry> schedules,
                             Roots roots) {

    /** The jobs a schedule can run. */
    static final List<String> JOBS = List.of("ingest", "train", "forecast", "report", "cycle");
    /**
     * The environment variable that caps every model's epochs: the same run in less time, as the README test runs
     * every demo. Unset, each model trains for its configured epochs.
     */
    public static final String MAX_EPOCHS = "GRIDCAST_MAX_EPOCHS";
    /** What {@code report.split} may name: the first is the default. */
    /** Members of an {@code advection-ensemble} without {@code members}: as many as pysteps' STEPS examples use. */
    static final int DEFAULT_MEMBERS = 20;
    static final List<String> REPORT_SPLITS = List.of("test", "validation");

    /**
     * {@code gridcast schedule}: run {@code job} at every slot of {@code cron} (UTC). Spring's six fields
     * {@code second minute hour day-of-month month day-of-week}, or the classic five (seconds then 0), or a
     * macro such as {@code @daily}.
     */
    public record ScheduleEntry(String job, String cron) {
    }

    /**
     * The folders configured paths must stay inside: {@code input} for the archive (and any input file),
     * {@code work} for the work folder. Unset, a path is not confined.
     */
    public record Roots(String input, String work) {
    }

    /**
     * Where the archive is and what to read from it: {@code options} are the reader's own settings (numbers and
     * text, nested maps allowed), checked by the reader. {@code settle_time} and {@code temporary_names} say when a
     * file is still being written ({@link FrameIngest.Arrival}).
     */
    public record Input(String dir, String variable, String pattern, String reader, Map<String, Object> options,
                        String settleTime, List<String> temporaryNames) {
    }

    /** {@code master}: {@code local[*]} by default, {@code spark://host:7077} for a standalone cluster. */
    public record Spark(String master, Map<String, String> settings) {
    }

    /**
     * Per-variable settings: the units every file must state (compared as UDUNITS units, never rescaled; a file
     * in other units is quarantined), event thresholds, the box widths (in model cells) of the fractions skill score
     * at each threshold, and the transform to model units ({@link Transforms}: {@code standardise} by default,
     * {@code min-max}, {@code db} with its {@code rain_threshold}, {@code none}). Thresholds are bare numbers in
     * the variable's units or carry their own ({@code "1 mm/h"}), converted to the variable's (see {@link Quantity}).
     * {@code rank_histogram_min}: an ensemble's rank histogram leaves out cells where the observation and every
     * member are below it, and below it every value ties (pysteps' {@code X_min}); unset, every cell counts.
     */
    public record Variable(String units, List<Quantity> thresholds, List<Integer> fssScales, String transform,
                           Quantity rainThreshold, Quantity rankHistogramMin) {
    }

    /**
     * {@code map_cases}: how many verified cases per region the report draws as maps (the wettest ones);
     * {@code split}: the block verified, {@code test} (default) or {@code validation} (to choose settings on
     * scores of the validation block without looking at the test block's).
     */
    public record Report(Integer mapCases, String split) {
    }

    /** In the data grid's coordinates ({@code x_min} ...) or in longitude and latitude ({@code lon_min} ...). */
    public record Box(Double xMin, Double xMax, Double yMin, Double yMax, Double lonMin, Double lonMax, Double latMin,
                      Double latMax) {

        boolean lonLat() {
            return lonMin != null || lonMax != null || latMin != null || latMax != null;
        }

        boolean grid() {
            return xMin != null || xMax != null || yMin != null || yMax != null;
        }
    }

    /**
     * A static layer: from a NetCDF {@code file} (relative to the current folder) and {@code variable}, regridded
     * by {@code method} (default: bilinear, or area-mean from a much finer source; nearest or majority when
     * {@code categorical}); or computed ({@code slope}, {@code aspect}) from the layer named by {@code derived_from}.
     * {@code fill_missing}: a value for the source's missing cells; {@code units}: when the file states none.
     */
    public record StaticLayerEntry(String name, String file, String variable, String method, Boolean categorical,
                                   Double fillMissing, String units, String derivedFrom) {

        StaticLayerSpec spec() {
            return new StaticLayerSpec(name, file == null ? null : Path.of(file), variable, method,
                    Boolean.TRUE.equals(categorical), fillMissing, units, derivedFrom);
        }
    }

    /** {@code static_layers}, when given, replaces the top-level list for this region. */
    public record RegionEntry(String name, Box box, Double cellSize, List<StaticLayerEntry> staticLayers) {
    }

    /**
     * {@code inputs}: the dynamic input variables, the forecast variable first (default: the forecast variable
     * alone); {@code splits}: explicit {@code train}, {@code validation} and {@code test} periods as
     * {@code [first, last]} ISO times, instead of the {@code train} and {@code validation} fractions.
     */
    public record Windows(Integer in, Integer out, Integer stride, Double maxMissing, List<String> inputs,
                          Double train, Double validation, Map<String, List<String>> splits, List<String> augment,
                          Integer cacheFrames, Integer shardFrames, Integer prefetch, Integer shuffleShards) {
    }

    /**
     * A model variant. {@code file}, {@code layout}, {@code leads} and {@code transforms} are for {@code type: onnx}
     * only (see {@link OnnxSpec}).
     */
    public record ModelEntry(String name, String type, List<Integer> hidden, Integer kernel, List<Integer> filters,
                             Integer epochs, Integer batchSize, Double learningRate, Long seed, LrSchedule lrSchedule,
                             Integer patience, Double minDelta, Integer checkpointEvery, Boolean peephole,
                             Integer patch, String loss, Boolean residual, String postprocess, Integer members,
                             Perturbation perturbation, String file, Layout layout, Integer leads,
                             Map<String, TransformEntry> transforms) {
    }

    /** An ensemble's perturbation; see {@link io.gridcast.models.nowcasts.Perturbation}, whose defaults fill gaps. */
    public record Perturbation(Double motion, Double noise, Double scale, String inflow, Double newRain,
                               Double rainScale) {
    }

    /** An ONNX model's axes, e.g. {@code {input: NTCHW, output: NTHW}}. */
    public record Layout(String input, String output) {
    }

    /**
     * The transform an ONNX model was trained with for one input channel, with its own statistics (of the values
     * the method scales: dB values for {@code db}); {@code min} also stops negative forecasts when it is 0 or more.
     */
    public record TransformEntry(String method, Double rainThreshold, Double mean, Double std, Double min, Double max) {
    }

    /** {@code type}: constant, cosine or plateau; see {@link LearningRateSchedule}. */
    public record LrSchedule(String type, Double factor, Integer patience, Double minRate) {
    }

    /**
     * {@code model}: which trained model the forecast job runs per region: {@code all} (every configured variant's
     * latest version, the default), {@code best} (the lowest validation MSE of every saved version), a variant's
     * name (its latest version) or {@code <variant>@<version>}. {@code max_data_age}: the oldest the newest frame
     * may be, against the wall clock, for the {@code forecast} job to forecast from it (ISO-8601, or {@code off});
     * unset, three of the model's time steps.
     */
    public record Forecast(String model, String maxDataAge) {
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
            if (r.box().lonLat() && r.box().grid()) {
                throw new ConfigException(key + ".box", "either x_min, x_max, y_min, y_max (grid coordinates) or lon_min, "
                        + "lon_max, lat_min, lat_max (degrees), not both, got " + r.box());
            }
            if (r.box().lonLat()) {
                require(r.box().lonMin(), key + ".box.lon_min");
                require(r.box().lonMax(), key + ".box.lon_max");
                require(r.box().latMin(), key + ".box.lat_min");
                require(r.box().latMax(), key + ".box.lat_max");
            } else {
                require(r.box().xMin(), key + ".box.x_min");
                require(r.box().xMax(), key + ".box.x_max");
                require(r.box().yMin(), key + ".box.y_min");
                require(r.box().yMax(), key + ".box.y_max");
            }
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
        // Confined before validation opens them: a file outside the roots is never read.
        confineStaticLayers(staticLayers, "static_layers");
        validateStaticLayers(staticLayers, "static_layers");
        for (int i = 0; i < regions.size(); i++) {
            confineStaticLayers(regions.get(i).staticLayers(), "regions[" + i + "].static_layers");
            validateStaticLayers(regions.get(i).staticLayers(), "regions[" + i + "].static_layers");
        }
        if (variables != null) {
            variables.forEach((name, v) -> {
                if (v != null && v.fssScales() != null && v.fssScales().stream().anyMatch(scale -> scale == null || scale < 1)) {
                    throw new ConfigException("variables." + name + ".fss_scales",
                            "box widths in cells, each 1 or more, got " + v.fssScales());
                }
                if (v != null && v.transform() != null && !Transforms.names().contains(v.transform())) {
                    throw new ConfigException("variables." + name + ".transform",
                            "one of " + Transforms.names() + ", got '" + v.transform() + "'");
                }
                thresholds(name);
                rankHistogramMin(name);
                try {
                    transform(name);
                } catch (ConfigException e) {
                    throw e;
                } catch (IllegalArgumentException e) {
                    throw new ConfigException("variables." + name, e.getMessage());
                }
            });
        }
        if (schedules != null) {
            for (int i = 0; i < schedules.size(); i++) {
                scheduleEntry(schedules.get(i), "schedules[" + i + "]");
            }
        }
        try {
            reader().create();
        } catch (IllegalArgumentException e) {
            throw new ConfigException(input.options() == null || input.options().isEmpty() ? "input.reader"
                    : "input.options", "a reader and settings it knows: " + e.getMessage());
        }
        if (input.dir() != null) {
            confineInput(Path.of(input.dir()), "input.dir");
        }
        if (report != null && report.mapCases() != null && report.mapCases() < 0) {
            throw new ConfigException("report.map_cases", "0 or more cases, got " + report.mapCases());
        }
        if (report != null && report.split() != null && !REPORT_SPLITS.contains(report.split())) {
            throw new ConfigException("report.split", "one of " + REPORT_SPLITS + ", got '" + report.split() + "'");
        }
        require(windows.in(), "windows.in");
        require(windows.out(), "windows.out");
        if (windows.inputs() != null && (windows.inputs().isEmpty() || windows.inputs().stream().anyMatch(
                v -> v == null || !v.matches("[A-Za-z0-9_.-]+")) || windows.inputs().stream().distinct().count()
                != windows.inputs().size())) {
            throw new ConfigException("windows.inputs", "distinct variable names, the forecast variable first, got "
                    + windows.inputs());
        }
        try {
            windowSpec();
        } catch (ConfigException e) {
            throw e;
        } catch (IllegalArgumentException e) {
            throw new ConfigException("windows", e.getMessage());
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
            if (m.loss() != null) {
                validateLoss(m, key);
            }
            if (m.patch() != null && m.patch() < 1) {
                throw new ConfigException(key + ".patch", "a patch size >= 1, got " + m.patch());
            }
            if (m.residual() != null && !m.type().equals(ConvLstmNowcaster.TYPE)) {
                throw new ConfigException(key + ".residual", "no residual key for type '" + m.type() + "' (only "
                        + ConvLstmNowcaster.TYPE + " has the choice; cnnlstm always predicts the change)");
            }
            int least = m.type().equals(ModelVariants.ADVECTION_ENSEMBLE) ? 2 : 1;
            if (m.members() != null && m.members() < least) {
                throw new ConfigException(key + ".members", least + " or more forecasts for type '" + m.type()
                        + "', got " + m.members());
            }
            if (m.perturbation() != null) {
                try {
                    perturbation(m.perturbation());
                } catch (IllegalArgumentException e) {
                    throw new ConfigException(key + ".perturbation", e.getMessage());
                }
                if (m.perturbation().inflow() != null && !List.of("advection", ModelVariants.ADVECTION_ENSEMBLE)
                        .contains(m.type())) {
                    throw new ConfigException(key + ".perturbation.inflow", "no inflow key for type '" + m.type()
                            + "': only advection fills the cells rain enters from outside (a network forecasts its"
                            + " own)");
                }
            }
            if (m.postprocess() != null && !PostProcessing.METHODS.contains(m.postprocess())) {
                throw new ConfigException(key + ".postprocess", "one of " + PostProcessing.METHODS + ", got '"
                        + m.postprocess() + "'");
            }
            if (ModelVariants.isExternal(m.type())) {
                onnxSpec(m, key);
            } else {
                for (var onnxKey : Map.of("file", m.file() != null, "layout", m.layout() != null, "leads",
                        m.leads() != null, "transforms", m.transforms() != null).entrySet()) {
                    if (onnxKey.getValue()) {
                        throw new ConfigException(key + "." + onnxKey.getKey(), "no " + onnxKey.getKey()
                                + " for type '" + m.type() + "' (only type onnx runs a model file)");
                    }
                }
            }
        }
        if (input.settleTime() != null) {
            duration(input.settleTime(), "input.settle_time");
        }
        if (forecast != null && forecast.maxDataAge() != null && !forecast.maxDataAge().equals("off")) {
            duration(forecast.maxDataAge(), "forecast.max_data_age");
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

    private static void validateStaticLayers(List<StaticLayerEntry> layers, String key) {
        if (layers == null) {
            return;
        }
        try {
            StaticLayers.validate(specs(layers), key);
        } catch (StaticLayerException e) {
            throw new ConfigException(e.key(), e.expected());
        }
    }

    /** Static layers are input: their files lie inside {@code roots.input} like the archive. */
    private void confineStaticLayers(List<StaticLayerEntry> layers, String key) {
        for (int i = 0; layers != null && i < layers.size(); i++) {
            if (layers.get(i).file() != null) {
                confineInput(Path.of(layers.get(i).file()), key + "[" + i + "].file");
            }
        }
    }

    private static List<StaticLayerSpec> specs(List<StaticLayerEntry> layers) {
        return layers.stream().map(StaticLayerEntry::spec).toList();
    }

    private static Scheduler.Entry scheduleEntry(ScheduleEntry entry, String key) {
        require(entry, key);
        require(entry.job(), key + ".job");
        require(entry.cron(), key + ".cron");
        if (!JOBS.contains(entry.job())) {
            throw new ConfigException(key + ".job", "one of " + JOBS + ", got '" + entry.job() + "'");
        }
        String expression = entry.cron().strip();
        // The classic five-field form has no seconds: it runs at second 0.
        String spring = expression.split("\\s+").length == 5 ? "0 " + expression : expression;
        try {
            return new Scheduler.Entry(entry.job(),
                    CronExpression.parse(spring), expression);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".cron", "a cron expression in UTC of six fields (second minute hour "
                    + "day-of-month month day-of-week, e.g. '0 */10 * * * *'), five (minute first) or a macro "
                    + "(@hourly, @daily, @weekly, ...), got '" + expression + "': " + e.getMessage());
        }
    }

    /** The schedules to run, parsed; empty if none are configured. */
    public List<Scheduler.Entry> scheduleEntries() {
        List<Scheduler.Entry> entries = new ArrayList<>();
        for (int i = 0; schedules != null && i < schedules.size(); i++) {
            entries.add(scheduleEntry(schedules.get(i), "schedules[" + i + "]"));
        }
        return entries;
    }

    /** The archive folder {@code dir} as allowed by {@code roots.input}; {@code key} names where it came from. */
    public Path confineInput(Path dir, String key) {
        return confine(dir, key, roots == null ? null : roots.input(), "roots.input");
    }

    /** The work folder {@code dir} as allowed by {@code roots.work}; {@code key} names where it came from. */
    public Path confineWork(Path dir, String key) {
        return confine(dir, key, roots == null ? null : roots.work(), "roots.work");
    }

    /**
     * {@code path} (relative ones against the current folder) as the file system resolves it: {@code ..} and every
     * symbolic link of its existing part followed. With a root configured (resolved alike) it must lie inside it: a
     * {@code ..} that climbs out, a link that points out or an absolute path elsewhere is an error.
     */
    private static Path confine(Path path, String key, String root, String rootKey) {
        Path resolved = resolved(path);
        if (root != null) {
            Path base = resolved(Path.of(root));
            if (!resolved.startsWith(base)) {
                throw new ConfigException(key, "a path inside " + rootKey + " (" + base + "), got " + path
                        + (resolved.equals(path) ? "" : " (" + resolved + ")"));
            }
        }
        return resolved;
    }

    /** The real path of {@code path}'s longest existing part, then the rest (not made yet) as given, normalised. */
    static Path resolved(Path path) {
        Path absolute = path.toAbsolutePath();
        Path existing = absolute;
        while (existing != null && !Files.exists(existing)) {
            existing = existing.getParent();
        }
        if (existing == null) {
            return absolute.normalize();
        }
        try {
            return existing.toRealPath().resolve(existing.relativize(absolute)).normalize();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot resolve " + path, e);
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

    /**
     * This configuration reading the archive's files by {@code pattern} with {@code reader} (command-line
     * overrides; null or empty keeps the configured one). A reader the {@code input.options} do not suit is an error.
     */
    public GridcastConfig withInput(String pattern, String reader) {
        boolean newPattern = pattern != null && !pattern.isEmpty();
        boolean newReader = reader != null && !reader.isEmpty();
        if (!newPattern && !newReader) {
            return this;
        }
        GridcastConfig changed = new GridcastConfig(new Input(input.dir(), input.variable(),
                newPattern ? pattern : input.pattern(), newReader ? reader : input.reader(), input.options(),
                input.settleTime(), input.temporaryNames()), spark,
                variables, staticLayers, regions, windows, models, forecast, report, schedules, roots);
        try {
            changed.reader().create();
        } catch (IllegalArgumentException e) {
            throw new ConfigException("--reader", "a reader and settings it knows: " + e.getMessage());
        }
        return changed;
    }

    public String pattern() {
        return input.pattern() == null ? "*.nc" : input.pattern();
    }

    /** The configured reader with its settings, nested keys joined with dots ({@code zr: {a: 200}} is {@code zr.a}). */
    public ReaderSpec reader() {
        Map<String, String> options = new TreeMap<>();
        flatten("", input.options() == null ? Map.of() : input.options(), options);
        return ReaderSpec.of(input.reader() == null ? "cf-netcdf" : input.reader(), options);
    }

    private static void flatten(String prefix, Map<?, ?> map, Map<String, String> into) {
        map.forEach((key, value) -> {
            if (value instanceof Map<?, ?> nested) {
                flatten(prefix + key + ".", nested, into);
            } else {
                into.put(prefix + key, String.valueOf(value));
            }
        });
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

    /**
     * The configured region {@code name} fitted onto the data grid: a box outside the grid's extent or a cell size
     * that is no whole multiple of its spacing is an error naming the region's key. Only known once the data are
     * ingested, so not part of {@link ConfigLoader#load}; see {@link ConfigLoader#check}.
     */
    public RegionGrid regionGrid(String name, Grid grid) {
        RegionEntry entry = regionEntry(name);
        String key = "regions[" + regions.indexOf(entry) + "]";
        Region region;
        try {
            region = RegionGrid.onGrid(region(entry), grid);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".box", "a box inside the data grid; " + e.getMessage());
        }
        if (!RegionGrid.inside(region, grid)) {
            throw new ConfigException(key + ".box", "a box inside the data grid's extent x [" + grid.x().min() + ", "
                    + grid.x().max() + "] y [" + grid.y().min() + ", " + grid.y().max() + "] " + grid.x().units()
                    + " (cell centres), got x [" + region.xMin() + ", " + region.xMax() + "] y [" + region.yMin() + ", "
                    + region.yMax() + "] for region '" + name + "'");
        }
        try {
            return RegionGrid.of(region(entry), grid);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    private static Region region(RegionEntry r) {
        Box b = r.box();
        return b.lonLat() ? new Region(r.name(), b.lonMin(), b.lonMax(), b.latMin(), b.latMax(), r.cellSize(), true)
                : new Region(r.name(), b.xMin(), b.xMax(), b.yMin(), b.yMax(), r.cellSize());
    }

    /**
     * The static layers of a region: its own {@code static_layers} if it has them, else the top-level list (empty
     * when neither is configured). Load them onto a data grid with {@link StaticLayers#load}, keys as
     * {@link #staticLayersKey}.
     */
    public List<StaticLayerSpec> staticLayers(String region) {
        RegionEntry entry = regionEntry(region);
        List<StaticLayerEntry> layers = entry.staticLayers() != null ? entry.staticLayers() : staticLayers;
        return layers == null ? List.of() : specs(layers);
    }

    /** The configuration key of a region's static layers, for error messages. */
    public String staticLayersKey(String region) {
        int i = regions.indexOf(regionEntry(region));
        return regions.get(i).staticLayers() != null ? "regions[" + i + "].static_layers" : "static_layers";
    }

    private RegionEntry regionEntry(String name) {
        return regions.stream().filter(r -> r.name().equals(name)).findFirst().orElseThrow(() ->
                new ConfigException("regions", "a region named '" + name + "'; configured: "
                        + regions.stream().map(RegionEntry::name).toList()));
    }

    public WindowSpec windowSpec() {
        WindowSpec defaults = WindowSpec.of(windows.in(), windows.out());
        if (windows.splits() != null && (windows.train() != null || windows.validation() != null)) {
            throw new ConfigException("windows.splits", "either split periods or the train and validation fractions,"
                    + " not both");
        }
        return new WindowSpec(windows.in(), windows.out(), orElse(windows.stride(), defaults.stride()),
                orElse(windows.maxMissing(), defaults.maxMissing()), orElse(windows.train(), defaults.trainFraction()),
                orElse(windows.validation(), defaults.validationFraction()), periods(),
                orElse(windows.augment(), List.of()), orElse(windows.cacheFrames(), defaults.cacheFrames()),
                orElse(windows.shardFrames(), defaults.shardFrames()), orElse(windows.prefetch(),
                defaults.prefetchBatches()), orElse(windows.shuffleShards(), defaults.shuffleShards()));
    }

    private List<SplitPeriod> periods() {
        if (windows.splits() == null) {
            return List.of();
        }
        List<SplitPeriod> periods = new ArrayList<>();
        windows.splits().forEach((name, ends) -> {
            String key = "windows.splits." + name;
            if (ends == null || ends.size() != 2) {
                throw new ConfigException(key, "[first, last] as two ISO times, e.g. [2020-10-31T00:00:00Z,"
                        + " 2020-10-31T08:00:00Z], got " + ends);
            }
            try {
                periods.add(new SplitPeriod(name, Instant.parse(ends.get(0)), Instant.parse(ends.get(1))));
            } catch (DateTimeParseException e) {
                throw new ConfigException(key, "ISO times like 2020-10-31T00:00:00Z, got " + ends);
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key, e.getMessage());
            }
        });
        return periods;
    }

    /** The dynamic input variables of a run forecasting {@code variable}: {@code windows.inputs}, target first. */
    public List<String> inputs(String variable) {
        if (windows.inputs() == null) {
            return List.of(variable);
        }
        if (!windows.inputs().get(0).equals(variable)) {
            throw new ConfigException("windows.inputs", "the forecast variable '" + variable + "' first, got "
                    + windows.inputs());
        }
        return windows.inputs();
    }

    /** A ConvLSTM's {@code loss}: a known one, and {@code balanced} only for a rain rate (its weights are in mm/h). */
    private void validateLoss(ModelEntry m, String key) {
        NowcastLoss loss;
        try {
            loss = NowcastLoss.of(m.loss());
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key + ".loss", e.getMessage());
        }
        if (!m.type().equals(ConvLstmNowcaster.TYPE)) {
            throw new ConfigException(key + ".loss", "no loss for type '" + m.type() + "' (only " + ConvLstmNowcaster.TYPE
                    + " has a configurable loss), got '" + m.loss() + "'");
        }
        String units = units(input.variable());
        if (loss == NowcastLoss.BALANCED && units != null) {
            try {
                // Only whether the units qualify is checked here; the archive's step scales amounts in training.
                NowcastLoss.mmPerHour(units, Duration.ofHours(1));
            } catch (IllegalArgumentException e) {
                throw new ConfigException(key + ".loss", "precipitation units in variables." + input.variable()
                        + ".units for 'balanced' (HKO-7 weights at 0.5, 2, 5, 10, 30 mm/h): " + e.getMessage());
            }
        }
    }

    /**
     * An ONNX variant's file (confined to {@code roots.input} like the archive, and there), layout, leads (at least
     * {@code windows.out}) and its channels' own transforms. Whether the model fits the region's windows is checked
     * when it is loaded, once the region's grid is known.
     */
    private OnnxSpec onnxSpec(ModelEntry m, String key) {
        require(m.file(), key + ".file");
        require(m.layout(), key + ".layout");
        require(m.layout().input(), key + ".layout.input");
        require(m.layout().output(), key + ".layout.output");
        require(m.leads(), key + ".leads");
        Path file = confineInput(Path.of(m.file()), key + ".file");
        if (!Files.isRegularFile(file)) {
            throw new ConfigException(key + ".file", "an ONNX model file, got " + m.file() + " (no such file)");
        }
        if (m.leads() < windows.out()) {
            throw new ConfigException(key + ".leads", "at least windows.out = " + windows.out() + " leads, got "
                    + m.leads());
        }
        Map<String, ChannelTransform> transforms = new TreeMap<>();
        if (m.transforms() != null) {
            m.transforms().forEach((channel, t) -> transforms.put(channel,
                    channelTransform(t, key + ".transforms." + channel)));
        }
        try {
            return new OnnxSpec(file.toString(), m.layout().input(), m.layout().output(), m.leads(), transforms);
        } catch (IllegalArgumentException e) {
            throw new ConfigException(key, e.getMessage());
        }
    }

    /** A channel's transform with the statistics its method needs given, e.g. mean and std to standardise. */
    private static ChannelTransform channelTransform(TransformEntry t, String key) {
        require(t, key);
        require(t.method(), key + ".method");
        if (!Transforms.names().contains(t.method())) {
            throw new ConfigException(key + ".method", "one of " + Transforms.names() + ", got '" + t.method() + "'");
        }
        Map<String, List<String>> needs = Map.of("standardise", List.of("mean", "std"), "min-max",
                List.of("min", "max"), "db", List.of("rain_threshold", "mean", "std"), "none", List.of());
        Map<String, Double> given = new TreeMap<>();
        given.put("rain_threshold", t.rainThreshold());
        given.put("mean", t.mean());
        given.put("std", t.std());
        given.put("min", t.min());
        given.put("max", t.max());
        for (String statistic : needs.get(t.method())) {
            require(given.get(statistic), key + "." + statistic);
        }
        if (t.std() != null && !(t.std() > 0) || t.rainThreshold() != null && !(t.rainThreshold() > 0)) {
            throw new ConfigException(key, "a positive std and rain_threshold, got " + t.std() + " and "
                    + t.rainThreshold());
        }
        // A statistic the method does not use is NaN: it changes nothing (a NaN min clips no negative values).
        return new ChannelTransform(t.method(), orElse(t.rainThreshold(), 0.0), new Statistics(0,
                orElse(t.mean(), Double.NaN), orElse(t.std(), Double.NaN), orElse(t.min(), Double.NaN),
                orElse(t.max(), Double.NaN), Double.NaN, Double.NaN, Double.NaN));
    }

    /** How {@code variable} becomes model units: {@code variables.<name>.transform}, standardise by default. */
    public TransformSpec transform(String variable) {
        Variable v = variables == null ? null : variables.get(variable);
        if (v == null || v.transform() == null) {
            if (v != null && v.rainThreshold() != null) {
                throw new ConfigException("variables." + variable + ".rain_threshold", "only with transform: db");
            }
            return TransformSpec.STANDARDISE;
        }
        String key = "variables." + variable + ".rain_threshold";
        if (v.rainThreshold() != null && !"db".equals(v.transform())) {
            throw new ConfigException(key, "only with transform: db");
        }
        return new TransformSpec(v.transform(), v.rainThreshold() == null ? 0
                : v.rainThreshold().in(v.units(), key, "variables." + variable + ".units"));
    }

    /** The units {@code variable} must have, or null when none are configured (files must then agree). */
    public String units(String variable) {
        Variable v = variables == null ? null : variables.get(variable);
        return v == null ? null : v.units();
    }

    /**
     * Thresholds for categorical scores of {@code variable} in its configured units; none configured means none
     * computed.
     */
    public List<Double> thresholds(String variable) {
        Variable v = variables == null ? null : variables.get(variable);
        if (v == null || v.thresholds() == null) {
            return List.of();
        }
        List<Double> values = new ArrayList<>();
        for (int i = 0; i < v.thresholds().size(); i++) {
            String key = "variables." + variable + ".thresholds[" + i + "]";
            require(v.thresholds().get(i), key);
            values.add(v.thresholds().get(i).in(v.units(), key, "variables." + variable + ".units"));
        }
        return values;
    }

    /**
     * The rank histogram's {@code X_min} for {@code variable} in its configured units; minus infinity (every cell
     * counts) unless configured.
     */
    public double rankHistogramMin(String variable) {
        Variable v = variables == null ? null : variables.get(variable);
        if (v == null || v.rankHistogramMin() == null) {
            return Double.NEGATIVE_INFINITY;
        }
        return v.rankHistogramMin().in(v.units(), "variables." + variable + ".rank_histogram_min",
                "variables." + variable + ".units");
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

    /** The block the report verifies: {@code test} unless configured. */
    public String reportSplit() {
        return report == null || report.split() == null ? REPORT_SPLITS.get(0) : report.split();
    }

    /** The model variants, each's epochs capped by {@link #MAX_EPOCHS} when it is set. */
    public List<ModelSpec> modelSpecs() {
        return modelSpecs(System.getenv(MAX_EPOCHS));
    }

    List<ModelSpec> modelSpecs(String maxEpochs) {
        int cap = epochCap(maxEpochs);
        List<ModelSpec> specs = new ArrayList<>();
        for (ModelEntry m : models) {
            specs.add(new ModelSpec(m.name(), m.type(), orElse(m.hidden(), List.of(16)), orElse(m.kernel(), 3),
                    orElse(m.filters(), List.of(8, 16)), Math.min(orElse(m.epochs(), 3), cap), orElse(m.batchSize(), 8),
                    orElse(m.learningRate(), 1e-3), orElse(m.seed(), 42L),
                    m.lrSchedule() == null ? LearningRateSchedule.CONSTANT : schedule(m.lrSchedule()),
                    orElse(m.patience(), 0), orElse(m.minDelta(), 0.0), orElse(m.checkpointEvery(), 1),
                    orElse(m.peephole(), false), orElse(m.patch(), 1), orElse(m.loss(), NowcastLoss.MSE.key()),
                    orElse(m.residual(), false), orElse(m.postprocess(), PostProcessing.NONE),
                    orElse(m.members(), m.type().equals(ModelVariants.ADVECTION_ENSEMBLE) ? DEFAULT_MEMBERS : 1),
                    perturbation(m.perturbation()),
                    ModelVariants.isExternal(m.type()) ? onnxSpec(m, "models[" + models.indexOf(m) + "]") : null));
        }
        return specs;
    }

    private static io.gridcast.models.nowcasts.Perturbation perturbation(Perturbation p) {
        io.gridcast.models.nowcasts.Perturbation d = io.gridcast.models.nowcasts.Perturbation.DEFAULT;
        return p == null ? d : new io.gridcast.models.nowcasts.Perturbation(orElse(p.motion(), d.motion()),
                orElse(p.noise(), d.noise()), orElse(p.scale(), d.scale()), orElse(p.inflow(), d.inflow()),
                orElse(p.newRain(), d.newRain()), orElse(p.rainScale(), d.rainScale()));
    }

    private static int epochCap(String maxEpochs) {
        if (maxEpochs == null || maxEpochs.isBlank()) {
            return Integer.MAX_VALUE;
        }
        try {
            int cap = Integer.parseInt(maxEpochs.strip());
            if (cap >= 1) {
                return cap;
            }
        } catch (NumberFormatException e) {
            // reported below
        }
        throw new IllegalArgumentException("environment variable " + MAX_EPOCHS + ": expected a whole number of "
                + "epochs, 1 or more, got '" + maxEpochs + "'");
    }

    private static LearningRateSchedule schedule(LrSchedule s) {
        return new LearningRateSchedule(s.type(), orElse(s.factor(), 0.5), orElse(s.patience(), 2),
                orElse(s.minRate(), 0.0));
    }

    /** When a file of the archive counts as still being written: {@code input.settle_time}, {@code input.temporary_names}. */
    public FrameIngest.Arrival arrival() {
        FrameIngest.Arrival defaults = FrameIngest.Arrival.DEFAULT;
        return new FrameIngest.Arrival(input.settleTime() == null ? defaults.settleTime()
                : duration(input.settleTime(), "input.settle_time"),
                input.temporaryNames() == null ? defaults.temporaryNames() : input.temporaryNames());
    }

    /**
     * The oldest the newest frame may be for the {@code forecast} job to forecast ({@code forecast.max_data_age}):
     * empty when {@code off}; unset, {@code steps} of the model's time {@code step}.
     */
    public Optional<Duration> maxDataAge(Duration step) {
        String age = forecast == null ? null : forecast.maxDataAge();
        if (age == null) {
            return Optional.of(step.multipliedBy(DATA_AGE_STEPS));
        }
        return age.equals("off") ? Optional.empty() : Optional.of(duration(age, "forecast.max_data_age"));
    }

    /** Time steps the newest frame may be old when {@code forecast.max_data_age} is not set. */
    public static final int DATA_AGE_STEPS = 3;

    private static Duration duration(String text, String key) {
        try {
            Duration d = Duration.parse(text);
            if (!d.isNegative()) {
                return d;
            }
        } catch (DateTimeParseException e) {
            // the message below says what was expected
        }
        throw new ConfigException(key, "an ISO-8601 duration of 0 or more such as PT30M"
                + (key.equals("forecast.max_data_age") ? " or off" : "") + ", got '" + text + "'");
    }

    /** The forecast job's model selector ({@code forecast.model}); {@code all} unless configured. */
    public String forecastModel() {
        return forecast == null || forecast.model() == null ? "all" : forecast.model();
    }

    /** The variant named {@code name}; a run restarted after the configuration changed may no longer find it. */
    public ModelSpec modelSpec(String name, Path file) {
        return modelSpecs().stream().filter(s -> s.name().equals(name)).findFirst()
                .orElseThrow(() -> new IllegalArgumentException("model variant '" + name + "' is no longer in " + file));
    }

    private static <T> T orElse(T value, T fallback) {
        return value == null ? fallback : value;
    }
}
