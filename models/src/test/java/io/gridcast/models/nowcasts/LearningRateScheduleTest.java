package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import java.util.List;

import org.junit.jupiter.api.Test;

class LearningRateScheduleTest {

    private static EpochResult epoch(int n, double validationLoss) {
        return new EpochResult(n, 1, validationLoss, 0, 1e-3);
    }

    @Test
    void cosineRunsFromTheBaseRateToTheMinimumOverTheEpochs() {
        LearningRateSchedule cosine = new LearningRateSchedule("cosine", 0.5, 1, 1e-4);
        assertThat(cosine.rate(1e-2, 1, 5, List.of())).isEqualTo(1e-2);
        assertThat(cosine.rate(1e-2, 3, 5, List.of())).isCloseTo((1e-2 + 1e-4) / 2, within(1e-12));
        assertThat(cosine.rate(1e-2, 5, 5, List.of())).isCloseTo(1e-4, within(1e-12));
    }

    @Test
    void plateauCutsTheRateAfterPatienceEpochsWithoutImprovement() {
        LearningRateSchedule plateau = new LearningRateSchedule("plateau", 0.5, 2, 3e-3);
        List<EpochResult> history = List.of(epoch(1, 1.0), epoch(2, 0.8), epoch(3, 0.9), epoch(4, 0.85));
        assertThat(plateau.rate(1e-2, 3, 10, history.subList(0, 2))).isEqualTo(1e-2);
        assertThat(plateau.rate(1e-2, 5, 10, history)).isEqualTo(5e-3);
        List<EpochResult> longer = List.of(epoch(1, 1.0), epoch(2, 1.1), epoch(3, 1.1), epoch(4, 1.1), epoch(5, 1.1));
        assertThat(plateau.rate(1e-2, 6, 10, longer)).as("never below min_rate").isEqualTo(3e-3);
    }

    @Test
    void rejectsUnknownTypesAndBadParameters() {
        assertThatThrownBy(() -> new LearningRateSchedule("step", 0.5, 1, 0)).hasMessageContaining("'step'")
                .hasMessageContaining("[constant, cosine, plateau]");
        assertThatThrownBy(() -> new LearningRateSchedule("plateau", 1.5, 1, 0)).hasMessageContaining("factor 1.5");
    }
}
