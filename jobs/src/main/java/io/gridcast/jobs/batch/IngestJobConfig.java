package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.jobs.ops.RunLocks;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.batch.core.step.builder.StepBuilder;
import org.springframework.batch.repeat.RepeatStatus;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.transaction.PlatformTransactionManager;

/** The {@code ingest} job: the archive folder becomes a frame catalog and a quarantine list. */
@Configuration
public class IngestJobConfig {

    @Bean
    public Step ingestStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("ingest", repository).tasklet((contribution, context) -> {
            RunSettings settings = stages.settings(context);
            GridcastConfig config = settings.config();
            FrameIngest.Summary summary = FrameIngest.run(stages.spark(config), new FrameIngest.Request(
                    settings.requireInput(), config.pattern(), settings.variable(), config.reader(),
                    settings.catalogDir()));
            contribution.incrementReadCount();
            contribution.incrementWriteCount(summary.frames());
            contribution.getStepExecution().getExecutionContext().putString("summary", summary.describe());
            context.getStepContext().getStepExecution().setExitStatus(
                    contribution.getExitStatus().addExitDescription(summary.describe()));
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    public Job ingestJob(JobRepository repository, Step ingestStep, RunLocks locks) {
        return new JobBuilder("ingest", repository).listener(locks).start(ingestStep).build();
    }
}
