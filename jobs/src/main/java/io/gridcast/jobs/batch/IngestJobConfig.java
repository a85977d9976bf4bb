package io.gridcast.jobs.batch;

import io.gridcast.features.Region;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.jobs.ops.RunLocks;
import java.util.ArrayList;
import java.util.List;
import org.springframework.batch.core.ExitStatus;
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
 * The {@code ingest} job: the archive folder becomes a frame catalog and a quarantine list, and each region's
 * static layers are regridded onto the catalog's grid (once; cached for the later stages).
 */
@Configuration
public class IngestJobConfig {

    /** The ingest step's exit code when it completed but quarantined at least one file. */
    public static final String QUARANTINED = "COMPLETED_WITH_QUARANTINE";

    @Bean
    public Step ingestStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("ingest", repository).tasklet((contribution, context) -> {
            RunSettings settings = stages.settings(context);
            GridcastConfig config = settings.config();
            // One catalog per input variable (windows.inputs), each read from the same archive folder.
            List<String> summaries = new ArrayList<>();
            int quarantined = 0;
            for (String variable : config.inputs(settings.variable())) {
                FrameIngest.Summary summary = FrameIngest.run(stages.spark(config), new FrameIngest.Request(
                        settings.requireInput(), config.pattern(), variable,
                        config.reader().withWorkDefaults(settings.workDir()), settings.catalogDir(variable),
                        config.units(variable)), config.arrival());
                contribution.incrementReadCount();
                contribution.incrementWriteCount(summary.frames());
                summaries.add(summary.describe());
                quarantined += summary.quarantinedFiles();
            }
            List<Region> withStaticLayers = settings.regions(config).stream()
                    .filter(r -> !config.staticLayers(r.name()).isEmpty()).toList();
            if (!withStaticLayers.isEmpty()) {
                FrameCatalog catalog = stages.catalog(settings, config);
                for (Region region : withStaticLayers) {
                    StageSupport.staticFields(settings, config, catalog, region);
                }
            }
            String summary = String.join("; ", summaries);
            contribution.getStepExecution().getExecutionContext().putString("summary", summary);
            // The exit code itself tells a scheduler that files were quarantined; the description counts them.
            ExitStatus status = quarantined > 0 ? new ExitStatus(QUARANTINED) : ExitStatus.COMPLETED;
            contribution.setExitStatus(status.addExitDescription(summary));
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    public Job ingestJob(JobRepository repository, Step ingestStep, RunLocks locks) {
        return new JobBuilder("ingest", repository).listener(locks).start(ingestStep).build();
    }
}
