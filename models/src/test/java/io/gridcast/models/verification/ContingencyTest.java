package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.util.List;
import org.junit.jupiter.api.Test;

class ContingencyTest {

    /** A table of the given counts at threshold 1: an event is a value of 1 or more. */
    static Contingency table(int hits, int misses, int falseAlarms, int correctNegatives) {
        Contingency t = new Contingency(1.0);
        for (int i = 0; i < hits; i++) {
            t.add(2f, 2f);
        }
        for (int i = 0; i < misses; i++) {
            t.add(0f, 2f);
        }
        for (int i = 0; i < falseAlarms; i++) {
            t.add(2f, 0f);
        }
        for (int i = 0; i < correctNegatives; i++) {
            t.add(0f, 0f);
        }
        return t;
    }

    @Test
    void everyScoreByHand() {
        Contingency t = table(3, 1, 2, 4); // 10 cells, 4 observed events, 5 forecast

        assertThat(t.csi()).isCloseTo(3.0 / 6, within(1e-12));
        assertThat(t.pod()).isCloseTo(3.0 / 4, within(1e-12));
        assertThat(t.far()).isCloseTo(2.0 / 5, within(1e-12));
        assertThat(t.frequencyBias()).isCloseTo(5.0 / 4, within(1e-12));
        // hits by chance: 4 x 5 / 10 = 2
        assertThat(t.ets()).isCloseTo((3 - 2.0) / (6 - 2.0), within(1e-12));
        // 2 (3 x 4 - 1 x 2) / (4 x 5 + 5 x 6)
        assertThat(t.hss()).isCloseTo(20.0 / 50, within(1e-12));
    }

    @Test
    void noEventsLeaveEveryScoreUndefined() {
        Contingency t = table(0, 0, 0, 4);

        assertThat(List.of(t.csi(), t.pod(), t.far(), t.frequencyBias(), t.ets(), t.hss()))
                .allMatch(v -> v.isNaN());
    }

    @Test
    void allEventsForecastAndObservedArePerfectWhereDefined() {
        Contingency t = table(4, 0, 0, 0);

        assertThat(t.csi()).isEqualTo(1.0);
        assertThat(t.pod()).isEqualTo(1.0);
        assertThat(t.far()).isEqualTo(0.0);
        assertThat(t.frequencyBias()).isEqualTo(1.0);
        // with every cell an event, chance explains every hit: ETS and HSS are 0/0
        assertThat(t.ets()).isNaN();
        assertThat(t.hss()).isNaN();
    }

    @Test
    void eventsObservedButNeverForecast() {
        Contingency t = table(0, 3, 0, 1);

        assertThat(t.csi()).isEqualTo(0.0);
        assertThat(t.pod()).isEqualTo(0.0);
        assertThat(t.far()).as("no forecast events: no false alarm ratio").isNaN();
        assertThat(t.frequencyBias()).isEqualTo(0.0);
        assertThat(t.ets()).isEqualTo(0.0);
        assertThat(t.hss()).isEqualTo(0.0);
    }

    @Test
    void mergedTablesAddTheirCounts() {
        Contingency a = table(1, 0, 1, 0);
        a.merge(table(2, 1, 1, 4));

        assertThat(new long[] {a.hits(), a.misses(), a.falseAlarms(), a.correctNegatives()}).containsExactly(3, 1, 2, 4);
        assertThat(a.ets()).isCloseTo(0.25, within(1e-12));
    }
}
