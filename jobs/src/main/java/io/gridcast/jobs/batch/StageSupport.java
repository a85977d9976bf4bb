package io.gridcast.jobs.batch;

import io.gridcast.features.DynamicInput;
import io.gridcast.features.LatestInputs;
import io.gridcast.features.Region;
import io.gridcast.features.RegionFeatures;
import io.gridcast.features.RegionGrid;
import io.gridcast.features.StaticChannel;
import io.gridcast.features.TransformSpec;
import io.gridcast.features.WindowSpec;
import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.statics.StaticField;
import io.gridcast.ingest.statics.StaticLayerSpec;
import io.gridcast.ingest.statics.StaticLayers;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.registry.ModelRegistry;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.registry.ModelRegistry;
import java.io.IOException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.stereotype.Component;

/** What every stage after ingest starts from: the run's settings, its catalog and a region's features. */
@Component
public class StageSupport {

    private final SparkProvider spark;
    private final Map<FeaturesKey, CachedFeatures> featuresCache = new HashMap<>();

    private record FeaturesKey(Region region, WindowSpec spec, List<String> inputs, List<TransformSpec> transforms,
                               List<StaticLayerSpec> staticLayers) {
    }

    private record CachedFeatures(List<FrameCatalog.Description> data, List<List<CatalogEntry>> entries,
                                  RegionFeatures features) {
    }

    public StageSupport(SparkProvider spark) {
        this.spark = spark;
    }

    public RunSettings settings(ChunkContext context) {
        return RunSettings.from(context.getStepContext().getStepExecution().getJobParameters());
    }

    public SparkSession spark(GridcastConfig config) {
        return spark.session(config);
    }

    public FrameCatalog catalog(RunSettings settings, GridcastConfig config) {
        return FrameCatalog.load(spark(config), settings.catalogDir());
    }

    /**
     * A region's features, prepared once per catalog content: the train partitions, forecast and report of a
     * cycle share the transforms and the shards already written; a changed catalog prepares them anew. The
     * forecast variable's catalog is {@code catalog}; other {@code windows.inputs} are read from their own.
     */
    public synchronized RegionFeatures features(RunSettings settings, GridcastConfig config, FrameCatalog catalog,
                                                Region region) throws IOException {
        List<DynamicInput> dynamic = dynamicInputs(spark(config), settings, config, catalog);
        FeaturesKey key = new FeaturesKey(region, config.windowSpec(), config.inputs(settings.variable()),
                dynamic.stream().map(DynamicInput::transform).toList(), config.staticLayers(region.name()));
        List<FrameCatalog.Description> data = dynamic.stream().map(d -> d.catalog().description()).toList();
        List<List<CatalogEntry>> entries = dynamic.stream().map(d -> d.catalog().entries()).toList();
        CachedFeatures cached = featuresCache.get(key);
        if (cached == null || !cached.data().equals(data) || !cached.entries().equals(entries)) {
            cached = new CachedFeatures(data, entries, prepare(spark(config), settings, config, dynamic, region));
            featuresCache.put(key, cached);
        }
        return cached.features();
    }

    /**
     * A region's features without caching, for callers outside Spring (spark-submit): the dynamic inputs, every
     * {@code windows.inputs} variable from its own catalog, then the region's static layers as channels.
     */
    public static RegionFeatures prepare(SparkSession spark, RunSettings settings, GridcastConfig config,
                                         FrameCatalog catalog, Region region) throws IOException {
        return prepare(spark, settings, config, dynamicInputs(spark, settings, config, catalog), region);
    }

    private static RegionFeatures prepare(SparkSession spark, RunSettings settings, GridcastConfig config,
                                          List<DynamicInput> dynamic, Region region) throws IOException {
        ConfigLoader.check(settings.configFile(), () -> config.regionGrid(region.name(),
                dynamic.get(0).catalog().description().grid()));
        List<StaticChannel> statics = staticChannels(settings, config, dynamic.get(0).catalog(), region);
        return RegionFeatures.prepare(spark, dynamic, statics, region, config.windowSpec(),
                settings.featuresDir().resolve(region.name()));
    }

