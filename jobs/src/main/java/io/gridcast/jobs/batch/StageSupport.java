package io.gridcast.jobs.batch;

import io.gridcast.features.Region;
import io.gridcast.features.RegionFeatures;
import io.gridcast.features.WindowSpec;
import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.ModelMetadata;
import io.gridcast.models.ModelRegistry;
import io.gridcast.models.ModelSpec;
import io.gridcast.models.Nowcaster;
import java.io.IOException;
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

    private record FeaturesKey(Region region, WindowSpec spec) {
    }

    private record CachedFeatures(FrameCatalog.Description data, List<CatalogEntry> entries, RegionFeatures features) {
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
     * cycle share the normalisation and the frames already read; a changed catalog prepares them anew.
     */
    public synchronized RegionFeatures features(GridcastConfig config, FrameCatalog catalog, Region region) {
        FeaturesKey key = new FeaturesKey(region, config.windowSpec());
        CachedFeatures cached = featuresCache.get(key);
        if (cached == null || !cached.data().equals(catalog.description()) || !cached.entries().equals(catalog.entries())) {
            cached = new CachedFeatures(catalog.description(), catalog.entries(),
                    RegionFeatures.prepare(spark(config), catalog, region, key.spec()));
            featuresCache.put(key, cached);
        }
        return cached.features();
    }

    /** What a stage does with one trained variant of one region. */
    @FunctionalInterface
    public interface VariantAction {
        void apply(RegionFeatures features, ModelMetadata metadata, Nowcaster model) throws IOException;
    }

    /** Runs {@code action} on the latest version of every configured variant of every selected region. */
    public void forEachTrainedVariant(RunSettings settings, GridcastConfig config, FrameCatalog catalog,
                                      VariantAction action) throws IOException {
        forEachSelectedModel(settings, config, catalog, "all", action);
    }

    /**
     * Runs {@code action} on the models {@code selector} names in every selected region, region by region (see
     * {@link ModelRegistry#select}).
     */
    public void forEachSelectedModel(RunSettings settings, GridcastConfig config, FrameCatalog catalog,
                                     String selector, VariantAction action) throws IOException {
        ModelRegistry registry = new ModelRegistry(settings.modelsDir());
        List<String> variants = config.modelSpecs().stream().map(ModelSpec::name).toList();
        for (Region region : settings.regions(config)) {
            RegionFeatures features = features(config, catalog, region);
            for (ModelMetadata metadata : registry.select(region.name(), selector, variants)) {
                action.apply(features, metadata, registry.load(metadata));
            }
        }
    }
}
