package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.FrameIngest;
import java.util.ArrayList;
import java.util.List;
import io.gridcast.jobs.config.GridcastConfig;
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
            // One catalog per input variable (windows.inputs), each read from the same archive folder.
            List<String> summaries = new ArrayList<>();
            for (String variable : config.inputs(settings.variable())) {
                FrameIngest.Summary summary = FrameIngest.run(stages.spark(config), new FrameIngest.Request(
                        settings.requireInput(), config.pattern(), variable, config.reader(),
                        settings.catalogDir(variable)));
                contribution.incrementReadCount();
                contribution.incrementWriteCount(summary.frames());
                summaries.add(summary.describe());
            }
            String summary = String.join("; ", summaries);
            contribution.getStepExecution().getExecutionContext().putString("summary", summary);
            context.getStepContext().getStepExecution().setExitStatus(
                    contribution.getExitStatus().addExitDescription(summary));
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    public Job ingestJob(JobRepository repository, Step ingestStep) {
        return new JobBuilder("ingest", repository).start(ingestStep).build();
    }
}
