package io.gridcast.ingest.read;

import java.nio.file.Path;

/**
 * The largest grid and time series a file may declare. A file's header states its sizes before any value is read,
 * and a broken or malicious file can declare 100,000 x 100,000 cells or a billion time steps in a few bytes: every
 * reader checks the declared sizes here before it allocates for them, so such a file is quarantined with its reason
 * instead of exhausting the heap of the process that reads it.
 */
public final class ReadLimits {

    /**
     * 100 M cells (400 MB a frame as float): four times the largest grid gridcast is meant for (MRMS CONUS,
     * 3,500 x 7,000 = 24.5 M cells).
     */
    public static final long MAX_CELLS = 100_000_000L;

    /** One million time steps in one file (8 MB of times): a century of hourly steps is 877,000. */
    public static final long MAX_TIMES = 1_000_000L;

    private ReadLimits() {
    }

    /** Refuses a declared grid of {@code ny} x {@code nx} cells over {@link #MAX_CELLS}, or with an empty axis. */
    public static void checkGrid(Path file, String what, long ny, long nx) throws UnusableFileException {
        if (ny < 1 || nx < 1) {
            throw new UnusableFileException(file, what + " declares a grid of " + ny + " x " + nx
                    + " cells; expected at least one cell along each axis");
        }
        if (ny * nx > MAX_CELLS) {
            throw new UnusableFileException(file, what + " declares a grid of " + ny + " x " + nx + " = " + ny * nx
                    + " cells; at most " + MAX_CELLS + " cells a frame are read (refused before reading any value)");
        }
    }

    /** Refuses {@code n} declared time steps over {@link #MAX_TIMES}. */
    public static void checkTimes(Path file, String what, long n) throws UnusableFileException {
        if (n > MAX_TIMES) {
            throw new UnusableFileException(file, what + " declares " + n + " time steps; at most " + MAX_TIMES
                    + " time steps a file are read (refused before reading any value)");
        }
    }
}
