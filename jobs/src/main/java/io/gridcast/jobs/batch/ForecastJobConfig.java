package io.gridcast.jobs.batch;

import io.gridcast.features.RegionFeatures;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.Forecasting;
import io.gridcast.models.ModelMetadata;
import io.gridcast.models.ModelRegistry;
import io.gridcast.models.ModelSpec;
import java.nio.file.Path;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code forecast} job: for every region and configured variant, the newest frames go through the
 * trained model and the lead grids are written as CF NetCDF under {@code forecasts/<region>/<variant>/}.
 */
@Configuration
public class ForecastJobConfig {

    private static final Logger log = LoggerFactory.getLogger(ForecastJobConfig.class);

    @Bean
    public Step forecastStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("forecast", repository).tasklet((contribution, context) -> {
            RunSettings settings = stages.settings(context);
            GridcastConfig config = settings.config();
            FrameCatalog catalog = stages.catalog(settings, config);
            ModelRegistry registry = new ModelRegistry(settings.modelsDir());
            for (var region : settings.regions(config)) {
                RegionFeatures features = stages.features(config, catalog, region);
                for (ModelSpec spec : config.modelSpecs()) {
                    ModelMetadata metadata = registry.metadata(region.name(), spec.name());
                    Path file = Forecasting.forecast(features, metadata, registry.load(metadata),
                            settings.forecastsDir().resolve(region.name()).resolve(spec.name()));
                    log.info("forecast {}/{}: wrote {}", region.name(), spec.name(), file);
                    contribution.incrementWriteCount(1);
                }
            }
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    public Job forecastJob(JobRepository repository, Step forecastStep) {
        return new JobBuilder("forecast", repository).start(forecastStep).build();
    }
}
