package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.config.GridcastConfig;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.batch.core.configuration.annotation.JobScope;
import org.springframework.stereotype.Component;

/**
 * The catalogs of every {@code windows.inputs} variable, loaded on a job run's first use and shared by all its
 * partitions: every region x variant of a forecast run starts from the same newest frames. A bean of the job's
 * scope, so the next run (the next slot of a schedule) loads what ingest has written since. Used after the job's
 * own ingest step, if it has one ({@code cycle}).
 */
@Component
@JobScope
public class JobCatalogs {

    private static final Logger log = LoggerFactory.getLogger(JobCatalogs.class);

    private final StageSupport stages;
    private List<FrameCatalog> catalogs;

    public JobCatalogs(StageSupport stages) {
        this.stages = stages;
    }

    /** The forecast variable's catalog first, then the other inputs' in {@code windows.inputs} order. */
    public synchronized List<FrameCatalog> inputs(RunSettings settings, GridcastConfig config) {
        if (catalogs == null) {
            catalogs = stages.inputCatalogs(settings, config);
            for (FrameCatalog catalog : catalogs) {
                List<CatalogEntry> entries = catalog.entries();
                log.info("catalog of '{}' loaded for this run: {} frames, the newest {}",
                        catalog.description().variable(), entries.size(), entries.get(entries.size() - 1).time());
            }
        }
        return catalogs;
    }
}
