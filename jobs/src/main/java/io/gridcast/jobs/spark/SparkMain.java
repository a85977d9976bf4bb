package io.gridcast.jobs.spark;

import io.gridcast.features.Region;
import io.gridcast.features.RegionFeatures;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.jobs.batch.RunSettings;
import io.gridcast.jobs.batch.StageSupport;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.registry.ModelRegistry;
import io.gridcast.models.training.Training;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/**
 * The entry point of the application jar for {@code spark-submit} (build it with {@code mvn -Pspark-app package}):
 * the stages that run on whatever cluster spark-submit names, without Spring or the job repository.
 * <pre>spark-submit --class io.gridcast.jobs.spark.SparkMain gridcast-spark.jar [--stages ingest,features,train]
 *     CONFIG INPUT_DIR WORK_DIR [VARIABLE]</pre>
 * Executors read the archive and (training) the features and model registry, so INPUT_DIR and WORK_DIR must be at
 * the same path on every worker (a shared file system).
 */
@Command(name = "gridcast-spark", mixinStandardHelpOptions = true,
        description = "Runs gridcast stages on the Spark cluster spark-submit names.")
public final class SparkMain implements Callable<Integer> {

    private static final Logger log = LoggerFactory.getLogger(SparkMain.class);

    /** One stage on the cluster, of one application run (which keeps what a later stage reuses). */
    @FunctionalInterface
    interface Stage {
        void run(SparkMain run, SparkSession spark, GridcastConfig config, RunSettings settings) throws IOException;
    }

    /** The stages by name, in the order they run when several are given. */
    static final Map<String, Stage> STAGES = new LinkedHashMap<>();

    static {
        STAGES.put("ingest", SparkMain::ingest);
        STAGES.put("features", SparkMain::features);
        STAGES.put("train", SparkMain::train);
    }

    @Option(names = "--stages", split = ",", defaultValue = "ingest,features",
            description = "stages to run, of ingest, features, train (default: ${DEFAULT-VALUE})")
    List<String> stages;

    @Parameters(index = "0", description = "the YAML configuration")
    Path config;

    @Parameters(index = "1", description = "the archive folder, visible to every worker")
    Path input;

    @Parameters(index = "2", description = "the work folder, visible to every worker")
    Path work;

    @Parameters(index = "3", arity = "0..1", description = "the variable (default: input.variable)")
    String variable;

    /** Each region's features, prepared once: {@code features,train} must not fit the transforms twice. */
    private final Map<String, RegionFeatures> prepared = new HashMap<>();

    private SparkMain() {
    }

