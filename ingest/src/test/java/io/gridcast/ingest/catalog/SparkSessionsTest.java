package io.gridcast.ingest.catalog;

import static org.junit.jupiter.api.Assertions.assertTrue;

import io.gridcast.ingest.LocalSpark;
import java.util.List;
import org.apache.spark.SparkStatusTracker;
import org.apache.spark.api.java.JavaRDD;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class SparkSessionsTest {

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[1]");

    /**
     * A schedule runs Spark jobs every slot for months: the status store must forget finished jobs rather than keep
     * Spark's default 1,000 (the heap of a 300-slot soak grew with them).
     */
    @Test
    void finishedJobsAreForgottenBeyondTheRetainedCount() throws InterruptedException {
        SparkSession spark = SPARK.session();
        JavaRDD<Integer> one = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(List.of(1), 1);
        // Spark's default would keep all of them.
        int jobs = SparkSessions.RETAINED + 20;
        for (int i = 0; i < jobs; i++) {
            one.count();
        }
        SparkStatusTracker tracker = spark.sparkContext().statusTracker();
        // The listener bus and the store's clean-up run on their own threads: give them a moment to catch up.
        int retained = Integer.MAX_VALUE;
        for (int attempt = 0; attempt < 100 && retained > SparkSessions.RETAINED; attempt++) {
            Thread.sleep(100);
            retained = tracker.getJobIdsForGroup(null).length;
        }
        assertTrue(retained <= SparkSessions.RETAINED,
                "the status store keeps " + retained + " of " + jobs + " finished jobs, expected at most "
                        + SparkSessions.RETAINED);
    }
}
