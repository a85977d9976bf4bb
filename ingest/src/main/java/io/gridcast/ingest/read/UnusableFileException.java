package io.gridcast.ingest.read;

import java.nio.file.Path;

/** A file that cannot become frames; the message names the file and what was expected. */
public class UnusableFileException extends Exception {

    private final RejectionKind kind;

    public UnusableFileException(Path file, String reason) {
        this(RejectionKind.NOT_USABLE, file, reason);
    }

    public UnusableFileException(Path file, String reason, Throwable cause) {
        this(RejectionKind.NOT_USABLE, file, reason, cause);
    }

    public UnusableFileException(RejectionKind kind, Path file, String reason) {
        super(file + ": " + reason);
        this.kind = kind;
    }

    public UnusableFileException(RejectionKind kind, Path file, String reason, Throwable cause) {
        super(file + ": " + reason + " (" + cause + ")", cause);
        this.kind = kind;
    }

    /** What kind of problem it is, for counting quarantined files by kind. */
    public RejectionKind kind() {
        return kind;
    }
}