    public static void main(String[] args) {
        // A bad configuration or folder is one line naming the file and key (exit code 2), as with ./gridcast.
        System.exit(new CommandLine(new SparkMain()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            cmd.getErr().println("gridcast: " + e.getMessage());
            if (!(e instanceof IllegalArgumentException)) {
                e.printStackTrace(cmd.getErr());
            }
            return e instanceof IllegalArgumentException ? 2 : 1;
        }).execute(args));
    }

    @Override
    public Integer call() throws IOException {
        for (String stage : stages) {
            if (!STAGES.containsKey(stage)) {
                throw new CommandLine.ParameterException(new CommandLine(this), "--stages: expected some of "
                        + STAGES.keySet() + ", got '" + stage + "'");
            }
        }
        GridcastConfig loaded = ConfigLoader.load(config);
        Path inputDir = loaded.confineInput(input, "INPUT_DIR");
        Path workDir = loaded.confineWork(work, "WORK_DIR");
        RunSettings settings = new RunSettings(config, inputDir, variable != null ? variable : loaded.input().variable(),
                workDir, RunSettings.newRunName(), List.of(), null, null, null);
        // spark-submit sets the master; the configuration's spark.settings still apply.
        SparkSession.Builder builder = SparkSession.builder().appName("gridcast")
                .config("spark.sql.session.timeZone", "UTC");
        loaded.sparkSettings().forEach(builder::config);
        SparkSession spark = builder.getOrCreate();
        try {
            for (Map.Entry<String, Stage> stage : STAGES.entrySet()) {
                if (stages.contains(stage.getKey())) {
                    stage.getValue().run(this, spark, loaded, settings);
                }
            }
        } finally {
            spark.stop();
        }
        return 0;
    }

    private void ingest(SparkSession spark, GridcastConfig config, RunSettings settings) {
        for (String inputVariable : config.inputs(settings.variable())) {
            FrameIngest.Summary summary = FrameIngest.run(spark, new FrameIngest.Request(settings.requireInput(),
                    config.pattern(), inputVariable, config.reader().withWorkDefaults(settings.workDir()),
                    settings.catalogDir(inputVariable), config.units(inputVariable)), config.arrival());
            System.out.println("gridcast: ingest " + summary.describe() + "; catalog in " + settings.catalogDir(inputVariable));
        }
    }

    private void features(SparkSession spark, GridcastConfig config, RunSettings settings) throws IOException {
        FrameCatalog catalog = FrameCatalog.load(spark, settings.catalogDir());
        for (Region region : config.regionList()) {
            RegionFeatures features = regionFeatures(spark, config, settings, catalog, region);
            log.info("features {}: channels {}", region.name(), features.channels());
            System.out.println("gridcast: features of region " + region.name() + ": " + features.channels());
        }
    }

    /**
     * One Spark task per region x model variant (as the train job's partitions), each training its variant from
     * the region's shards and saving it in the model registry. Every task saves the version of one training time
     * chosen here, so a task rerun after its executor was lost resumes from the checkpoints and ends in the same
     * registry (see {@link Training#trainAs}).
     */
    private void train(SparkSession spark, GridcastConfig config, RunSettings settings) throws IOException {
        FrameCatalog catalog = FrameCatalog.load(spark, settings.catalogDir());
        ModelRegistry registry = new ModelRegistry(settings.modelsDir());
        List<TrainTask> tasks = new ArrayList<>();
        for (Region region : config.regionList()) {
            RegionFeatures features = regionFeatures(spark, config, settings, catalog, region);
            List<String> untrained = new ArrayList<>();
            for (ModelSpec spec : config.modelSpecs()) {
                if (ModelVariants.isTrainable(spec.type()) && !features.plan().trainable()) {
                    untrained.add(spec.name());
                } else {
                    tasks.add(new TrainTask(features, spec, catalog.description(), settings.modelsDir().toString(), null));
                }
            }
            if (!untrained.isEmpty()) {
                System.out.println("gridcast: train: not trained in region " + region.name() + ": "
                        + String.join(", ", untrained) + ": " + features.plan().choice());
            }
        }
        if (tasks.isEmpty()) {
            return;
        }
        Instant trainedAt = Instant.now().truncatedTo(ChronoUnit.SECONDS);
        while (newVersionTaken(registry, tasks, trainedAt)) {
            trainedAt = trainedAt.plusSeconds(1);
        }
        Instant version = trainedAt;
        List<TrainTask> timed = tasks.stream().map(t -> t.at(version)).toList();
        JavaSparkContext jsc = JavaSparkContext.fromSparkContext(spark.sparkContext());
        List<String> trained = jsc.parallelize(timed, timed.size()).map(TrainTask::run).collect();
        trained.forEach(line -> System.out.println("gridcast: train " + line));
    }

    private RegionFeatures regionFeatures(SparkSession spark, GridcastConfig config, RunSettings settings,
                                          FrameCatalog catalog, Region region) throws IOException {
        RegionFeatures features = prepared.get(region.name());
        if (features == null) {
            features = StageSupport.prepare(spark, settings, config, catalog, region);
            prepared.put(region.name(), features);
        }
        return features;
    }

    private static boolean newVersionTaken(ModelRegistry registry, List<TrainTask> tasks, Instant trainedAt) {
        String version = ModelRegistry.version(trainedAt);
        return tasks.stream().anyMatch(t -> registry.versions(t.region(), t.spec().name()).contains(version));
    }

    /** One region model, trained in a Spark task. */
    record TrainTask(RegionFeatures features, ModelSpec spec, FrameCatalog.Description data, String modelsDir,
                     Instant trainedAt) implements Serializable {

        String region() {
            return features.regionGrid().region().name();
        }

        TrainTask at(Instant time) {
            return new TrainTask(features, spec, data, modelsDir, time);
        }

        String run() {
            MDC.put("region", region());
            MDC.put("model", spec.name());
            try {
                ModelMetadata m = Training.trainAs(features, spec, data, new ModelRegistry(Path.of(modelsDir)), trainedAt);
                return m.region() + "/" + m.variant() + " version " + m.version() + ", validation MSE "
                        + String.format("%.5f", m.validationMse());
            } finally {
                MDC.remove("region");
                MDC.remove("model");
            }
        }
    }
}
