package io.gridcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

class WindowPlanTest {

    private static final Duration STEP = Duration.ofMinutes(5);
    private static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

    /** Frame times every 5 minutes, leaving out the given frame numbers (gaps). */
    private static List<Instant> archive(int frames, int... missing) {
        Set<Integer> gaps = new HashSet<>();
        for (int m : missing) {
            gaps.add(m);
        }
        List<Instant> times = new ArrayList<>();
        for (int i = 0; i < frames; i++) {
            if (!gaps.contains(i)) {
                times.add(T0.plus(STEP.multipliedBy(i)));
            }
        }
        return times;
    }

    private static WindowPlan plan(List<Instant> times, WindowSpec spec) {
        return WindowPlan.of(times, new String[times.size()], STEP, spec);
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
    void splitsShareNoFrameAndAreMoreThanOneWindowApart() {
        WindowPlan plan = plan(archive(200), WindowSpec.of(4, 4));

        // Train takes frames 0-139; validation starts after 8 buffer frames (148-169); test likewise (178-199).
        assertThat(plan.train().starts()).hasSize(133);
        assertThat(plan.validation().starts()).hasSize(15).startsWith(148);
        assertThat(plan.test().starts()).hasSize(15).startsWith(178);
        for (int a : framesOf(plan, plan.train())) {
            for (int b : framesOf(plan, plan.validation())) {
                assertThat(b - a).isGreaterThan(8);
            }
        }
        for (int a : framesOf(plan, plan.validation())) {
            for (int b : framesOf(plan, plan.test())) {
                assertThat(b - a).isGreaterThan(8);
            }
        }
        assertThat(plan.skipped()).isEqualTo(Map.of(WindowPlan.SPLIT_BOUNDARY, 30));
        assertThat(plan.validation().first()).isEqualTo(T0.plus(STEP.multipliedBy(148)));
    }

    @Test
    void windowsAcrossAGapOrOverABadFrameAreSkippedAndCountedByReason() {
        List<Instant> times = archive(201, 30); // frame 30 never arrived: the timeline jumps from 29 to 31
        String[] problems = new String[times.size()];
        problems[60] = WindowPlan.MISSING_CELLS;
        problems[90] = WindowPlan.MISSING_CHANNEL;

        WindowPlan plan = WindowPlan.of(times, problems, STEP, WindowSpec.of(4, 4));

        assertThat(plan.skipped()).containsEntry(WindowPlan.GAP, 7).containsEntry(WindowPlan.MISSING_CELLS, 8)
                .containsEntry(WindowPlan.MISSING_CHANNEL, 8);
        for (int start : plan.train().starts()) {
            assertThat(start + 7 < 60 || start > 60).as("window at %d uses frame 60", start).isTrue();
        }
    }

    @Test
    void theStrideSpacesWindowStarts() {
        WindowSpec spec = new WindowSpec(2, 2, 3, 0.5, 0.7, 0.15, List.of(), List.of(), 64, 16, 2, 2);

        WindowPlan plan = plan(archive(200), spec);

        assertThat(plan.train().starts()).allMatch(s -> s % 3 == 0).startsWith(0, 3, 6);
    }

    @Test
    void explicitPeriodsChooseTheBlocks() {
        Instant h = T0.plusSeconds(3600);
        WindowSpec spec = WindowSpec.of(4, 4).withSplits(0, 0, List.of(
                new SplitPeriod("train", T0, h.minusSeconds(1)),
                new SplitPeriod("test", h.plusSeconds(9000), h.plusSeconds(12600)),
                new SplitPeriod("validation", h.plus(STEP.multipliedBy(9)), h.plusSeconds(5400))));

        WindowPlan plan = plan(archive(200), spec);

        // Train holds frames 0-11, validation 21-30, test 42-54 (by time, in any order in the file).
        assertThat(plan.train().starts()).containsExactly(0, 1, 2, 3, 4);
        assertThat(plan.validation().starts()).containsExactly(21, 22, 23);
        assertThat(plan.test().starts()).hasSize(6).first().isEqualTo(42);
        assertThat(plan.test().last()).isEqualTo(h.plusSeconds(12600));
    }

    @Test
    void periodsCloserThanAWindowAreRejected() {
        WindowSpec spec = WindowSpec.of(4, 4).withSplits(0, 0, List.of(
                new SplitPeriod("train", T0, T0.plusSeconds(3600)),
                new SplitPeriod("validation", T0.plusSeconds(3600 + 8 * 300), T0.plusSeconds(7200)),
                new SplitPeriod("test", T0.plusSeconds(9000), T0.plusSeconds(12000))));

        assertThatThrownBy(() -> plan(archive(200), spec))
                .hasMessageContaining("windows.splits: train [2026-01-01T00:00:00Z, 2026-01-01T01:00:00Z] and"
                        + " validation")
                .hasMessageContaining("must be more than 8 steps (PT40M) apart");
    }

    @Test
    void newestInputsMustBeConsecutive() {
        assertThat(WindowPlan.latestInputs(archive(20), STEP, 4)).isEqualTo(16);
        assertThatThrownBy(() -> WindowPlan.latestInputs(archive(20, 17), STEP, 4))
                .hasMessageContaining("newest 4 frames are not 4 consecutive frames");
    }

    @Test
    void tooShortAnArchiveIsAClearError() {
        assertThatThrownBy(() -> plan(archive(40), WindowSpec.of(4, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("the validation block (frames up to 2026-01-01T02:45:00Z) has no frame left after"
                        + " the PT40M buffer");
    }
}
