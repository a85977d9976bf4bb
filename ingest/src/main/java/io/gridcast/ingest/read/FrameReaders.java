package io.gridcast.ingest.read;

import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The configured name of a file format to its {@link FrameReader}. An importer for a non-CF source (the KNMI HDF5
 * composites, OPERA ODIM_H5) is one more entry in {@link #READERS}.
 */
public final class FrameReaders {

    private static final Map<String, FrameReader> READERS = List.<FrameReader>of(new CfNetcdfReader(), new KnmiHdf5Reader(),
            new OdimHdf5Reader(), new GribReader()).stream()
            .collect(Collectors.toMap(FrameReader::name, Function.identity(), (a, b) -> {
                throw new IllegalStateException("two frame readers named " + a.name());
            }, TreeMap::new));

    private FrameReaders() {
    }

    /** The reader configured as {@code name}; readers are stateless, so one instance is shared. */
    public static FrameReader byName(String name) {
        FrameReader reader = READERS.get(name);
        if (reader == null) {
            throw new IllegalArgumentException("unknown frame reader '" + name + "'; known readers: "
                    + String.join(", ", READERS.keySet()));
        }
        return reader;
    }

    /** The reader {@code spec} names, configured with its settings. */
    public static FrameReader create(ReaderSpec spec) {
        return byName(spec.name()).configure(spec.options());
    }

    /** The known reader names, sorted. */
    public static List<String> names() {
        return List.copyOf(READERS.keySet());
    }
}
