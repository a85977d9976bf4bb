package io.gridcast.features;

import java.io.Serializable;
import java.time.Instant;

/** A split's time block, both ends inclusive ({@code windows.splits.<name>: [first, last]}, ISO times). */
public record SplitPeriod(String name, Instant first, Instant last) implements Serializable {

    public SplitPeriod {
        if (first.isAfter(last)) {
            throw new IllegalArgumentException("split '" + name + "' starts " + first + " after it ends " + last);
        }
    }

    boolean contains(Instant time) {
        return !time.isBefore(first) && !time.isAfter(last);
    }
}
