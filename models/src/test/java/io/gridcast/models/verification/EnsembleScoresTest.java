package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class EnsembleScoresTest {

    /** The forecast {@code [member][cell]} from each cell's members: easier to read cell by cell. */
    static float[][] byCell(float[]... cells) {
        float[][] forecast = new float[cells[0].length][cells.length];
        for (int i = 0; i < cells.length; i++) {
            for (int k = 0; k < cells[i].length; k++) {
                forecast[k][i] = cells[i][k];
            }
        }
        return forecast;
    }

    /** Scores of a strip of cells (one row), every cell in the rank histogram. */
    static EnsembleScores strip(int members, int cells, Double... thresholds) {
        return new EnsembleScores(members, List.of(thresholds), Double.NEGATIVE_INFINITY, 1, cells);
    }

    static EnsembleScores scores(float[][] forecast, float[] observed, Double... thresholds) {
        EnsembleScores s = strip(forecast.length, observed.length, thresholds);
        s.add(forecast, observed);
        return s;
    }

    @Test
    void crpsAndFairCrpsByHand() {
        // members 1 and 3: F(x) = 1/2 between them; observed 2, 5 and 0
        EnsembleScores s = scores(byCell(new float[] {1, 3}, new float[] {1, 3}, new float[] {1, 3}),
                new float[] {2, 5, 0});

        // observed 2: (2 - 1) x 1/4 + (3 - 2) x 1/4 = 0.5
        // observed 5: (3 - 1) x 1/4 + (5 - 3) x 1 = 2.5
        // observed 0: (1 - 0) x 1 + (3 - 1) x 1/4 = 1.5
        assertThat(s.crps()).isCloseTo((0.5 + 2.5 + 1.5) / 3, within(1e-12));
        // fair: mean |x - o| - |3 - 1| / (2 x 1), i.e. 1 - 1, 3 - 1 and 2 - 1
        assertThat(s.fairCrps()).isCloseTo((0 + 2 + 1) / 3.0, within(1e-12));
        assertThat(s.cells()).isEqualTo(3);
    }

    @Test
    void anObservationEqualToMembersKeepsEveryStretch() {
        // members 0, 0, 2, observed 0: F = 2/3 on [0, 2), H = 1 from 0, so the integral of (F - H)^2 is
        // 2 x (1/3)^2 = 2/9. pysteps' CRPS_accum scores 0 here: its strict inequalities skip [0, 2).
        EnsembleScores s = scores(byCell(new float[] {0, 2, 0}), new float[] {0});

        assertThat(s.crps()).isCloseTo(2.0 / 9, within(1e-12));
        // fair: 2/3 - 2 x 2 / (3 x 2) = 0
        assertThat(s.fairCrps()).isCloseTo(0, within(1e-12));
    }

    @Test
    void crpsIsTheEnergyFormOfTheEmpiricalDistribution() {
        // CRPS = mean |x_i - o| - sum_ij |x_i - x_j| / (2 m^2) for any ensemble; ties and zeros included
        Random random = new Random(3);
        for (int n = 0; n < 200; n++) {
            int m = 1 + random.nextInt(6);
            float[] members = new float[m];
            for (int k = 0; k < m; k++) {
                members[k] = random.nextInt(3) == 0 ? 0f : random.nextInt(5);
            }
            float o = random.nextInt(3) == 0 ? 0f : random.nextInt(6);
            double energy = 0;
            for (double x : members) {
                energy += Math.abs(x - o) / m;
                for (double y : members) {
                    energy -= Math.abs(x - y) / (2.0 * m * m);
                }
            }
            double[] sorted = new double[m];
            for (int k = 0; k < m; k++) {
                sorted[k] = members[k];
            }
            Arrays.sort(sorted);
            assertThat(EnsembleScores.crps(sorted, o)).as(Arrays.toString(members) + " " + o)
                    .isCloseTo(energy, within(1e-12));
        }
    }

    @Test
    void equalMembersScoreTheirMaeLikeADeterministicForecast() {
        float[] forecast = {0f, 1.5f, 4f, 2f};
        float[] observed = {1f, 1f, 0f, 2f};
        EnsembleScores s = scores(new float[][] {forecast, forecast, forecast}, observed);
        LeadScores deterministic = LeadScoresTest.strip(4);
        deterministic.add(forecast, observed);

        assertThat(s.crps()).isCloseTo(deterministic.mae(), within(1e-12)).isCloseTo((1 + 0.5 + 4 + 0) / 4, within(1e-12));
        assertThat(s.fairCrps()).isCloseTo(deterministic.mae(), within(1e-12));
        assertThat(s.ensembleMeanRmse()).isCloseTo(deterministic.rmse(), within(1e-12));
        assertThat(s.spread()).isEqualTo(0.0);
    }

    @Test
    void oneMemberIsADeterministicForecast() {
        EnsembleScores s = scores(new float[][] {{2f, 0f}}, new float[] {5f, 0f}, 1.0);

        assertThat(s.crps()).isEqualTo(1.5); // (3 + 0) / 2
        assertThat(s.fairCrps()).as("no pairs of members").isNaN();
        assertThat(s.spread()).isNaN();
        assertThat(s.spreadSkillRatio()).isNaN();
        // observed 5 above the member (rank 1); observed 0 ties it (ranks 0 and 1, half each)
        assertThat(s.rankHistogram().fractions()).containsExactly(0.25, 0.75);
        // probabilities 1 and 0, both right: a perfect yes/no forecast
        assertThat(s.probabilities().get(0).brier()).isEqualTo(0.0);
    }

    @Test
    void aPerfectEnsembleScoresPerfectly() {
        float[] observed = {0f, 3f, 1f, 0.5f};
        EnsembleScores s = scores(new float[][] {observed, observed}, observed, 1.0);

        assertThat(s.crps()).isEqualTo(0.0);
        assertThat(s.fairCrps()).isEqualTo(0.0);
        assertThat(s.ensembleMeanRmse()).isEqualTo(0.0);
        assertThat(s.spreadSkillRatio()).as("0 spread over 0 error").isNaN();
        ProbabilityScores p = s.probabilities().get(0);
        assertThat(p.brier()).isEqualTo(0.0);
        assertThat(p.brierSkillScore()).isEqualTo(1.0);
        assertThat(p.rocArea()).isEqualTo(1.0);
        // every observation ties both members: each of the 3 ranks gets a third of every cell
        double third = 1.0 / 3;
        assertThat(s.rankHistogram().fractions()).containsExactly(new double[] {third, third, third}, within(1e-12));
    }

    @Test
    void rankHistogramByHandWithATie() {
        // three members; observed below all, between the first two, above all, and equal to two of them
        EnsembleScores s = scores(byCell(new float[] {1, 2, 3}, new float[] {1, 2, 3}, new float[] {1, 2, 3},
                new float[] {0, 0, 2}), new float[] {0.5f, 1.5f, 4f, 0f});

        // ranks 0, 1, 3 and, for the tie, a third each to ranks 0, 1, 2 (pysteps draws one of them at random)
        double third = 1.0 / 3;
        assertThat(s.rankHistogram().fractions()).containsExactly(new double[] {(1 + third) / 4, (1 + third) / 4, third / 4, 0.25},
                within(1e-12));
    }

    @Test
    void exceedanceProbabilityIsTheFractionOfMembersAtOrAboveTheThreshold() {
        // four members, threshold 1 (exactly 1 is an event): the probabilities and events of ProbabilityScoresTest
        float[][] forecast = byCell(new float[] {0, 0, 0, 0}, new float[] {0, 0.5f, 0, 0}, new float[] {1, 0, 0, 0},
                new float[] {1, 3, 0, 0}, new float[] {0, 0, 2, 1}, new float[] {1, 1, 1, 0},
                new float[] {1, 1, 1, 1}, new float[] {4, 1, 2, 3});
        float[] observed = {0f, 1f, 0.9f, 2f, 0f, 1f, 5f, 0f};
        ProbabilityScores p = scores(forecast, observed, 1.0).probabilities().get(0);
        ProbabilityScores expected = ProbabilityScoresTest.eightCells();

        assertThat(p.threshold()).isEqualTo(1.0);
        assertThat(p.cells()).isEqualTo(8);
        assertThat(p.rocCurve()).isEqualTo(expected.rocCurve());
        assertThat(p.reliabilityDiagram()).isEqualTo(expected.reliabilityDiagram());
        assertThat(p.brier()).isEqualTo(expected.brier());
    }

    @Test
    void spreadAgainstTheEnsembleMeanErrorByHand() {
        // cell 1: members 1, 3, mean 2, observed 2; cell 2: members 0, 2, mean 1, observed 3
        EnsembleScores s = scores(byCell(new float[] {1, 3}, new float[] {0, 2}), new float[] {2, 3});

        // variance (divided by m - 1) 2 in both cells; errors of the mean 0 and -2
        assertThat(s.spread()).isCloseTo(Math.sqrt(2), within(1e-12));
        assertThat(s.ensembleMeanRmse()).isCloseTo(Math.sqrt((0 + 4) / 2.0), within(1e-12));
        assertThat(s.spreadSkillRatio()).isCloseTo(Math.sqrt(3 / 2.0), within(1e-12));
    }

    @Test
    void aCellMissingInTheObservationOrAnyMemberIsLeftOut() {
        float nan = Float.NaN;
        EnsembleScores s = scores(byCell(new float[] {1, 3}, new float[] {nan, 3}, new float[] {1, 1}),
                new float[] {2, 0, nan}, 1.0);

        assertThat(s.cells()).isEqualTo(1);
        assertThat(s.crps()).isCloseTo(0.5, within(1e-12));
        assertThat(s.probabilities().get(0).cells()).isEqualTo(1);
        assertThat(Arrays.stream(s.rankHistogram().fractions()).sum()).isCloseTo(1, within(1e-12));
    }

    @Test
    void allMissingLeavesEveryScoreUndefined() {
        float nan = Float.NaN;
        EnsembleScores s = scores(byCell(new float[] {1, nan}, new float[] {nan, nan}), new float[] {2, 3}, 1.0);

        assertThat(List.of(s.crps(), s.fairCrps(), s.spread(), s.ensembleMeanRmse(), s.spreadSkillRatio()))
                .allMatch(v -> v.isNaN());
        assertThat(Arrays.stream(s.rankHistogram().fractions()).boxed()).allMatch(v -> v.isNaN());
        assertThat(s.probabilities().get(0).brier()).isNaN();
    }

    @Test
    void noEventObservedLeavesTheProbabilitySkillUndefined() {
        EnsembleScores s = scores(byCell(new float[] {0, 2}, new float[] {0, 0}), new float[] {0, 0.5f}, 1.0);
        ProbabilityScores p = s.probabilities().get(0);

        assertThat(p.brier()).isEqualTo(0.125); // (0.5^2 + 0) / 2
        assertThat(p.brierSkillScore()).isNaN();
        assertThat(p.rocArea()).isNaN();
    }

    @Test
    void fieldsOfTheWrongShapeAreRefused() {
        EnsembleScores s = strip(2, 4);

        assertThatThrownBy(() -> s.add(new float[3][4], new float[4])).hasMessage("ensemble has 3 members, expected 2");
        assertThatThrownBy(() -> s.add(new float[][] {new float[4], new float[3]}, new float[4]))
                .hasMessage("member 1 has 3 cells, the observation 4");
        assertThatThrownBy(() -> strip(0, 4)).hasMessage("an ensemble needs at least 1 member, got 0");
    }

    @Test
    void mergingTwoCasesEqualsAccumulatingBoth() {
        Random random = new Random(11);
        float[][][] forecasts = new float[2][4][30];
        float[][] observations = new float[2][30];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 30; i++) {
                observations[c][i] = i % 7 == 0 ? Float.NaN : random.nextInt(4) * 0.5f;
                for (int k = 0; k < 4; k++) {
                    forecasts[c][k][i] = i % 11 == 3 && k == 2 ? Float.NaN : random.nextInt(5) * 0.5f;
                }
            }
        }
        EnsembleScores together = strip(4, 30, 0.5, 1.0);
        EnsembleScores first = strip(4, 30, 0.5, 1.0);
        EnsembleScores second = strip(4, 30, 0.5, 1.0);
        together.add(forecasts[0], observations[0]);
        together.add(forecasts[1], observations[1]);
        first.add(forecasts[0], observations[0]);
        second.add(forecasts[1], observations[1]);

        first.merge(second);

        assertEqualScores(first, together);
        assertThatThrownBy(() -> first.merge(strip(3, 30, 0.5, 1.0)))
                .hasMessage("cannot merge scores of 3 members and 2 thresholds into 4 members and 2 thresholds");
    }

    /** Sums in another order are equal to rounding; counts and what is computed from them exactly. */
    static void assertEqualScores(EnsembleScores actual, EnsembleScores expected) {
        assertThat(actual.cells()).isEqualTo(expected.cells());
        assertThat(actual.crps()).isCloseTo(expected.crps(), within(1e-12));
        assertThat(actual.fairCrps()).isCloseTo(expected.fairCrps(), within(1e-12));
        assertThat(actual.spread()).isCloseTo(expected.spread(), within(1e-12));
        assertThat(actual.ensembleMeanRmse()).isCloseTo(expected.ensembleMeanRmse(), within(1e-12));
        assertThat(actual.rankHistogram().fractions()).containsExactly(expected.rankHistogram().fractions(),
                within(1e-12));
        assertThat(actual.rankHistogram().cells()).isEqualTo(expected.rankHistogram().cells());
        for (int t = 0; t < expected.probabilities().size(); t++) {
            ProbabilityScores a = actual.probabilities().get(t);
            ProbabilityScores e = expected.probabilities().get(t);
            assertThat(a.brier()).isEqualTo(e.brier());
            assertThat(a.brierSkillScore()).isEqualTo(e.brierSkillScore());
            assertThat(a.rocCurve()).isEqualTo(e.rocCurve());
            assertThat(a.reliabilityDiagram()).isEqualTo(e.reliabilityDiagram());
        }
    }
}
