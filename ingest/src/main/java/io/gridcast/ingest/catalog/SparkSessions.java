package io.gridcast.ingest.catalog;

import java.util.Map;
import org.apache.spark.sql.SparkSession;

/** Builds the Spark session every stage shares: {@code local[*]} by default, a cluster when configured. */
public final class SparkSessions {

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
                .config("spark.sql.session.timeZone", "UTC");
        if (master.startsWith("local")) {
            // A sandboxed or offline host may not resolve its own name; local mode needs only loopback.
            builder.config("spark.driver.host", "127.0.0.1").config("spark.driver.bindAddress", "127.0.0.1");
        }
        settings.forEach(builder::config);
        return builder.getOrCreate();
    }
}
