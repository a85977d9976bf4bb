package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.jobs.report.Report;
import io.gridcast.models.Evaluation;
import io.gridcast.models.ModelMetadata;
import io.gridcast.models.verification.LeadScores;
import io.gridcast.models.verification.MetricRow;
import io.gridcast.models.verification.Metrics;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
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
 * The {@code report} job: every region x variant verified on the held-out test windows, written as
 * {@code reports/<run>/metrics.csv} and {@code index.html}.
 */
@Configuration
public class ReportJobConfig {

    private static final Logger log = LoggerFactory.getLogger(ReportJobConfig.class);

    @Bean
    public Step reportStep(JobRepository repository, PlatformTransactionManager tx, StageSupport stages) {
        return new StepBuilder("report", repository).tasklet((contribution, context) -> {
            RunSettings settings = stages.settings(context);
            GridcastConfig config = settings.config();
            List<Double> thresholds = config.thresholds(settings.variable());
            List<MetricRow> rows = new ArrayList<>();
            List<ModelMetadata> models = new ArrayList<>();
            FrameCatalog catalog = stages.catalog(settings, config);
            stages.forEachTrainedVariant(settings, config, catalog, (features, metadata, model) -> {
                List<LeadScores> leads = Evaluation.verify(features, metadata, model, thresholds);
                List<Long> leadMinutes = new ArrayList<>();
                for (int k = 1; k <= metadata.out(); k++) {
                    leadMinutes.add(metadata.stepSeconds() * k / 60);
                }
                rows.addAll(Metrics.rows(metadata.region(), metadata.variant(), leadMinutes, leads));
                models.add(metadata);
            });
            Path dir = Report.write(settings.reportDir(), settings, catalog.description(), models, rows);
            log.info("report: {} scores of {} models written to {}", rows.size(), models.size(), dir);
            contribution.incrementWriteCount(rows.size());
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    @Bean
    public Job reportJob(JobRepository repository, Step reportStep) {
        return new JobBuilder("report", repository).start(reportStep).build();
    }
}
