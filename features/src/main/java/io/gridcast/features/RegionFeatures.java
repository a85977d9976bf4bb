package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import java.util.List;
import org.apache.spark.sql.SparkSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Everything the models need of one region: its grid, its frames, the training-period normalisation and the
 * window plan. {@link #iterator} streams one split.
 */
public record RegionFeatures(RegionGrid regionGrid, RegionFrames frames, Normalisation normalisation, WindowPlan plan,
                             WindowShape shape) {

    private static final Logger log = LoggerFactory.getLogger(RegionFeatures.class);

    public static RegionFeatures prepare(SparkSession spark, FrameCatalog catalog, Region region, WindowSpec spec) {
        RegionGrid regionGrid = RegionGrid.of(region, catalog.description().grid());
        List<CatalogEntry> entries = catalog.entries();
        WindowPlan plan = spec.plan(entries, catalog.step());
        int firstTrainFrame = 0;
        while (entries.get(firstTrainFrame).time().isBefore(plan.train().first())) {
            firstTrainFrame++;
        }
        int lastTrainFrame = plan.train().starts().get(plan.train().starts().size() - 1) + spec.in() + spec.out();
        Normalisation normalisation = Normalisation.compute(spark, catalog, regionGrid,
                entries.subList(firstTrainFrame, lastTrainFrame));
        WindowShape shape = new WindowShape(spec.in(), spec.out(), 1, regionGrid.height(), regionGrid.width());
        log.info("features {}: {} on {}x{} cells, training mean {} std {} {}; {}", region.name(),
                catalog.description().variable(), shape.height(), shape.width(),
                String.format("%.4g", normalisation.mean()), String.format("%.4g", normalisation.std()),
                catalog.description().units(), plan.describe());
        return new RegionFeatures(regionGrid, new RegionFrames(catalog, regionGrid, spec.cacheFrames()), normalisation,
                plan, shape);
    }

    public WindowIterator iterator(WindowPlan.Split split, int batchSize, Long shuffleSeed) {
        return new WindowIterator(frames, normalisation, shape, split.starts(), batchSize, shuffleSeed);
    }
}
