package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;

class LeadScoresTest {

    /** Scores of a 1 x n strip: enough for the cell-by-cell scores. */
    static LeadScores strip(int cells, double... thresholds) {
        return new LeadScores(Arrays.stream(thresholds).boxed().toList(), List.of(), 1, cells);
    }

    @Test
    void errorsAndContingencyByHand() {
        LeadScores scores = strip(4, 1.0);
        // forecast vs observed: hit (2, 3), miss (0, 1), false alarm (1.5, 0), correct negative (0, 0.5)
        scores.add(new float[] {2f, 0f, 1.5f, 0f}, new float[] {3f, 1f, 0f, 0.5f});

        assertThat(scores.mse()).isCloseTo((1 + 1 + 2.25 + 0.25) / 4, within(1e-12));
        assertThat(scores.rmse()).isCloseTo(Math.sqrt(1.125), within(1e-12));
        assertThat(scores.mae()).isCloseTo((1 + 1 + 1.5 + 0.5) / 4, within(1e-12));
        assertThat(scores.bias()).isCloseTo((-1 - 1 + 1.5 - 0.5) / 4, within(1e-12));
        // deviations from the means 0.875 and 1.125: sum of products 2.0625, sums of squares 3.1875 and 5.1875
        assertThat(scores.pearson()).isCloseTo(2.0625 / Math.sqrt(3.1875 * 5.1875), within(1e-12));
        Contingency table = scores.contingencies().get(0);
        assertThat(List.of(table.hits(), table.misses(), table.falseAlarms(), table.correctNegatives()))
                .containsExactly(1L, 1L, 1L, 1L);
        assertThat(table.csi()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void missingCellsAreLeftOut() {
        LeadScores scores = strip(3, 1.0);
        scores.add(new float[] {Float.NaN, 2f, 4f}, new float[] {1f, Float.NaN, 2f});

        assertThat(scores.cells()).isEqualTo(1);
        assertThat(scores.mse()).isEqualTo(4.0);
        assertThat(scores.bias()).isEqualTo(2.0);
        assertThat(scores.contingencies().get(0).hits()).isEqualTo(1);
    }

    @Test
    void noEventsAnywhereGivesNoCsiRatherThanZero() {
        LeadScores scores = strip(2, 5.0);
        scores.add(new float[] {0f, 1f}, new float[] {0f, 2f});

        assertThat(scores.contingencies().get(0).csi()).isNaN();
    }

    @Test
    void aConstantForecastHasNoCorrelation() {
        LeadScores scores = strip(3);
        scores.add(new float[] {1f, 1f, 1f}, new float[] {0f, 1f, 2f});

        assertThat(scores.pearson()).isNaN();
        assertThat(strip(3).mse()).as("no cells at all").isNaN();
    }

    @Test
    void fieldsOfTheWrongSizeAreRefused() {
        assertThatThrownBy(() -> strip(3).add(new float[4], new float[4]))
                .hasMessage("forecast has 4 cells, observation 4, expected 1 x 3");
    }

    @Test
    void mergingTwoCasesEqualsAccumulatingBoth() {
        float[][] forecasts = {{1f, 3f, 0f, 2f}, {0f, 6f, 1f, 1f}};
        float[][] observations = {{2f, 3f, 0f, 0f}, {4f, 5f, 2f, 0f}};
        LeadScores together = new LeadScores(List.of(2.0), List.of(1, 2), 2, 2);
        LeadScores first = new LeadScores(List.of(2.0), List.of(1, 2), 2, 2);
        LeadScores second = new LeadScores(List.of(2.0), List.of(1, 2), 2, 2);
        together.add(forecasts[0], observations[0]);
        together.add(forecasts[1], observations[1]);
        first.add(forecasts[0], observations[0]);
        second.add(forecasts[1], observations[1]);

        first.merge(second);

        assertThat(first.mse()).isEqualTo(together.mse());
        assertThat(first.pearson()).isCloseTo(together.pearson(), within(1e-12));
        assertThat(first.ssim()).isCloseTo(together.ssim(), within(1e-12));
        assertThat(first.contingencies().get(0).csi()).isEqualTo(together.contingencies().get(0).csi());
        assertThat(first.fss()).extracting(Fss::scale).containsExactly(1, 2);
        for (int i = 0; i < 2; i++) {
            assertThat(first.fss().get(i).fss()).isEqualTo(together.fss().get(i).fss());
        }
    }
}
