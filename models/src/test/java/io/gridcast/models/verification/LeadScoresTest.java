package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class LeadScoresTest {

    @Test
    void errorsAndContingencyByHand() {
        LeadScores scores = new LeadScores(List.of(1.0));
        // forecast vs observed: hit (2, 3), miss (0, 1), false alarm (1.5, 0), correct negative (0, 0.5)
        scores.add(new float[] {2f, 0f, 1.5f, 0f}, new float[] {3f, 1f, 0f, 0.5f});

        assertThat(scores.mse()).isCloseTo((1 + 1 + 2.25 + 0.25) / 4, within(1e-12));
        assertThat(scores.mae()).isCloseTo((1 + 1 + 1.5 + 0.5) / 4, within(1e-12));
        Contingency table = scores.contingencies().get(0);
        assertThat(List.of(table.hits(), table.misses(), table.falseAlarms(), table.correctNegatives()))
                .containsExactly(1L, 1L, 1L, 1L);
        assertThat(table.csi()).isCloseTo(1.0 / 3, within(1e-12));
    }

    @Test
    void missingCellsAreLeftOut() {
        LeadScores scores = new LeadScores(List.of(1.0));
        scores.add(new float[] {Float.NaN, 2f, 4f}, new float[] {1f, Float.NaN, 2f});

        assertThat(scores.cells()).isEqualTo(1);
        assertThat(scores.mse()).isEqualTo(4.0);
    }

    @Test
    void noEventsAnywhereGivesNoCsiRatherThanZero() {
        LeadScores scores = new LeadScores(List.of(5.0));
        scores.add(new float[] {0f, 1f}, new float[] {0f, 2f});

        assertThat(scores.contingencies().get(0).csi()).isNaN();
    }

    @Test
    void mergingTwoCasesEqualsAccumulatingBoth() {
        float[][] forecasts = {{1f, 3f}, {0f, 6f}};
        float[][] observations = {{2f, 3f}, {4f, 5f}}; // at 2: miss, hit, miss, hit
        LeadScores together = new LeadScores(List.of(2.0));
        LeadScores first = new LeadScores(List.of(2.0));
        LeadScores second = new LeadScores(List.of(2.0));
        together.add(forecasts[0], observations[0]);
        together.add(forecasts[1], observations[1]);
        first.add(forecasts[0], observations[0]);
        second.add(forecasts[1], observations[1]);

        first.merge(second);

        assertThat(first.mse()).isEqualTo(together.mse());
        assertThat(first.contingencies().get(0).csi()).isEqualTo(together.contingencies().get(0).csi()).isEqualTo(0.5);
    }
}
