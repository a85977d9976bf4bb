package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Sliding windows of {@code in} input frames followed by {@code out} target frames, split in time into
 * training, validation and test blocks. A window belongs to a block only if all its frames do, so no frame
 * (input or target) is seen by two splits; windows that cross a gap in the archive or a block boundary are
 * skipped and counted.
 */
public record WindowPlan(int in, int out, Duration step, Split train, Split validation, Split test, int skippedGaps,
                         int skippedBoundaries) {

    /** One time block: its first and last frame times and the start indices (into the catalog) of its windows. */
    public record Split(String name, Instant first, Instant last, List<Integer> starts) {
    }

    /** An explicit time block: the frames valid from {@code from} (included) to {@code to} (excluded). */
    public record Period(Instant from, Instant to) {

        public Period {
            if (from == null || to == null || !from.isBefore(to)) {
                throw new IllegalArgumentException("a split period needs from before to, got " + from + " to " + to);
            }
        }

        boolean contains(Instant t) {
            return !t.isBefore(from) && t.isBefore(to);
        }
    }

    static final List<String> SPLITS = List.of("train", "validation", "test");

    /** Checks that there is one period for each split and that no two overlap. */
    public static void checkPeriods(Map<String, Period> periods) {
        if (!periods.keySet().equals(Set.copyOf(SPLITS))) {
            throw new IllegalArgumentException("split periods are needed for exactly " + SPLITS + ", got "
                    + periods.keySet().stream().sorted().toList());
        }
        for (int a = 0; a < SPLITS.size(); a++) {
            for (int b = a + 1; b < SPLITS.size(); b++) {
                Period p = periods.get(SPLITS.get(a));
                Period q = periods.get(SPLITS.get(b));
                if (p.from().isBefore(q.to()) && q.from().isBefore(p.to())) {
                    throw new IllegalArgumentException("the " + SPLITS.get(a) + " period " + p.from() + ".." + p.to()
                            + " overlaps the " + SPLITS.get(b) + " period " + q.from() + ".." + q.to());
                }
            }
        }
    }

    /**
     * Windows split by explicit periods (e.g. train on the morning, test on the afternoon), one per split name of
     * {@code train}, {@code validation}, {@code test}; the periods must not overlap. A window belongs to a split
     * if all its frames lie in the split's period; frames outside every period are left out.
     */
    public static WindowPlan byPeriods(List<CatalogEntry> entries, Duration step, int in, int out,
                                       Map<String, Period> periods) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("windows need in >= 1 and out >= 1, got in " + in + ", out " + out);
        }
        checkPeriods(periods);
        int length = in + out;
        int gaps = 0;
        int boundaries = 0;
        Split[] splits = new Split[SPLITS.size()];
        for (int b = 0; b < SPLITS.size(); b++) {
            Period period = periods.get(SPLITS.get(b));
            List<Integer> starts = new ArrayList<>();
            Instant first = null;
            Instant last = null;
            for (int s = 0; s < entries.size(); s++) {
                if (!period.contains(entries.get(s).time())) {
                    continue;
                }
                first = first == null ? entries.get(s).time() : first;
                last = entries.get(s).time();
                if (s + length > entries.size() || !period.contains(entries.get(s + length - 1).time())) {
                    boundaries++;
                } else if (!consecutive(entries, s, length, step)) {
                    gaps++;
                } else {
                    starts.add(s);
                }
            }
            if (starts.isEmpty()) {
                throw new IllegalArgumentException("the " + SPLITS.get(b) + " period " + period.from() + ".."
                        + period.to() + " holds no complete window of " + in + " + " + out + " frames "
                        + step + " apart");
            }
            splits[b] = new Split(SPLITS.get(b), first, last, List.copyOf(starts));
        }
        return new WindowPlan(in, out, step, splits[0], splits[1], splits[2], gaps, boundaries);
    }

    public static WindowPlan of(List<CatalogEntry> entries, Duration step, int in, int out, double trainFraction,
                                double validationFraction) {
        if (in < 1 || out < 1) {
            throw new IllegalArgumentException("windows need in >= 1 and out >= 1, got in " + in + ", out " + out);
        }
        if (trainFraction <= 0 || validationFraction <= 0 || trainFraction + validationFraction >= 1) {
            throw new IllegalArgumentException("split fractions need train > 0, validation > 0 and train + validation < 1,"
                    + " got " + trainFraction + " and " + validationFraction);
        }
        int n = entries.size();
        int length = in + out;
        int trainEnd = (int) Math.floor(n * trainFraction);
        int validationEnd = (int) Math.floor(n * (trainFraction + validationFraction));
        int[] blockEnds = {trainEnd, validationEnd, n};
        String[] names = {"train", "validation", "test"};
        List<List<Integer>> starts = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
        int gaps = 0;
        int boundaries = 0;
        for (int s = 0; s + length <= n; s++) {
            if (!consecutive(entries, s, length, step)) {
                gaps++;
                continue;
            }
            int block = s < trainEnd ? 0 : s < validationEnd ? 1 : 2;
            if (s + length <= blockEnds[block]) {
                starts.get(block).add(s);
            } else {
                boundaries++;
            }
        }
        int[] blockStarts = {0, trainEnd, validationEnd};
        Split[] splits = new Split[3];
        for (int b = 0; b < 3; b++) {
            if (starts.get(b).isEmpty()) {
                throw new IllegalArgumentException("the " + names[b] + " block (" + (blockEnds[b] - blockStarts[b])
                        + " of " + n + " frames) holds no complete window of " + in + " + " + out
                        + " frames: the archive is too short or too gappy for these windows and split fractions");
            }
            splits[b] = new Split(names[b], entries.get(blockStarts[b]).time(), entries.get(blockEnds[b] - 1).time(),
                    List.copyOf(starts.get(b)));
        }
        return new WindowPlan(in, out, step, splits[0], splits[1], splits[2], gaps, boundaries);
    }

    /** The start index of the newest {@code in} frames, if they are consecutive: what a forecast starts from. */
    public static int latestInputs(List<CatalogEntry> entries, Duration step, int in) {
        int start = entries.size() - in;
        if (start < 0 || !consecutive(entries, start, in, step)) {
            throw new IllegalArgumentException("the newest " + in + " frames are not " + in + " consecutive frames "
                    + step + " apart (archive ends " + (entries.isEmpty() ? "empty" : entries.get(entries.size() - 1).time())
                    + "): no forecast can start from them");
        }
        return start;
    }

    static boolean consecutive(List<CatalogEntry> entries, int start, int length, Duration step) {
        for (int k = 1; k < length; k++) {
            if (!Duration.between(entries.get(start + k - 1).time(), entries.get(start + k).time()).equals(step)) {
                return false;
            }
        }
        return true;
    }

    public String describe() {
        return String.format("windows %d -> %d every %s: train %d (%s..%s), validation %d (%s..%s), test %d (%s..%s);"
                        + " skipped %d across gaps, %d across split boundaries", in, out, step,
                train.starts().size(), train.first(), train.last(), validation.starts().size(), validation.first(),
                validation.last(), test.starts().size(), test.first(), test.last(), skippedGaps, skippedBoundaries);
    }
}
