package io.gridcast.jobs.batch;

import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.Forecasting;
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
 * The {@code forecast} job: for every region and the models {@code --model} or {@code forecast.model} selects
 * (every configured variant by default, or the best, or a named one), the newest frames go through the trained model and the lead grids are written as CF NetCDF under {@code forecasts/<region>/<variant>/}.
 */
@Configuration
public class ForecastJobConfig {

    private static final Logger log = LoggerFactory.getLogger(ForecastJobConfig.class);

    @Bean
    public Step forecastStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("forecast", repository).tasklet((contribution, context) -> {
            RunSettings settings = stages.settings(context);
            GridcastConfig config = settings.config();
            stages.forEachSelectedModel(settings, config, stages.catalog(settings, config),
                    settings.forecastModel(config), (features, metadata, model) -> {
                Path file = Forecasting.forecast(features, metadata, model,
                        settings.forecastsDir().resolve(metadata.region()).resolve(metadata.variant()));
                log.info("forecast {}/{}@{}: wrote {}", metadata.region(), metadata.variant(), metadata.version(), file);
                contribution.incrementWriteCount(1);
            });
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    public Job forecastJob(JobRepository repository, Step forecastStep) {
        return new JobBuilder("forecast", repository).start(forecastStep).build();
    }
}
