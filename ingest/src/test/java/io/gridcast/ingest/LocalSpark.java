package io.gridcast.ingest;

import io.gridcast.ingest.catalog.SparkSessions;
import java.util.Map;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * A real local Spark session for one test class, started before its first test (and its own {@code @BeforeAll})
 * and stopped after its last: {@code @RegisterExtension static final LocalSpark SPARK = new LocalSpark("local[2]");}.
 */
public final class LocalSpark implements BeforeAllCallback, AfterAllCallback {

    private final String master;
    private SparkSession session;

    public LocalSpark(String master) {
        this.master = master;
    }

    public SparkSession session() {
        return session;
    }

    @Override
    public void beforeAll(ExtensionContext context) {
        session = SparkSessions.create(master, Map.of());
    }

    @Override
    public void afterAll(ExtensionContext context) {
        session.stop();
    }
}
