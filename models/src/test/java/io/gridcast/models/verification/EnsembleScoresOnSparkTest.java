package io.gridcast.models.verification;

import io.gridcast.ingest.catalog.SparkSessions;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** Ensemble accumulators on Spark partitions, merged, give the scores of one local pass. */
class EnsembleScoresOnSparkTest {

    static final int MEMBERS = 5;
    static final List<Double> THRESHOLDS = List.of(0.5, 2.0);

    /** One case: the members' fields, then the observation. */
    static EnsembleScores accumulate(Iterable<float[][]> cases) {
        EnsembleScores scores = new EnsembleScores(MEMBERS, THRESHOLDS);
        cases.forEach(c -> scores.add(Arrays.copyOf(c, MEMBERS), c[MEMBERS]));
        return scores;
    }

    @Test
    void partitionsMergedEqualOneLocalPass() {
        Random random = new Random(5);
        List<float[][]> cases = new ArrayList<>();
        for (int n = 0; n < 12; n++) {
            float[][] fields = new float[MEMBERS + 1][64];
            for (int k = 0; k <= MEMBERS; k++) {
                for (int i = 0; i < 64; i++) {
                    // a third dry, so ties at 0 are common, as in rain
                    fields[k][i] = random.nextInt(3) == 0 ? 0f : random.nextFloat() * 4;
                }
            }
            fields[MEMBERS][9] = Float.NaN;
            fields[2][17] = Float.NaN;
            cases.add(fields);
        }
        EnsembleScores local = accumulate(cases);

        SparkSession spark = SparkSessions.create("local[2]", Map.of());
        EnsembleScores merged;
        try {
            merged = JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(cases, 3)
                    .mapPartitions(part -> {
                        List<float[][]> mine = new ArrayList<>();
                        part.forEachRemaining(mine::add);
                        return List.of(accumulate(mine)).iterator();
                    })
                    .reduce((a, b) -> {
                        a.merge(b);
                        return a;
                    });
        } finally {
            spark.stop();
        }

        EnsembleScoresTest.assertEqualScores(merged, local);
    }
}
