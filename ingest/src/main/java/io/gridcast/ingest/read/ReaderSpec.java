package io.gridcast.ingest.read;

import com.fasterxml.jackson.annotation.JsonCreator;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;

/**
 * A configured reader: its {@link FrameReaders} name and the reader's own settings from the configuration
 * ({@code input.options}, nested keys joined with dots, e.g. {@code zr.a}). It travels with the catalog
 * ({@code description.json}) so that the features stage reads the files again exactly as ingest did.
 */
public record ReaderSpec(String name, SortedMap<String, String> options) implements Serializable {

    /** Also how Jackson reads a spec with settings back (a catalog's description.json). */
    @JsonCreator(mode = JsonCreator.Mode.PROPERTIES)
    public ReaderSpec {
        options = Collections.unmodifiableSortedMap(new TreeMap<>(options == null ? Map.of() : options));
    }

    /** A reader without settings; also how a catalog written before readers had settings names its reader. */
    @JsonCreator(mode = JsonCreator.Mode.DELEGATING)
    public static ReaderSpec of(String name) {
        return new ReaderSpec(name, new TreeMap<>());
    }

    public static ReaderSpec of(String name, Map<String, String> options) {
        return new ReaderSpec(name, new TreeMap<>(options));
    }

    /**
     * This spec with the settings its reader takes from the work folder ({@link FrameReader#workDefaults}) added
     * where the configuration leaves them out.
     */
    public ReaderSpec withWorkDefaults(Path workDir) {
        SortedMap<String, String> merged = new TreeMap<>(FrameReaders.byName(name).workDefaults(workDir));
        merged.putAll(options);
        return new ReaderSpec(name, merged);
    }

    /** The configured reader, its settings checked: {@link FrameReaders#create}. */
    public FrameReader create() {
        return FrameReaders.create(this);
    }

    @Override
    public String toString() {
        return options.isEmpty() ? name : name + " " + options;
    }
}
