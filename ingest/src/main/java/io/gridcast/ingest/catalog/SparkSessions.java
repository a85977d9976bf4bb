package io.gridcast.ingest.catalog;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session every stage shares: {@code local[*]} by default, a cluster when configured. */
public final class SparkSessions {

    /** How many finished jobs, stages and SQL executions Spark's status store keeps (ten times as many tasks). */
    public static final int RETAINED = 50;

    private SparkSessions() {
    }

    public static SparkSession create(String master, Map<String, String> settings) {
        SparkSession.Builder builder = SparkSession.builder()
                .appName("gridcast")
                .master(master)
                .config("spark.ui.enabled", "false")
                .config("spark.ui.showConsoleProgress", "false")
                // Catalogs are small (one row a frame): a few shuffle partitions, not Spark's 200.
                .config("spark.sql.shuffle.partitions", "4")
                .config("spark.sql.session.timeZone", "UTC")
                // Spark keeps every finished job, stage, task and SQL execution for its UI and status API (up to
                // 1,000 jobs, 1,000 stages, 100,000 tasks a stage, 1,000 executions): a schedule that ingests every
                // few minutes grew its heap with them for days. gridcast has no UI and reads no history.
                .config("spark.ui.retainedJobs", String.valueOf(RETAINED))
                .config("spark.ui.retainedStages", String.valueOf(RETAINED))
                .config("spark.ui.retainedTasks", String.valueOf(10 * RETAINED))
                .config("spark.ui.dagGraph.retainedRootRDDs", String.valueOf(RETAINED))
                .config("spark.sql.ui.retainedExecutions", String.valueOf(RETAINED));
        if (master.startsWith("local")) {
            // A sandboxed or offline host may not resolve its own name; local mode needs only loopback.
            builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }
}
