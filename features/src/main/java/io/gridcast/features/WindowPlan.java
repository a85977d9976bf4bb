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
 */
public record WindowPlan(int in, int out, int stride, Duration step, Split train, Split validation, Split test,
                         Map<String, Integer> skipped) implements Serializable {

    public static final String GAP = "gap";
    public static final String MISSING_CHANNEL = "missing_channel";
    public static final String MISSING_CELLS = "missing_cells";
    public static final String SPLIT_BOUNDARY = "split_boundary";

    /** One time block: its first and last times and the start indices (into the timeline) of its windows. */
    public record Split(String name, Instant first, Instant last, List<Integer> starts) implements Serializable {
    }

    /**
     * @param times    the frame times in order (the forecast variable's catalog)
     * @param problems per frame, why no window may use it ({@link #MISSING_CHANNEL}, {@link #MISSING_CELLS}) or null
     */
    public static WindowPlan of(List<Instant> times, String[] problems, Duration step, WindowSpec spec) {
        int n = times.size();
        int length = spec.in() + spec.out();
        Duration buffer = step.multipliedBy(length);
        List<SplitPeriod> periods = spec.periods().isEmpty() ? fractionPeriods(times, spec, buffer)
                : checkedPeriods(spec.periods(), buffer, length);
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
        for (SplitPeriod p : periods) {
            if (starts.get(p.name()).isEmpty()) {
                throw new IllegalArgumentException("the " + p.name() + " block (" + p.first() + " to " + p.last()
                        + ", of " + n + " frames in all) holds no complete window of " + spec.in() + " + " + spec.out()
                        + " usable consecutive frames: the archive is too short or too gappy for these windows and"
                        + " splits (skipped so far: " + skipped + ")");
            }
            splits.put(p.name(), new Split(p.name(), p.first(), p.last(), List.copyOf(starts.get(p.name()))));
        }
        return new WindowPlan(spec.in(), spec.out(), spec.stride(), step, splits.get("train"),
                splits.get("validation"), splits.get("test"), Map.copyOf(skipped));
    }

    /** Oldest {@code train} share, then {@code validation}, then the rest; each later block starts after the buffer. */
    private static List<SplitPeriod> fractionPeriods(List<Instant> times, WindowSpec spec, Duration buffer) {
        int n = times.size();
        if (n == 0) {
            throw new IllegalArgumentException("no frames to cut windows from");
        }
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
                    + previous.last() + "): the archive is too short for these windows and split fractions");
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
                validation.last(), test.starts().size(), test.first(), test.last(), skipped);
    }
}
