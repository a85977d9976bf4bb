package io.gridcast.models.verification;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Ensemble accumulators on Spark partitions, merged, give the scores of one local pass. */
class EnsembleScoresOnSparkTest {

    static final int MEMBERS = 5;
    static final List<Double> THRESHOLDS = List.of(0.5, 2.0);
    /** One case: the members' fields, then the observation; 8 x 8 cells, the rank histogram's X_min 0.5. */
    static EnsembleScores accumulate(List<float[][]> cases) {
        EnsembleScores scores = new EnsembleScores(MEMBERS, THRESHOLDS, 0.5, 8, 8);
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

        EnsembleScores merged = LeadScoresOnSparkTest.onPartitions(cases, EnsembleScoresOnSparkTest::accumulate, (a, b) -> {
            a.merge(b);
            return a;
        });

        EnsembleScoresTest.assertEqualScores(merged, local);
    }
}
