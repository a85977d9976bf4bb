package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.ops.RunLocks;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.registry.ModelRegistry;
import io.gridcast.models.training.Training;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code train} job: one partition per region x model variant, each training (or, for baselines,
 * registering) one variant. Partitions run one after another: each training already uses every core. A restart
 * of a failed or killed run skips the partitions that completed.
 */
@Configuration
public class TrainJobConfig {

    @Bean
    public Step trainPartitionStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("train-partition", repository).tasklet((contribution, context) ->
                Partitions.run(context, "train", (settings, config, region, variant) -> {
                    ModelSpec spec = config.modelSpec(variant, settings.configFile());
                    FrameCatalog catalog = stages.catalog(settings, config);
                    Training.train(stages.features(settings, config, catalog, config.region(region)), spec, catalog.description(),
                            new ModelRegistry(settings.modelsDir()));
                    contribution.incrementWriteCount(1);
                }), tx).build();
    }

    @Bean
    public Step trainStep(JobRepository repository, Step trainPartitionStep, Partitioner regionsByVariants) {
        return new StepBuilder("train", repository)
                .partitioner("train-partition", regionsByVariants)
                .partitionHandler(Partitions.inOrder(trainPartitionStep))
                .build();
    }

    /** Partitions named {@code region:variant}, in configuration order, read from the run's configuration. */
    @Bean
    @StepScope
    public Partitioner regionsByVariants(@Value("#{stepExecution}") StepExecution stepExecution) {
        return gridSize -> Partitions.regionsByVariants(RunSettings.from(stepExecution.getJobParameters()));
    }

    @Bean
    public Job trainJob(JobRepository repository, Step trainStep, RunLocks locks) {
        return new JobBuilder("train", repository).listener(locks).start(trainStep).build();
    }
}
