package io.gridcast.ingest.read;

/**
 * Why a file was quarantined, as a kind with a stable name that summaries count by; the reason text says the
 * rest. Readers raise the first three ({@link UnusableFileException#kind()}), the ingest's checks across files
 * the others.
 */
public enum RejectionKind {
    /** Not a file of the reader's format, empty, truncated or corrupt. */
    NOT_READABLE("not_readable"),
    /** The file holds no such variable, or no time step of it. */
    NO_VARIABLE("no_variable"),
    /** The variable is there, but its layout, coordinates, time, grid mapping or size is not what is expected. */
    NOT_USABLE("not_usable"),
    /** Units other than the configured (or the archive's) ones. */
    WRONG_UNITS("wrong_units"),
    /** A grid other than the archive's. */
    OTHER_GRID("other_grid"),
    /** A valid time an earlier file already holds. */
    DUPLICATE_TIME("duplicate_time"),
    /** A frame with every cell missing. */
    ALL_MISSING("all_missing");

    private final String label;

    RejectionKind(String label) {
        this.label = label;
    }

    /** The stable name in {@code summary.json} and the console summary. */
    public String label() {
        return label;
    }
}
