package io.gridcast.ingest.catalog;

import io.gridcast.ingest.read.RejectionKind;

/** A quarantined file (or one frame of it), with the kind and reason and the exception text behind it. */
public record Rejection(String file, RejectionKind kind, String reason, String exception) {
}