    /** The forecast variable's catalog is {@code catalog}; other {@code windows.inputs} are read from their own. */
    private static List<DynamicInput> dynamicInputs(SparkSession spark, RunSettings settings, GridcastConfig config,
                                                    FrameCatalog catalog) {
        List<DynamicInput> dynamic = new ArrayList<>();
        for (String variable : config.inputs(settings.variable())) {
            FrameCatalog c = variable.equals(settings.variable()) ? catalog
                    : FrameCatalog.load(spark, settings.catalogDir(variable));
            dynamic.add(new DynamicInput(c, config.transform(variable)));
        }
        return dynamic;
    }

    /**
     * A region's static layers ({@code static_layers} of the region, else of the configuration) on the catalog's
     * data grid, in configuration order: regridded once per grid and cached in {@link RunSettings#staticDir()},
     * read from there afterwards. Empty when none are configured. The fields cover the whole data grid; a
     * region's cells are cut from them like its frames.
     */
    public static List<StaticField> staticFields(RunSettings settings, GridcastConfig config, FrameCatalog catalog,
                                                 Region region) throws IOException {
        return StaticLayers.load(config.staticLayers(region.name()), catalog.description().grid(), settings.staticDir(),
                config.staticLayersKey(region.name()));
    }

    /** The catalogs of every {@code windows.inputs} variable, the forecast variable first, each loaded from its folder. */
    public List<FrameCatalog> inputCatalogs(RunSettings settings, GridcastConfig config) {
        return config.inputs(settings.variable()).stream()
                .map(variable -> FrameCatalog.load(spark(config), settings.catalogDir(variable))).toList();
    }

    /**
     * A trained model's inputs: the {@code frames} found in the newest times of the {@code windows.inputs} catalogs
     * ({@code catalog} the forecast variable's), read, and the region's static layers: no window plan, so a catalog
     * of only the last hours is enough. The region is the one the model was trained on, and must fall on the same
     * cells of the catalog's grid.
     */
    public static LatestInputs latestInputs(RunSettings settings, GridcastConfig config, FrameCatalog catalog,
                                            LatestInputs.Frames frames, ModelMetadata metadata) throws IOException {
        RegionGrid regionGrid = RegionGrid.of(metadata.regionBox(), catalog.description().grid());
        if (!regionGrid.grid().y().equals(metadata.grid().y()) || !regionGrid.grid().x().equals(metadata.grid().x())) {
            throw new IllegalArgumentException("model " + metadata.region() + "/" + metadata.variant() + "@"
                    + metadata.version() + " was trained on the grid " + metadata.grid().describe() + "; the catalog "
                    + settings.catalogDir() + " gives the region " + regionGrid.grid().describe()
                    + ": train again on this archive's grid");
        }
        return frames.read(staticChannels(settings, config, catalog, metadata.regionBox()), regionGrid,
                metadata.channels());
    }

    private static List<StaticChannel> staticChannels(RunSettings settings, GridcastConfig config,
                                                      FrameCatalog catalog, Region region) throws IOException {
        return staticFields(settings, config, catalog, region).stream()
                .map(f -> new StaticChannel(f.name(), f.values(), f.categorical())).toList();
    }

    /** What a stage does with one trained variant of one region. */
    @FunctionalInterface
    public interface VariantAction {
        void apply(RegionFeatures features, ModelMetadata metadata, Nowcaster model) throws IOException;
    }

    /** Runs {@code action} on the latest version of every configured variant of every selected region. */
    public void forEachTrainedVariant(RunSettings settings, GridcastConfig config, FrameCatalog catalog,
                                      VariantAction action) throws IOException {
        ModelRegistry registry = new ModelRegistry(settings.modelsDir());
        for (Region region : settings.regions(config)) {
            RegionFeatures features = features(settings, config, catalog, region);
            for (ModelMetadata metadata : registry.select(region.name(), "all",
                    usableVariants(config, registry, features))) {
                action.apply(features, metadata, registry.load(metadata));
            }
        }
    }

    /**
     * The configured variants a region's models can be taken from: all of them, except trained variants that
     * have no saved model because the archive is too short to train them (the train job said why).
     */
    public static List<String> usableVariants(GridcastConfig config, ModelRegistry registry, RegionFeatures features) {
        String region = features.regionGrid().region().name();
        return config.modelSpecs().stream().filter(spec -> features.plan().trainable()
                        || !ModelVariants.isTrainable(spec.type()) || !registry.versions(region, spec.name()).isEmpty())
                .map(ModelSpec::name).toList();
    }
}
