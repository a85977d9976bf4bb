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
        assertThat(plan.choice()).isEqualTo("the configured shares (train 0.7, validation 0.15)");
        assertThat(plan.trainable()).isTrue();
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
    void aShortArchiveGetsBlocksThatFitAndTheReason() {
        // 61 frames (6 hours of 6-minute radar): 70% train leaves 1 frame of validation after the buffer.
        WindowPlan plan = plan(archive(61), WindowSpec.of(4, 4));

        // After two buffers of 8 frames, 24 window starts are shared 0.7 / 0.15 / 0.15: 18, 3 and 3.
        assertThat(plan.train().starts()).hasSize(18).startsWith(0);
        assertThat(plan.validation().starts()).containsExactly(33, 34, 35);
        assertThat(plan.test().starts()).containsExactly(51, 52, 53);
        assertThat(plan.test().last()).isEqualTo(T0.plus(STEP.multipliedBy(60)));
        assertThat(framesOf(plan, plan.validation())).allMatch(f -> f - 24 > 8);
        assertThat(plan.trainable()).isTrue();
        assertThat(plan.choice()).isEqualTo("blocks fitted to the archive's 61 frames, because with the configured"
                + " shares (train 0.7, validation 0.15) the validation block (2026-01-01T04:10:00Z to 2026-01-01T04:10:00Z,"
                + " 1 frame) and the test block (2026-01-01T04:55:00Z to 2026-01-01T05:00:00Z, 2 frames) hold no"
                + " complete window of 4 + 4 usable consecutive frames (skipped: {split_boundary=19})");
        assertThat(plan.describe()).endsWith(plan.choice());
    }

    @Test
    void anArchiveTooShortToTrainOnIsOneTestBlockForTheBaselines() {
        WindowPlan plan = plan(archive(39), WindowSpec.of(4, 4));

        assertThat(plan.trainable()).isFalse();
        assertThat(plan.train().starts()).isEmpty();
        assertThat(plan.validation().starts()).isEmpty();
        assertThat(plan.test().starts()).hasSize(32).startsWith(0);
        assertThat(plan.choice()).startsWith("no training: ").endsWith("each of the train, validation and test"
                + " blocks needs at least 8 consecutive usable frames (windows.in 4 + windows.out 4) and the blocks are"
                + " 8 frames apart, so 40 frames in all; use fewer windows.in or windows.out, or a longer archive");
        assertThat(plan(archive(40), WindowSpec.of(4, 4)).trainable()).as("one frame more is enough").isTrue();
    }

    @Test
    void notOneWindowIsAClearError() {
        assertThatThrownBy(() -> plan(archive(7), WindowSpec.of(4, 4)))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageStartingWith("not one window of 4 + 4 usable consecutive frames in the archive's 7 frames"
                        + " (2026-01-01T00:00:00Z to 2026-01-01T00:30:00Z, skipped: {}); each of the train, validation"
                        + " and test blocks needs at least 8");
    }

    @Test
    void explicitPeriodsStayAsConfiguredAndTheErrorSaysWhatEachNeeds() {
        Instant h = T0.plusSeconds(3600);
        List<SplitPeriod> shortTest = List.of(new SplitPeriod("train", T0, h),
                new SplitPeriod("validation", h.plusSeconds(3000), h.plusSeconds(6000)),
                new SplitPeriod("test", h.plusSeconds(9000), h.plusSeconds(9900)));

        assertThatThrownBy(() -> plan(archive(200), WindowSpec.of(4, 4).withSplits(0, 0, shortTest)))
                .hasMessageStartingWith("windows.splits: the test block (2026-01-01T03:30:00Z to 2026-01-01T03:45:00Z,"
                        + " 4 frames) holds no complete window of 4 + 4 usable consecutive frames")
                .hasMessageContaining("needs at least 8 consecutive usable frames")
                .hasMessageEndingWith("change windows.splits, use fewer windows.in or windows.out, or a longer archive");

        List<SplitPeriod> shortTrain = List.of(new SplitPeriod("train", T0, T0.plusSeconds(600)),
                new SplitPeriod("validation", h.plusSeconds(3000), h.plusSeconds(6000)),
                new SplitPeriod("test", h.plusSeconds(9000), h.plusSeconds(12600)));
        WindowPlan plan = plan(archive(200), WindowSpec.of(4, 4).withSplits(0, 0, shortTrain));
        assertThat(plan.trainable()).isFalse();
        assertThat(plan.test().starts()).hasSize(6);
        assertThat(plan.choice()).startsWith("windows.splits as configured; no training: the train block");
    }
}
