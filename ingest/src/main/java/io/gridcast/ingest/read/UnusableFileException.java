package io.gridcast.ingest.read;

import java.nio.file.Path;

/** A file that cannot become frames; the message names the file and what was expected. */
public class UnusableFileException extends Exception {

    public UnusableFileException(Path file, String reason) {
        super(file + ": " + reason);
    }

    public UnusableFileException(Path file, String reason, Throwable cause) {
        super(file + ": " + reason + " (" + cause + ")", cause);
    }
}
