package io.gridcast.jobs.batch;

import io.gridcast.jobs.config.GridcastConfig;
import io.gridcast.models.nowcasts.ModelSpec;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.TreeSet;
import org.springframework.batch.core.Step;
import org.springframework.batch.core.StepExecution;
import org.springframework.batch.core.partition.PartitionHandler;
import org.springframework.batch.core.partition.support.TaskExecutorPartitionHandler;
import org.springframework.core.task.SyncTaskExecutor;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.slf4j.MDC;
import org.springframework.batch.core.scope.context.ChunkContext;
import org.springframework.batch.item.ExecutionContext;
import org.springframework.batch.repeat.RepeatStatus;

/**
 * Region x variant partitions, the unit a restart skips once completed. Each partition's log lines carry its
 * region and model (MDC), and its end is logged as progress ({@code partition k/N}).
 */
final class Partitions {

    private static final Logger log = LoggerFactory.getLogger(Partitions.class);

    /** The work of one partition. */
    @FunctionalInterface
    interface Work {
        void run(RunSettings settings, GridcastConfig config, String region, String variant) throws Exception;
    }

    private Partitions() {
    }

    /** Partitions named {@code region:variant}, in configuration order. */
    static Map<String, ExecutionContext> regionsByVariants(RunSettings settings) {
        GridcastConfig config = settings.config();
        Map<String, ExecutionContext> partitions = new LinkedHashMap<>();
        int count = settings.regions(config).size() * config.modelSpecs().size();
        for (var region : settings.regions(config)) {
            for (ModelSpec spec : config.modelSpecs()) {
                ExecutionContext context = new ExecutionContext();
                context.putString("region", region.name());
                context.putString("variant", spec.name());
                context.putInt("index", partitions.size() + 1);
                context.putInt("count", count);
                partitions.put(region.name() + ":" + spec.name(), context);
            }
        }
        return partitions;
    }

    static RepeatStatus run(ChunkContext context, String stage, Work work) throws Exception {
        Map<String, Object> partition = context.getStepContext().getStepExecutionContext();
        String region = (String) partition.get("region");
        String variant = (String) partition.get("variant");
        RunSettings settings = RunSettings.from(context.getStepContext().getStepExecution().getJobParameters());
        MDC.put("region", region);
        MDC.put("model", variant);
        long start = System.nanoTime();
        // Logged once the previous partition has committed: progress, and the point a restart resumes from.
        log.info("{}: partition {}/{} ({}/{}) starting", stage, partition.get("index"), partition.get("count"), region, variant);
        try {
            work.run(settings, settings.config(), region, variant);
            log.info("{}: partition {}/{} ({}/{}) done in {} s", stage, partition.get("index"), partition.get("count"),
                    region, variant, Math.round((System.nanoTime() - start) / 1e9));
            return RepeatStatus.FINISHED;
        } finally {
            MDC.remove("region");
            MDC.remove("model");
        }
    }

    /**
     * Runs the partitions one after another in configuration order (Spring Batch hands them over as an unordered
     * set): the log reads region by region and a restart resumes where the crash stopped.
     */
    static PartitionHandler inOrder(Step worker) {
        TaskExecutorPartitionHandler handler = new TaskExecutorPartitionHandler() {
            @Override
            protected Set<StepExecution> doHandle(StepExecution manager, Set<StepExecution> partitions) throws Exception {
                Set<StepExecution> ordered = new TreeSet<>(Comparator.comparingInt(
                        (StepExecution e) -> e.getExecutionContext().getInt("index", 0)).thenComparing(StepExecution::getStepName));
                ordered.addAll(partitions);
                return super.doHandle(manager, new LinkedHashSet<>(ordered));
            }
        };
        handler.setStep(worker);
        handler.setTaskExecutor(new SyncTaskExecutor());
        return handler;
    }
}
