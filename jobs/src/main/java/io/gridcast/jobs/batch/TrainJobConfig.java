package io.gridcast.jobs.batch;

import io.gridcast.features.RegionFeatures;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.ops.RunLocks;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.registry.ModelRegistry;
import io.gridcast.models.training.Training;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.ExitStatus;
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
 * registering) one variant; a trained variant the archive is too short for is left out ({@link #NOT_TRAINED}).
 * Partitions run one after another: each training already uses every core. A restart of a failed or killed run
 * skips the partitions that completed.
 */
@Configuration
public class TrainJobConfig {

    /**
     * The exit code of a partition (and so of the train step) whose trained variant the archive is too short to
     * train: the description says why. The job completes; the forecast and report jobs use the other variants.
     */
    public static final String NOT_TRAINED = "COMPLETED_WITH_UNTRAINED";

    private static final Logger log = LoggerFactory.getLogger(TrainJobConfig.class);

    @Bean
    public Step trainPartitionStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("train-partition", repository).tasklet((contribution, context) ->
                Partitions.run(context, "train", (settings, config, region, variant) -> {
                    ModelSpec spec = config.modelSpec(variant, settings.configFile());
                    FrameCatalog catalog = stages.catalog(settings, config);
                    RegionFeatures features = stages.features(settings, config, catalog, config.region(region));
                    if (ModelVariants.isTrainable(spec.type()) && !features.plan().trainable()) {
                        // Not a failure of this partition: the baselines go on, and the command line reports it once.
                        log.warn("train {}/{}: not trained: {}", region, variant, features.plan().choice());
                        contribution.setExitStatus(new ExitStatus(NOT_TRAINED, features.plan().choice()));
                        return;
                    }
                    Training.train(features, spec, catalog.description(), new ModelRegistry(settings.modelsDir()));
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
