package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.jobs.ops.RunLocks;
import io.gridcast.features.RegionFeatures;
import io.gridcast.features.WindowPlan;
import io.gridcast.jobs.report.MapCase;
import io.gridcast.jobs.report.Report;
import io.gridcast.models.forecasting.Evaluation;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.verification.MetricRow;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
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
 * The {@code report} job: every region x variant verified on the held-out test windows (or the validation windows,
 * {@code report.split}), written as {@code reports/<run>/metrics.csv}, {@code metrics.json} and {@code index.html}
 * with maps of each region's wettest verified cases.
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
            List<Integer> fssScales = config.fssScales(settings.variable());
            double rankHistogramMin = config.rankHistogramMin(settings.variable());
            List<MetricRow> rows = new ArrayList<>();
            List<ModelMetadata> models = new ArrayList<>();
            Map<String, List<MapCase>> cases = new LinkedHashMap<>();
            FrameCatalog catalog = stages.catalog(settings, config);
            stages.forEachTrainedVariant(settings, config, catalog, (features, metadata, model) -> {
                List<Long> leadMinutes = new ArrayList<>();
                for (int k = 1; k <= metadata.out(); k++) {
                    leadMinutes.add(metadata.stepSeconds() * k / 60);
                }
                WindowPlan.Split split = "validation".equals(config.reportSplit()) ? features.plan().validation()
                        : features.plan().test();
                List<MapCase> regionCases = cases.computeIfAbsent(metadata.region(), region ->
                        observedCases(features, split, metadata, leadMinutes, config.mapCases()));
                List<Integer> starts = regionCases.stream().map(MapCase::start).toList();
                Evaluation.Result result = Evaluation.verify(features, split, metadata, model, thresholds,
                        rankHistogramMin, fssScales, starts);
                rows.addAll(result.rows(metadata.region(), metadata.variant(), leadMinutes));
                regionCases.forEach(c -> c.forecasts().put(metadata.variant(), result.forecasts().get(c.start())));
                models.add(metadata);
            });
            Path dir = Report.write(settings.reportDir(), settings, config.reportSplit(), catalog.description(), models,
                    rows, cases.values().stream().flatMap(List::stream).toList());
            log.info("report: {} scores of {} models written to {}", rows.size(), models.size(), dir);
            contribution.incrementWriteCount(rows.size());
            return RepeatStatus.FINISHED;
        }, tx).build();
    }

    /** The region's wettest verified cases with their observed frames; each variant adds its forecasts. */
    private static List<MapCase> observedCases(RegionFeatures features, WindowPlan.Split split, ModelMetadata metadata,
                                               List<Long> leadMinutes, int count) {
        List<Double> y = Arrays.stream(metadata.grid().y().values()).boxed().toList();
        boolean southFirst = y.size() > 1 && y.get(0) < y.get(y.size() - 1);
        List<MapCase> cases = new ArrayList<>();
        for (int start : Evaluation.wettestCases(features, split, metadata.in(), metadata.out(), count)) {
            List<float[]> observed = new ArrayList<>();
            for (int k = 0; k < metadata.out(); k++) {
                observed.add(features.frames().frame(start + metadata.in() + k));
            }
            Instant reference = features.frames().entries().get(start + metadata.in() - 1).time();
            cases.add(new MapCase(metadata.region(), start, reference, leadMinutes, observed, new LinkedHashMap<>(),
                    features.shape().height(), features.shape().width(), southFirst));
        }
        return cases;
    }

    @Bean
    public Job reportJob(JobRepository repository, Step reportStep, RunLocks locks) {
        return new JobBuilder("report", repository).listener(locks).start(reportStep).build();
    }
}
