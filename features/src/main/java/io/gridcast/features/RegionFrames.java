package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.read.FrameReader;
import io.gridcast.ingest.read.FrameSource;
import io.gridcast.ingest.read.UnusableFileException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.List;

/**
 * A region's frames of the target variable in physical units along the timeline (the target's catalog entries),
 * read from the frame shards through a bounded cache, so memory depends on the cache, not on the archive's length.
 */
public final class RegionFrames {

    private final List<CatalogEntry> entries;
    private final List<Instant> times;
    private final FrameShards shards;

    RegionFrames(List<CatalogEntry> entries, FrameShards shards) {
        this.entries = entries;
        this.times = entries.stream().map(CatalogEntry::time).toList();
        this.shards = shards;
    }

    public List<CatalogEntry> entries() {
        return entries;
    }

    public List<Instant> times() {
        return times;
    }

    /** The region's values of the target at timeline frame {@code index}, NaN where missing. */
    public float[] frame(int index) {
        return shards.frame(index, 0);
    }

    /** Reads only the region's cells of one catalog frame; usable on Spark executors too. */
    static float[] read(FrameReader reader, String variable, CatalogEntry entry, RegionGrid regionGrid) {
        try (FrameSource source = reader.open(Path.of(entry.file()), variable)) {
            return regionGrid.extractBlock(source.block(entry.timeIndex(), regionGrid.block()));
        } catch (UnusableFileException e) {
            throw new IllegalStateException("catalogued frame " + entry + " can no longer be read: " + e.getMessage(), e);
        }
    }
}
