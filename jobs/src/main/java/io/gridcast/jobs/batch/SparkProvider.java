package io.gridcast.jobs.batch;

import io.gridcast.ingest.catalog.SparkSessions;
import io.gridcast.jobs.config.GridcastConfig;
import org.apache.spark.sql.SparkSession;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.stereotype.Component;

/** One Spark session per process, started on first use (commands that need no Spark never pay for it). */
@Component
public class SparkProvider implements DisposableBean {

    private SparkSession session;

    public synchronized SparkSession session(GridcastConfig config) {
        if (session == null) {
            session = SparkSessions.create(config.sparkMaster(), config.sparkSettings());
        }
        return session;
    }

    @Override
    public synchronized void destroy() {
        if (session != null) {
            session.stop();
            session = null;
        }
    }
}
