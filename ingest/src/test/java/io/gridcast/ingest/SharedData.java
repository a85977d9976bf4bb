package io.gridcast.ingest;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Locates the shared real-data folder ({@code <shared>/data}): system property {@code gridcast.shared}, else
 * {@code ../shared} beside the project. Tests skip when it is absent (a fresh clone).
 */
public final class SharedData {

    private SharedData() {
    }

    /** {@code <shared>/data/<relative>}, or skips the calling test with a message if it does not exist. */
    public static Path require(String relative) {
        Path found = Stream.of(System.getProperty("gridcast.shared"), "../shared")
                .filter(s -> s != null && !s.isBlank())
                .map(s -> Path.of(s, "data", relative))
                .filter(Files::exists)
                .findFirst().orElse(null);
        assumeTrue(found != null, () -> "skipped: shared data '" + relative
                + "' not found under -Dgridcast.shared or ../shared (a fresh clone has no ../shared)");
        return found;
    }
}
