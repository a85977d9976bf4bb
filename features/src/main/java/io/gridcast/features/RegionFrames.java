package io.gridcast.features;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.read.FrameReader;
import io.gridcast.ingest.read.FrameReaders;
import io.gridcast.ingest.read.FrameSource;
import io.gridcast.ingest.read.UnusableFileException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * A region's frames in physical units, read from the archive on demand through a bounded LRU cache, so
 * memory depends on the cache size, not on the archive's length.
 */
public final class RegionFrames {

    private final List<CatalogEntry> entries;
    private final FrameReader reader;
    private final String variable;
    private final RegionGrid regionGrid;
    private final Map<Integer, float[]> cache;

    public RegionFrames(FrameCatalog catalog, RegionGrid regionGrid, int cacheFrames) {
        this.entries = catalog.entries();
        this.reader = FrameReaders.byName(catalog.description().reader());
        this.variable = catalog.description().variable();
        this.regionGrid = regionGrid;
        this.cache = new LinkedHashMap<>(16, 0.75f, true) {
            @Override
            protected boolean removeEldestEntry(Map.Entry<Integer, float[]> eldest) {
                return size() > cacheFrames;
            }
        };
    }

    public RegionGrid regionGrid() {
        return regionGrid;
    }

    public List<CatalogEntry> entries() {
        return entries;
    }

    /** The region's values of catalog frame {@code index}, NaN where missing. */
    public synchronized float[] frame(int index) {
        float[] values = cache.get(index);
        if (values == null) {
            values = read(reader, variable, entries.get(index), regionGrid);
            cache.put(index, values);
        }
        return values;
    }

    /** Reads one catalog frame and cuts the region from it; usable on Spark executors too. */
    static float[] read(FrameReader reader, String variable, CatalogEntry entry, RegionGrid regionGrid) {
        try (FrameSource source = reader.open(Path.of(entry.file()), variable)) {
            return regionGrid.extract(source.frame(entry.timeIndex()).values());
        } catch (UnusableFileException e) {
            throw new IllegalStateException("catalogued frame " + entry + " can no longer be read: " + e.getMessage(), e);
        }
    }
}
