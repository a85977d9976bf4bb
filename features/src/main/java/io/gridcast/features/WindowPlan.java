package io.gridcast.features;

import java.io.Serializable;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Sliding windows of {@code in} input frames followed by {@code out} target frames, every {@code stride} frames,
 * split in time into training, validation and test blocks. Consecutive blocks are more than {@code in + out}
 * steps apart (the buffer), and a window belongs to a block only if all its frames do, so no frame (input or
 * target) of one split is within a window's reach of another. Windows that are not built are counted by
 * reason: {@code gap} (a time step missing from the catalog: never delivered or quarantined at ingest),
 * {@code missing_channel} (another input variable lacks the time), {@code missing_cells} (too many missing
 * cells in the region) and {@code split_boundary} (across a block edge or in a buffer).
 *
 * <p>When the configured shares leave a block without a complete window (a short archive), blocks that fit are
 * chosen instead; when no three blocks fit, every window is a test window and the training and validation blocks
 * are empty: the baselines, which learn nothing, are still verified, and {@link #trainable()} says no.
 *
 * @param choice how the blocks were chosen and why, for the log, the model metadata and the report
 */
public record WindowPlan(int in, int out, int stride, Duration step, Split train, Split validation, Split test,
                         Map<String, Integer> skipped, String choice) implements Serializable {

    public static final String GAP = "gap";
    public static final String MISSING_CHANNEL = "missing_channel";
    public static final String MISSING_CELLS = "missing_cells";
    public static final String SPLIT_BOUNDARY = "split_boundary";

    /**
     * One time block: its first and last times (null for an empty block of a plan that cannot train) and the
     * start indices (into the timeline) of its windows.
     */
    public record Split(String name, Instant first, Instant last, List<Integer> starts) implements Serializable {
    }

    /**
     * @param times    the frame times in order (the forecast variable's catalog)
     * @param problems per frame, why no window may use it ({@link #MISSING_CHANNEL}, {@link #MISSING_CELLS}) or null
     */
    public static WindowPlan of(List<Instant> times, String[] problems, Duration step, WindowSpec spec) {
        if (times.isEmpty()) {
            throw new IllegalArgumentException("no frames to cut windows from");
        }
        int length = spec.in() + spec.out();
        Duration buffer = step.multipliedBy(length);
        if (!spec.periods().isEmpty()) {
            WindowPlan plan = cut(times, problems, step, spec, checkedPeriods(spec.periods(), buffer, length),
                    "windows.splits as configured");
            String empty = plan.emptyBlocks(times, spec);
            if (empty == null) {
                return plan;
            }
            String advice = empty + "; " + requirement(spec)
                    + "; change windows.splits, use fewer windows.in or windows.out, or a longer archive";
            if (plan.test().starts().isEmpty()) {
                throw new IllegalArgumentException("windows.splits: " + advice);
            }
            return plan.withChoice("windows.splits as configured; no training: " + advice);
        }
        String shares = "the configured shares (train " + spec.trainFraction() + ", validation "
                + spec.validationFraction() + ")";
        String why;
        try {
            WindowPlan plan = cut(times, problems, step, spec, fractionPeriods(times, spec, buffer), shares);
            why = plan.emptyBlocks(times, spec);
            if (why == null) {
                return plan;
            }
        } catch (IllegalArgumentException e) {
            why = e.getMessage();
        }
        List<SplitPeriod> fitted = fittedPeriods(times, spec);
        if (fitted != null) {
            WindowPlan plan = cut(times, problems, step, spec, fitted, "blocks fitted to the archive's "
                    + times.size() + " frames, because with " + shares + " " + why);
            String empty = plan.emptyBlocks(times, spec);
            if (empty == null) {
                return plan;
            }
            why = empty;
        }
        String advice = requirement(spec) + "; use fewer windows.in or windows.out, or a longer archive";
        WindowPlan testOnly = cut(times, problems, step, spec,
                List.of(new SplitPeriod("test", times.get(0), times.get(times.size() - 1))),
                "no training: " + why + "; " + advice);
        if (testOnly.test().starts().isEmpty()) {
            throw new IllegalArgumentException("not one window of " + spec.in() + " + " + spec.out() + " usable"
                    + " consecutive frames in the archive's " + times.size() + " frames (" + times.get(0) + " to "
                    + times.get(times.size() - 1) + ", skipped: " + testOnly.skipped() + "); " + advice);
        }
        return testOnly;
    }

    /** Cuts the windows of {@code periods}; a block not among them (train, validation) stays empty. */
    private static WindowPlan cut(List<Instant> times, String[] problems, Duration step, WindowSpec spec,
                                  List<SplitPeriod> periods, String choice) {
        int n = times.size();
        int length = spec.in() + spec.out();
        Map<String, List<Integer>> starts = new LinkedHashMap<>();
        periods.forEach(p -> starts.put(p.name(), new ArrayList<>()));
        Map<String, Integer> skipped = new TreeMap<>();
        for (int s = 0; s + length <= n; s += spec.stride()) {
            String reason = !consecutive(times, s, length, step) ? GAP : firstProblem(problems, s, length);
            if (reason == null) {
                Instant first = times.get(s);
                Instant last = times.get(s + length - 1);
                SplitPeriod block = periods.stream().filter(p -> p.contains(first) && p.contains(last))
                        .findFirst().orElse(null);
                if (block != null) {
                    starts.get(block.name()).add(s);
                    continue;
                }
                reason = SPLIT_BOUNDARY;
            }
            skipped.merge(reason, 1, Integer::sum);
        }
        Map<String, Split> splits = new LinkedHashMap<>();
        for (String name : List.of("train", "validation", "test")) {
            splits.put(name, new Split(name, null, null, List.of()));
        }
        for (SplitPeriod p : periods) {
            splits.put(p.name(), new Split(p.name(), p.first(), p.last(), List.copyOf(starts.get(p.name()))));
        }
        return new WindowPlan(spec.in(), spec.out(), spec.stride(), step, splits.get("train"),
                splits.get("validation"), splits.get("test"), Map.copyOf(skipped), choice);
    }

    /** Why blocks hold no window, or null when every block holds one. */
    private String emptyBlocks(List<Instant> times, WindowSpec spec) {
        List<String> empty = new ArrayList<>();
        for (Split s : splits()) {
            if (s.starts().isEmpty()) {
                long frames = times.stream().filter(t -> !t.isBefore(s.first()) && !t.isAfter(s.last())).count();
                empty.add("the " + s.name() + " block (" + s.first() + " to " + s.last() + ", " + frames
                        + (frames == 1 ? " frame)" : " frames)"));
            }
        }
        return empty.isEmpty() ? null : String.join(" and ", empty) + (empty.size() == 1 ? " holds" : " hold")
                + " no complete window of " + spec.in() + " + " + spec.out() + " usable consecutive frames (skipped: "
                + skipped + ")";
    }

    private WindowPlan withChoice(String why) {
        return new WindowPlan(in, out, stride, step, train, validation, test, skipped, why);
    }

    /** What a block needs, in words: the numbers a user changes the configuration or the archive by. */
    private static String requirement(WindowSpec spec) {
        int length = spec.in() + spec.out();
        int block = length + spec.stride() - 1;
        return "each of the train, validation and test blocks needs at least " + block + " consecutive usable frames"
                + " (windows.in " + spec.in() + " + windows.out " + spec.out()
                + (spec.stride() > 1 ? " + windows.stride " + spec.stride() + " - 1" : "") + ") and the blocks are "
                + length + " frames apart, so " + (3 * block + 2 * length) + " frames in all";
    }

    /**
     * Blocks for a short archive, by frame count: after the two buffers, the window starts left are shared out by
     * the configured shares, each block keeping at least {@code stride} starts (so at least one window); the
     * training block gives up starts first. Null when the archive is too short for three blocks.
     */
    private static List<SplitPeriod> fittedPeriods(List<Instant> times, WindowSpec spec) {
        int length = spec.in() + spec.out();
        int starts = times.size() - 2 * length - 3 * (length - 1);
        int least = spec.stride();
        if (starts < 3 * least) {
            return null;
        }
        int validation = Math.max(least, (int) Math.floor(starts * spec.validationFraction()));
        int test = Math.max(least, (int) Math.floor(starts * (1 - spec.trainFraction() - spec.validationFraction())));
        int train = starts - validation - test;
        while (train < least) {
            if (test >= validation && test > least) {
                test--;
            } else {
                validation--;
            }
            train++;
        }
        int trainEnd = train + length - 1;
        int validationStart = trainEnd + length;
        int validationEnd = validationStart + validation + length - 1;
        int testStart = validationEnd + length;
        return List.of(new SplitPeriod("train", times.get(0), times.get(trainEnd - 1)),
                new SplitPeriod("validation", times.get(validationStart), times.get(validationEnd - 1)),
                new SplitPeriod("test", times.get(testStart), times.get(times.size() - 1)));
    }

    /** Oldest {@code train} share, then {@code validation}, then the rest; each later block starts after the buffer. */
    private static List<SplitPeriod> fractionPeriods(List<Instant> times, WindowSpec spec, Duration buffer) {
        int n = times.size();
        int trainEnd = Math.max(1, (int) Math.floor(n * spec.trainFraction()));
        int validationEnd = Math.max(trainEnd, (int) Math.floor(n * (spec.trainFraction() + spec.validationFraction())));
        SplitPeriod train = new SplitPeriod("train", times.get(0), times.get(trainEnd - 1));
        SplitPeriod validation = after(train, "validation", times, validationEnd - 1, buffer);
        SplitPeriod test = after(validation, "test", times, n - 1, buffer);
        return List.of(train, validation, test);
    }

    private static SplitPeriod after(SplitPeriod previous, String name, List<Instant> times, int lastIndex,
                                     Duration buffer) {
        Instant earliest = previous.last().plus(buffer);
        Instant last = times.get(Math.max(0, lastIndex));
        Instant first = times.stream().filter(t -> t.isAfter(earliest)).findFirst().orElse(null);
        if (first == null || first.isAfter(last)) {
            throw new IllegalArgumentException("the " + name + " block (frames up to " + last + ") has no frame left"
                    + " after the " + buffer + " buffer that follows the " + previous.name() + " block (ending "
                    + previous.last() + ")");
        }
        return new SplitPeriod(name, first, last);
    }

    /** Explicit periods must be more than the buffer apart, so no target of one is an input of another. */
    private static List<SplitPeriod> checkedPeriods(List<SplitPeriod> periods, Duration buffer, int length) {
        for (SplitPeriod a : periods) {
            for (SplitPeriod b : periods) {
                if (a != b && !a.first().isAfter(b.first()) && !b.first().isAfter(a.last().plus(buffer))) {
                    throw new IllegalArgumentException("windows.splits: " + a.name() + " [" + a.first() + ", "
                            + a.last() + "] and " + b.name() + " [" + b.first() + ", " + b.last() + "] must be more than "
                            + length + " steps (" + buffer + ") apart, so that no window of one reaches the other");
                }
            }
        }
        return periods;
    }

    private static String firstProblem(String[] problems, int start, int length) {
        for (int k = start; k < start + length; k++) {
            if (problems[k] != null) {
                return problems[k];
            }
        }
        return null;
    }

    /** The start index of the newest {@code in} frames, if they are consecutive: what a forecast starts from. */
    public static int latestInputs(List<Instant> times, Duration step, int in) {
        int start = times.size() - in;
        if (start < 0 || !consecutive(times, start, in, step)) {
            throw new IllegalArgumentException("the newest " + in + " frames are not " + in + " consecutive frames "
                    + step + " apart (archive ends " + (times.isEmpty() ? "empty" : times.get(times.size() - 1))
                    + "): no forecast can start from them");
        }
        return start;
    }

    static boolean consecutive(List<Instant> times, int start, int length, Duration step) {
        for (int k = 1; k < length; k++) {
            if (!Duration.between(times.get(start + k - 1), times.get(start + k)).equals(step)) {
                return false;
            }
        }
        return true;
    }

    /** The blocks as they go into the model metadata and the report. */
    public List<Split> splits() {
        return List.of(train, validation, test);
    }

    public String describe() {
        return String.format("windows %d -> %d every %s, stride %d: train %d (%s..%s), validation %d (%s..%s),"
                        + " test %d (%s..%s); skipped %s", in, out, step, stride,
                train.starts().size(), train.first(), train.last(), validation.starts().size(), validation.first(),
                validation.last(), test.starts().size(), test.first(), test.last(), skipped) + "; " + choice;
    }

    /** Whether the plan has training and validation windows: what a trained variant needs, a baseline does not. */
    public boolean trainable() {
        return !train.starts().isEmpty() && !validation.starts().isEmpty();
    }
}
