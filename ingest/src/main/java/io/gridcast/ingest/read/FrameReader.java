package io.gridcast.ingest.read;

import java.io.Serializable;
import java.nio.file.Path;
import java.util.Map;

/**
 * Reads one kind of gridded file. Implementations are stateless and serialisable so that Spark can ship
 * them to executors; {@link FrameReaders} maps a configured name to one.
 */
public interface FrameReader extends Serializable {

    /** The name used in configuration, e.g. {@code cf-netcdf}. */
    String name();

    /**
     * This reader with the configuration's settings for it ({@code input.options}); a reader without settings
     * accepts none.
     *
     * @throws IllegalArgumentException naming the setting and what was expected, for an unknown key or a bad value
     */
    default FrameReader configure(Map<String, String> options) {
        if (!options.isEmpty()) {
            throw new IllegalArgumentException("input.options " + options.keySet() + ": reader '" + name()
                    + "' has no settings");
        }
        return this;
    }

    /**
     * Settings this reader takes from the job's work folder when the configuration leaves them out, e.g. where
     * the GRIB reader keeps its indexes; none by default.
     */
    default Map<String, String> workDefaults(Path workDir) {
        return Map.of();
    }

    /**
     * Opens {@code file} for {@code variable}.
     *
     * @throws UnusableFileException naming the file and what was expected, when the file cannot be read or
     *                               does not hold the variable on a usable grid with decodable times
     */
    FrameSource open(Path file, String variable) throws UnusableFileException;
}
