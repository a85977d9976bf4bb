package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.ModelRegistry;
import io.gridcast.models.ModelSpec;
import io.gridcast.models.Training;
import java.util.LinkedHashMap;
import java.util.Map;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.configuration.annotation.StepScope;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.partition.support.Partitioner;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.task.SyncTaskExecutor;
import org.springframework.transaction.PlatformTransactionManager;

/**
 * The {@code train} job: one partition per region x model variant, each training (or, for baselines,
 * registering) one variant. Partitions run one after another: each training already uses every core.
 */
@Configuration
public class TrainJobConfig {

    @Bean
    public Step trainPartitionStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("train-partition", repository).tasklet((contribution, context) -> {
            RunSettings settings = stages.settings(context);
            GridcastConfig config = settings.config();
            Map<String, Object> partition = context.getStepContext().getStepExecutionContext();
            String region = (String) partition.get("region");
            String variant = (String) partition.get("variant");
            ModelSpec spec = config.modelSpecs().stream().filter(s -> s.name().equals(variant)).findFirst()
                    .orElseThrow(() -> new IllegalArgumentException("model variant '" + variant
                            + "' is no longer in " + settings.configFile()));
            FrameCatalog catalog = stages.catalog(settings, config);
            Training.train(stages.features(settings, config, catalog, config.region(region)), spec, catalog.description(),
                    new ModelRegistry(settings.modelsDir()));
            contribution.incrementWriteCount(1);
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    public Step trainStep(JobRepository repository, Step trainPartitionStep, Partitioner regionsByVariants) {
        return new StepBuilder("train", repository)
                .partitioner("train-partition", regionsByVariants)
                .step(trainPartitionStep)
                .taskExecutor(new SyncTaskExecutor())
                .build();
    }

    /** Partitions named {@code region:variant}, in configuration order, read from the run's configuration. */
    @Bean
    @StepScope
    public Partitioner regionsByVariants(@Value("#{stepExecution}") StepExecution stepExecution) {
        return gridSize -> {
            RunSettings settings = RunSettings.from(stepExecution.getJobParameters());
            GridcastConfig config = settings.config();
            Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
            for (var region : settings.regions(config)) {
                for (ModelSpec spec : config.modelSpecs()) {
                    ExecutionContext context = new ExecutionContext();
                    context.putString("region", region.name());
                    context.putString("variant", spec.name());
                    partitions.put(region.name() + ":" + spec.name(), context);
                }
            }
            return partitions;
        };
    }

    @Bean
    public Job trainJob(JobRepository repository, Step trainStep) {
        return new JobBuilder("train", repository).start(trainStep).build();
    }
}
