package io.gridcast.jobs.batch;

import io.gridcast.features.RegionFeatures;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.ops.RunLocks;
import io.gridcast.models.forecasting.Forecasting;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.registry.ModelRegistry;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code forecast} job: for every region and the models {@code --model} or {@code forecast.model} selects
 * (every configured variant by default, or the best, or a named one), the newest frames go through the trained
 * model and the lead grids are written as CF NetCDF under {@code forecasts/<region>/<variant>/}.
 */
@Configuration
public class ForecastJobConfig {

    private static final Logger log = LoggerFactory.getLogger(ForecastJobConfig.class);

    @Bean
    public Step forecastPartitionStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("forecast-partition", repository).tasklet((contribution, context) ->
                Partitions.run(context, "forecast", (settings, config, region, variant) -> {
                    FrameCatalog catalog = stages.catalog(settings, config);
                    ModelRegistry registry = new ModelRegistry(settings.modelsDir());
                    RegionFeatures features = stages.features(settings, config, catalog, config.region(region));
                    List<String> variants = StageSupport.usableVariants(config, registry, features);
                    if (!variants.contains(variant)) {
                        log.info("forecast {}/{}: no model: {}", region, variant, features.plan().choice());
                        return;
                    }
                    // forecast.model may select one version, or only the best variant of the region.
                    String selector = settings.forecastModel(config);
                    List<ModelMetadata> selected = registry.select(region, selector, variants).stream()
                            .filter(m -> m.variant().equals(variant)).toList();
                    if (selected.isEmpty()) {
                        log.info("forecast {}/{}: not selected by forecast.model '{}'", region, variant, selector);
                    }
                    for (ModelMetadata metadata : selected) {
                        Path file = Forecasting.forecast(features, metadata, registry.load(metadata),
                                settings.forecastsDir().resolve(region).resolve(variant),
                                config.thresholds(settings.variable()));
                        log.info("forecast {}/{}@{}: wrote {}", region, variant, metadata.version(), file);
                        contribution.incrementWriteCount(1);
                    }
                }), tx).build();
    }

    /** One partition per region x variant: a restart after a crash writes only the forecasts still missing. */
    @Bean
    public Step forecastStep(JobRepository repository, Step forecastPartitionStep, Partitioner regionsByVariants) {
        return new StepBuilder("forecast", repository)
                .partitioner("forecast-partition", regionsByVariants)
                .partitionHandler(Partitions.inOrder(forecastPartitionStep))
                .build();
    }

    @Bean
    public Job forecastJob(JobRepository repository, Step forecastStep, RunLocks locks) {
        return new JobBuilder("forecast", repository).listener(locks).start(forecastStep).build();
    }
}
