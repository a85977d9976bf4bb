package io.gridcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.ingest.catalog.CatalogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowPlanTest {

    private static final Duration STEP = Duration.ofMinutes(5);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Frames every 5 minutes, leaving out the given frame numbers (gaps). */
    private static List<CatalogEntry> archive(int frames, int... missing) {
        Set<Integer> gaps = new HashSet<>();
        for (int m : missing) {
            gaps.add(m);
        }
        List<CatalogEntry> entries = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            if (!gaps.contains(i)) {
                entries.add(new CatalogEntry(T0.plus(STEP.multipliedBy(i)), "f" + i + ".nc", 0));
            }
        }
        return entries;
    }

    private static Set<Integer> framesOf(WindowPlan plan, WindowPlan.Split split) {
        Set<Integer> frames = new HashSet<>();
        for (int start : split.starts()) {
            for (int k = 0; k < plan.in() + plan.out(); k++) {
                frames.add(start + k);
            }
        }
        return frames;
    }

    @Test
    void noFrameIsSharedBetweenSplits() {
        WindowPlan plan = WindowPlan.of(archive(100), STEP, 4, 4, 0.7, 0.15);

        Set<Integer> train = framesOf(plan, plan.train());
        Set<Integer> validation = framesOf(plan, plan.validation());
        Set<Integer> test = framesOf(plan, plan.test());
        assertThat(train).doesNotContainAnyElementsOf(validation).doesNotContainAnyElementsOf(test);
        assertThat(validation).doesNotContainAnyElementsOf(test);
        // 70 training frames hold 70 - 8 + 1 windows; 15 and 15 frames hold 8 each.
        assertThat(plan.train().starts()).hasSize(63);
        assertThat(plan.validation().starts()).hasSize(8);
        assertThat(plan.test().starts()).hasSize(8);
        assertThat(plan.skippedBoundaries()).isEqualTo(14);
        assertThat(plan.train().last()).isBefore(plan.validation().first());
    }

    @Test
    void windowsAcrossAGapAreSkippedAndCounted() {
        // Frame 30 is missing: the 8 windows that would span 29 -> 31 are not built.
        WindowPlan plan = WindowPlan.of(archive(101, 30), STEP, 4, 4, 0.7, 0.15);

        assertThat(plan.skippedGaps()).isEqualTo(7);
        for (int start : plan.train().starts()) {
            assertThat(start + 7 < 30 || start >= 30).as("window at %d crosses the gap", start).isTrue();
        }
    }

    @Test
    void newestInputsMustBeConsecutive() {
        assertThat(WindowPlan.latestInputs(archive(20), STEP, 4)).isEqualTo(16);
        assertThatThrownBy(() -> WindowPlan.latestInputs(archive(20, 17), STEP, 4))
                .hasMessageContaining("newest 4 frames are not 4 consecutive frames");
    }

    @Test
    void tooShortAnArchiveIsAClearError() {
        assertThatThrownBy(() -> WindowPlan.of(archive(20), STEP, 4, 4, 0.7, 0.15))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the validation block (3 of 20 frames) holds no complete window of 4 + 4 frames");
    }

    @Test
    void explicitPeriodsSplitByTimeAndLeaveOutFramesOutsideThem() {
        // 100 frames from 00:00 every 5 minutes; train 00:00-03:00, validation 03:00-04:00, test 05:00-08:20.
        java.util.Map<String, WindowPlan.Period> periods = java.util.Map.of(
                "train", new WindowPlan.Period(T0, T0.plus(Duration.ofHours(3))),
                "validation", new WindowPlan.Period(T0.plus(Duration.ofHours(3)), T0.plus(Duration.ofHours(4))),
                "test", new WindowPlan.Period(T0.plus(Duration.ofHours(5)), T0.plus(Duration.ofHours(9))));
        WindowPlan plan = WindowPlan.byPeriods(archive(100), STEP, 4, 4, periods);
        // 36 frames hold 36 - 8 + 1 windows; 12 frames 5; the test period has frames 60..99: 33.
        assertThat(plan.train().starts()).hasSize(29).startsWith(0).endsWith(28);
        assertThat(plan.validation().starts()).hasSize(5).startsWith(36);
        assertThat(plan.test().starts()).hasSize(33).startsWith(60).endsWith(92);
        assertThat(plan.test().first()).isEqualTo(T0.plus(Duration.ofHours(5)));
        assertThat(plan.test().last()).isEqualTo(T0.plus(STEP.multipliedBy(99)));
        assertThat(framesOf(plan, plan.train())).doesNotContainAnyElementsOf(framesOf(plan, plan.validation()));
    }

    @Test
    void overlappingOrMissingPeriodsAreErrors() {
        WindowPlan.Period morning = new WindowPlan.Period(T0, T0.plus(Duration.ofHours(3)));
        WindowPlan.Period noon = new WindowPlan.Period(T0.plus(Duration.ofHours(2)), T0.plus(Duration.ofHours(4)));
        WindowPlan.Period evening = new WindowPlan.Period(T0.plus(Duration.ofHours(5)), T0.plus(Duration.ofHours(6)));
        assertThatThrownBy(() -> WindowPlan.checkPeriods(java.util.Map.of("train", morning, "validation", noon,
                "test", evening))).hasMessageContaining("train period").hasMessageContaining("overlaps the validation");
        assertThatThrownBy(() -> WindowPlan.checkPeriods(java.util.Map.of("train", morning, "test", evening)))
                .hasMessageContaining("[train, validation, test]");
        assertThatThrownBy(() -> new WindowPlan.Period(T0, T0)).hasMessageContaining("from before to");
    }
}
