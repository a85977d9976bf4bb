package io.gridcast.jobs.batch;

import io.gridcast.jobs.ops.RunLocks;
import org.springframework.batch.core.Job;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.job.builder.JobBuilder;
import org.springframework.batch.core.repository.JobRepository;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/** The {@code cycle} job: ingest, train, forecast and report, in that order, as one job run. */
@Configuration
public class CycleJobConfig {

    @Bean
    public Job cycleJob(JobRepository repository, Step ingestStep, Step trainStep, Step forecastStep, Step reportStep,
                         RunLocks locks) {
        return new JobBuilder("cycle", repository)
                .listener(locks)
                .start(ingestStep)
                .next(trainStep)
                .next(forecastStep)
                .next(reportStep)
                .build();
    }
}
