package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.catalog.SparkSessions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.apache.spark.api.java.JavaSparkContext;
import org.apache.spark.api.java.function.Function;
import org.apache.spark.api.java.function.Function2;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.Test;

/** The same accumulators on Spark partitions, merged, give the scores of one local pass. */
class LeadScoresOnSparkTest {

    static final List<Double> THRESHOLDS = List.of(0.5, 2.0);
    static final List<Integer> SCALES = List.of(1, 3);

    static LeadScores accumulate(List<float[][]> cases) {
        LeadScores scores = new LeadScores(THRESHOLDS, SCALES, 8, 8);
        cases.forEach(c -> scores.add(c[0], c[1]));
        return scores;
    }

    /** Accumulates each of 3 partitions of {@code cases} on a local Spark session and merges the results. */
    static <C, S> S onPartitions(List<C> cases, Function<List<C>, S> accumulate, Function2<S, S, S> merge) {
        SparkSession spark = SparkSessions.create("local[2]", Map.of());
        try {
            return JavaSparkContext.fromSparkContext(spark.sparkContext()).parallelize(cases, 3)
                    .mapPartitions(part -> {
                        List<C> mine = new ArrayList<>();
                        part.forEachRemaining(mine::add);
                        return List.of(accumulate.call(mine)).iterator();
                    })
                    .reduce(merge);
        } finally {
            spark.stop();
        }
    }

    @Test
    void partitionsMergedEqualOneLocalPass() {
        Random random = new Random(7);
        List<float[][]> cases = new ArrayList<>();
        for (int n = 0; n < 12; n++) {
            float[][] pair = new float[2][64];
            for (int i = 0; i < 64; i++) {
                pair[0][i] = random.nextFloat() * 4;
                pair[1][i] = i % 9 == 0 ? Float.NaN : random.nextFloat() * 4;
            }
            cases.add(pair);
        }
        LeadScores local = accumulate(cases);

        LeadScores merged = onPartitions(cases, LeadScoresOnSparkTest::accumulate, (a, b) -> {
            a.merge(b);
            return a;
        });

        assertThat(merged.cells()).isEqualTo(local.cells());
        // Sums of floating-point errors in another order: equal to rounding, counts exactly.
        assertThat(merged.mse()).isCloseTo(local.mse(), within(1e-12));
        assertThat(merged.pearson()).isCloseTo(local.pearson(), within(1e-12));
        assertThat(merged.ssim()).isCloseTo(local.ssim(), within(1e-12));
        for (int t = 0; t < THRESHOLDS.size(); t++) {
            assertThat(merged.contingencies().get(t).hits()).isEqualTo(local.contingencies().get(t).hits());
            assertThat(merged.contingencies().get(t).csi()).isEqualTo(local.contingencies().get(t).csi());
        }
        for (int k = 0; k < merged.fss().size(); k++) {
            assertThat(merged.fss().get(k).fss()).isCloseTo(local.fss().get(k).fss(),
                    within(1e-12));
        }
    }
}
