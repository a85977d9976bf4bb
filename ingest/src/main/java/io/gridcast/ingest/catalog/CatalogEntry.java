package io.gridcast.ingest.catalog;

import java.io.Serializable;
import java.time.Instant;

/** Where one accepted frame lives: its valid time, the file and the index of that time in the file. */
public record CatalogEntry(Instant time, String file, int timeIndex) implements Serializable {
}
