package io.gridcast.features;

import io.gridcast.ingest.catalog.FrameCatalog;

/** A time-varying input channel: one variable's frame catalog and its configured transform. */
public record DynamicInput(FrameCatalog catalog, TransformSpec transform) {
}
