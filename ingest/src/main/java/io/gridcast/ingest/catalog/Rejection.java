package io.gridcast.ingest.catalog;

/** A quarantined file (or one frame of it), with the reason and the exception text behind it. */
public record Rejection(String file, String reason, String exception) {
}
