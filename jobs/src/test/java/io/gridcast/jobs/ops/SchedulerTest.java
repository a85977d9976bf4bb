package io.gridcast.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.ZonedDateTime;
import org.junit.jupiter.api.Test;
import org.springframework.scheduling.support.CronExpression;

/** Which slot runs when the scheduler wakes up late: the latest one, and the others are reported as missed. */
class SchedulerTest {

    static final CronExpression EVERY_TEN_MINUTES = CronExpression.parse("0 */10 * * * *");

    @Test
    void onTimeNothingIsMissed() {
        ZonedDateTime slot = ZonedDateTime.parse("2026-01-01T12:10:00Z");

        Scheduler.Due due = Scheduler.due(EVERY_TEN_MINUTES, slot, slot.plusSeconds(3));

        assertThat(due.slot()).isEqualTo(slot);
        assertThat(due.missed()).isEmpty();
    }

    @Test
    void wakingUpThirtyFiveMinutesLateRunsTheLatestSlotAndReportsTheThreeBefore() {
        ZonedDateTime slot = ZonedDateTime.parse("2026-01-01T12:10:00Z");

        Scheduler.Due due = Scheduler.due(EVERY_TEN_MINUTES, slot, ZonedDateTime.parse("2026-01-01T12:45:00Z"));

        assertThat(due.slot()).isEqualTo("2026-01-01T12:40:00Z");
        assertThat(due.missed()).extracting(ZonedDateTime::toString)
                .containsExactly("2026-01-01T12:10Z", "2026-01-01T12:20Z", "2026-01-01T12:30Z");
    }
}
