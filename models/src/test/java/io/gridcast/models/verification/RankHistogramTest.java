package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RankHistogramTest {

    private static final double THIRD = 1.0 / 3;

    /** Ensemble scores of {@code height x width} cells with the rank histogram's X_min {@code min}. */
    private static EnsembleScores grid(int members, double min, int height, int width) {
        return new EnsembleScores(members, List.of(), min, height, width);
    }

    @Test
    void belowTheMinimumEveryValueTiesAndAllDryCellsAreNotCounted() {
        // X_min 0.1, four members per cell
        EnsembleScores s = grid(4, 0.1, 1, 5);
        s.add(EnsembleScoresTest.byCell(
                        new float[] {0, 0.05f, 0.02f, 0.09f},  // observed 0: all below X_min, not counted
                        new float[] {0, 0.05f, 0.5f, 2},       // observed 0 ties the two dry members: ranks 0, 1, 2
                        new float[] {0, 0.2f, 0.5f, 2},        // observed 0.3: 0 and 0.2 below it, rank 2
                        new float[] {0, 0, 0, 0.05f},          // observed 1 above every member, rank 4
                        new float[] {0.5f, 1, 1, 3}),          // observed 1 ties two members: ranks 1, 2, 3
                new float[] {0, 0, 0.3f, 1, 1});

        RankHistogram ranks = s.rankHistogram();
        assertThat(ranks.cells()).isEqualTo(4);
        assertThat(s.cells()).as("every other score counts every cell").isEqualTo(5);
        assertThat(ranks.fractions()).containsExactly(new double[] {THIRD / 4, (THIRD + THIRD) / 4,
                (THIRD + 1 + THIRD) / 4, THIRD / 4, 0.25}, within(1e-12));
    }

    @Test
    void withoutAMinimumEveryCellCountsAndTracesAreRanks() {
        EnsembleScores s = grid(4, Double.NEGATIVE_INFINITY, 1, 2);
        s.add(EnsembleScoresTest.byCell(new float[] {0, 0.05f, 0.02f, 0.09f}, new float[] {0, 0, 0, 0}),
                new float[] {0, 0});

        // observed 0 ties the one member at 0 (ranks 0 and 1); then ties all four (ranks 0 to 4)
        assertThat(s.rankHistogram().fractions()).containsExactly(new double[] {(0.5 + 0.2) / 2, (0.5 + 0.2) / 2,
                0.1, 0.1, 0.1}, within(1e-12));
    }

    @Test
    void countsAsPystepsRankhistAccumExpects() {
        Random random = new Random(17);
        for (double min : new double[] {Double.NEGATIVE_INFINITY, 0.1, 1.0}) {
            int members = 6;
            int cells = 400;
            float[][] forecast = new float[members][cells];
            float[] observed = new float[cells];
            for (int i = 0; i < cells; i++) {
                observed[i] = rain(random);
                for (int k = 0; k < members; k++) {
                    forecast[k][i] = rain(random);
                }
            }
            EnsembleScores s = grid(members, min, 20, 20);
            s.add(forecast, observed);

            double[] expected = pystepsRankhist(forecast, observed, min);
            double counted = Arrays.stream(expected).sum();
            assertThat(s.rankHistogram().cells()).as("X_min %s", min).isEqualTo(Math.round(counted));
            assertThat(s.rankHistogram().fractions()).as("X_min %s", min)
                    .containsExactly(Arrays.stream(expected).map(c -> c / counted).toArray(), within(1e-12));
        }
    }

    /** Dry (0), a trace, or rain on a coarse grid of values, so that ties are common. */
    private static float rain(Random random) {
        return switch (random.nextInt(4)) {
            case 0 -> 0f;
            case 1 -> random.nextInt(3) * 0.05f;
            default -> random.nextInt(8) * 0.5f;
        };
    }

    /**
     * pysteps' {@code rankhist_accum} (pysteps 1.7, {@code verification/ensscores.py}), step by step, with the
     * expectation of its random choice among tied ranks: pairs where the observation and every member are below
     * X_min are left out, values below X_min become X_min - 1, the observation joins the sorted members, and its
     * rank runs from its first to its last position among equal values.
     */
    private static double[] pystepsRankhist(float[][] forecast, float[] observed, double min) {
        int members = forecast.length;
        double[] counts = new double[members + 1];
        for (int i = 0; i < observed.length; i++) {
            boolean anyAbove = observed[i] >= min;
            for (float[] member : forecast) {
                anyAbove |= member[i] >= min;
            }
            if (!anyAbove) {
                continue;
            }
            double o = observed[i] < min ? min - 1 : observed[i];
            double[] combined = new double[members + 1];
            for (int k = 0; k < members; k++) {
                combined[k] = forecast[k][i] < min ? min - 1 : forecast[k][i];
            }
            combined[members] = o;
            Arrays.sort(combined);
            int firstEqual = 0;
            while (combined[firstEqual] != o) {
                firstEqual++;
            }
            int equalAbove = 0; // np.fliplr: the first equal value from the top
            while (combined[members - equalAbove] != o) {
                equalAbove++;
            }
            int last = members - equalAbove;
            for (int r = firstEqual; r <= last; r++) {
                counts[r] += 1.0 / (last - firstEqual + 1);
            }
        }
        return counts;
    }

    @Test
    void flatnessIsPearsonsChiSquareWhenCellsAreIndependent() {
        // one member, three cells in a row: observed below, above, above; transforms 0.25, 0.75, 0.75
        EnsembleScores s = grid(1, Double.NEGATIVE_INFINITY, 1, 3);
        s.add(new float[][] {{1, 1, 1}}, new float[] {0, 2, 2});

        RankHistogram ranks = s.rankHistogram();
        // east neighbours (0.25, 0.75) and (0.75, 0.75): one side constant, no correlation to count
        assertThat(ranks.inflation()).isEqualTo(1.0);
        assertThat(ranks.effectiveCells()).isEqualTo(3.0);
        // counts 1 and 2 against 1.5 each: chi-square 1/3 of one degree of freedom, P = 2 (1 - Phi(sqrt(1/3)))
        assertThat(ranks.flatnessP()).isCloseTo(0.5637, within(1e-4));
    }

    @Test
    void theMembersOwnRanksAmongEachOtherInflateTheVarianceByTheirCorrelations() {
        // two members in a row of four cells: member 0 below member 1, below, above, above; its transforms among the
        // others 0.25, 0.25, 0.75, 0.75, member 1's the mirror; the observations say nothing of the correlation
        EnsembleScores row = grid(2, Double.NEGATIVE_INFINITY, 1, 4);
        row.add(new float[][] {{1, 1, 3, 3}, {3, 3, 1, 1}}, new float[] {0, 5, 0, 5});

        RankHistogram ranks = row.rankHistogram();
        // east lag 1, both members' pairs: (.25, .25), (.25, .75), (.75, .75), (.75, .75), (.75, .25), (.25, .25),
        // correlation 1/3; lag 2: (.25, .75) and (.75, .25) twice each, -1, which ends the sum
        assertThat(ranks.inflation()).isCloseTo(1 + 2 * THIRD, within(1e-12));
        assertThat(ranks.effectiveCells()).isCloseTo(4 / (1 + 2 * THIRD), within(1e-12));
        // observed below both members twice and above both twice: counts 2, 0, 2 against 4/3 each, chi-square 2
        // of 2 degrees of freedom on 4 cells, 2 / (5/3) = 1.2 on the effective ones: P = exp(-1.2 / 2)
        assertThat(ranks.flatnessP()).isCloseTo(Math.exp(-0.6), within(1e-9));
    }

    @Test
    void correlatedFieldsOfACalibratedEnsemblePassAndAnUnderDispersiveOneFails() {
        int size = 48;
        int members = 10;
        Random random = new Random(23);
        EnsembleScores calibrated = grid(members, Double.NEGATIVE_INFINITY, size, size);
        EnsembleScores narrow = grid(members, Double.NEGATIVE_INFINITY, size, size);
        for (int c = 0; c < 12; c++) {
            // observation and members: independent draws of one smooth field (exchangeable, so ranks are flat)
            float[] observed = smooth(random, size);
            float[][] forecast = new float[members][];
            float[][] tooClose = new float[members][];
            for (int k = 0; k < members; k++) {
                forecast[k] = smooth(random, size);
                tooClose[k] = new float[forecast[k].length];
                for (int i = 0; i < tooClose[k].length; i++) {
                    tooClose[k][i] = 0.4f * forecast[k][i];
                }
            }
            calibrated.add(forecast, observed);
            narrow.add(tooClose, observed);
        }

        RankHistogram flat = calibrated.rankHistogram();
        assertThat(flat.inflation()).as("smooth fields, correlated over several cells").isGreaterThan(10);
        assertThat(flat.flatnessP()).isGreaterThan(0.05);
        assertThat(narrow.rankHistogram().flatnessP()).isLessThan(1e-3);
    }

    /** Unit white noise averaged over 7 x 7 boxes (periodic): a field correlated over a few cells. */
    private static float[] smooth(Random random, int size) {
        double[] white = new double[size * size];
        for (int i = 0; i < white.length; i++) {
            white[i] = random.nextGaussian();
        }
        float[] field = new float[white.length];
        for (int y = 0; y < size; y++) {
            for (int x = 0; x < size; x++) {
                double sum = 0;
                for (int dy = -3; dy <= 3; dy++) {
                    for (int dx = -3; dx <= 3; dx++) {
                        sum += white[Math.floorMod(y + dy, size) * size + Math.floorMod(x + dx, size)];
                    }
                }
                field[y * size + x] = (float) (sum / 7);
            }
        }
        return field;
    }

    @Test
    void mergedHistogramsAddTheirCountsAndRefuseOtherShapes() {
        Random random = new Random(29);
        float[][][] forecasts = new float[2][3][36];
        float[][] observations = new float[2][36];
        for (int c = 0; c < 2; c++) {
            for (int i = 0; i < 36; i++) {
                observations[c][i] = rain(random);
                for (int k = 0; k < 3; k++) {
                    forecasts[c][k][i] = rain(random);
                }
            }
        }
        EnsembleScores first = grid(3, 0.1, 6, 6);
        EnsembleScores second = grid(3, 0.1, 6, 6);
        EnsembleScores apart = grid(3, 0.1, 6, 6);
        EnsembleScores alone = grid(3, 0.1, 6, 6);
        first.add(forecasts[0], observations[0]);
        second.add(forecasts[1], observations[1]);
        apart.add(forecasts[0], observations[0]);
        alone.add(forecasts[1], observations[1]);

        first.merge(second);

        RankHistogram merged = first.rankHistogram();
        assertThat(merged.cells()).isEqualTo(apart.rankHistogram().cells() + alone.rankHistogram().cells());
        for (int r = 0; r <= 3; r++) {
            assertThat(merged.fractions()[r] * merged.cells()).as("rank %d", r).isCloseTo(
                    apart.rankHistogram().fractions()[r] * apart.rankHistogram().cells()
                            + alone.rankHistogram().fractions()[r] * alone.rankHistogram().cells(), within(1e-9));
        }
        assertThatThrownBy(() -> first.merge(grid(3, 0.2, 6, 6))).hasMessageContaining("min 0.2");
        assertThatThrownBy(() -> first.add(new float[3][30], new float[30])).hasMessage(
                "a case of 30 cells, expected 6 x 6");
    }
}
