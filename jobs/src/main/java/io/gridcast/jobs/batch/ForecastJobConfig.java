package io.gridcast.jobs.batch;

import io.gridcast.features.LatestInputs;
import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.jobs.ops.RunLocks;
import io.gridcast.models.forecasting.Forecasting;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.registry.ModelRegistry;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Optional;
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
 * (every trained variant by default, or the best, or a named one), the newest frames go through the trained
 * model and the lead grids are written as CF NetCDF under {@code forecasts/<region>/<variant>/}. It needs the
 * models and the newest frames only, so it runs on a live folder that holds the last hours.
 */
@Configuration
public class ForecastJobConfig {

    private static final Logger log = LoggerFactory.getLogger(ForecastJobConfig.class);

    /** The wall clock the newest frame's age is measured against; a bean, so that a test can set another. */
    @Bean
    public Clock clock() {
        return Clock.systemUTC();
    }

    @Bean
    public Step forecastPartitionStep(JobRepository repository, PlatformTransactionManager tx, JobCatalogs catalogs,
                                      Clock clock) {
        return new StepBuilder("forecast-partition", repository).tasklet((contribution, context) ->
                Partitions.run(context, "forecast", (settings, config, region, variant) -> {
                    List<FrameCatalog> inputs = catalogs.inputs(settings, config);
                    FrameCatalog catalog = inputs.get(0);
                    ModelRegistry registry = new ModelRegistry(settings.modelsDir());
                    // The models that exist, whatever the catalog holds now: a live folder of the last hours has no
                    // training period to plan.
                    List<String> variants = config.modelSpecs().stream().map(ModelSpec::name)
                            .filter(v -> !registry.versions(region, v).isEmpty()).toList();
                    if (variants.isEmpty()) {
                        throw new IllegalArgumentException("no trained model for region '" + region + "' in "
                                + registry.root() + ": run the train job first");
                    }
                    if (!variants.contains(variant)) {
                        log.info("forecast {}/{}: no model (the train job said why)", region, variant);
                        return;
                    }
                    // forecast.model may select one version, or only the best variant of the region.
                    String selector = settings.forecastModel(config);
                    List<ModelMetadata> selected = registry.select(region, selector, variants).stream()
                            .filter(m -> m.variant().equals(variant)).toList();
                    if (selected.isEmpty()) {
                        log.info("forecast {}/{}: not selected by forecast.model '{}'", region, variant, selector);
                    }
                    Path dir = settings.forecastsDir().resolve(region).resolve(variant);
                    for (ModelMetadata metadata : selected) {
                        if (context.getStepContext().getJobName().equals("forecast")) {
                            refuseStaleData(config, catalog, metadata, clock.instant());
                        }
                        LatestInputs.Frames newest = LatestInputs.newest(inputs, metadata.in(),
                                Duration.ofSeconds(metadata.stepSeconds()));
                        List<Double> thresholds = config.thresholds(settings.variable());
                        // A late file, or a slot without a new frame, leaves the reference time as it was: its
                        // forecast by this model is already written, and no frame is read.
                        if (Forecasting.written(dir, metadata, newest.reference(), thresholds)) {
                            log.info("forecast {}/{}@{}: already written for reference time {}", region, variant,
                                    metadata.version(), newest.reference());
                            continue;
                        }
                        LatestInputs latest = StageSupport.latestInputs(settings, config, catalog, newest, metadata);
                        Path file = Forecasting.forecast(latest, metadata, registry.load(metadata), dir, thresholds);
                        log.info("forecast {}/{}@{}: wrote {}", region, variant, metadata.version(), file);
                        contribution.incrementWriteCount(1);
                    }
                }), tx).build();
    }

    /**
     * Fails the partition when the newest frame is older than {@code forecast.max_data_age}: a forecast from it
     * would look fresh and is not. The {@code forecast} job checks it (a live feed); {@code cycle} forecasts the
     * archive it has just ingested, however old.
     */
    private static void refuseStaleData(GridcastConfig config, FrameCatalog catalog, ModelMetadata metadata,
                                        Instant now) {
        Optional<Duration> maxAge = config.maxDataAge(Duration.ofSeconds(metadata.stepSeconds()));
        List<CatalogEntry> entries = catalog.entries();
        Instant newest = entries.get(entries.size() - 1).time();
        Duration age = Duration.between(newest, now);
        if (maxAge.isPresent() && age.compareTo(maxAge.get()) > 0) {
            throw new IllegalStateException("stale data: the newest frame of '" + metadata.variable() + "' is "
                    + newest + ", " + age.truncatedTo(ChronoUnit.SECONDS) + " old at " + now.truncatedTo(
                    ChronoUnit.SECONDS) + ", more than forecast.max_data_age " + maxAge.get() + ": no forecast"
                    + " written (the next run forecasts again once newer frames are ingested)");
        }
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
