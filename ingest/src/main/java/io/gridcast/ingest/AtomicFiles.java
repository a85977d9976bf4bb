package io.gridcast.ingest;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.Comparator;
import java.util.UUID;
import java.util.stream.Stream;

/**
 * Outputs are written under a temporary name beside their target and renamed in, so no reader ever sees a
 * partial catalog, model or forecast; a crash leaves at most a hidden {@code .*.tmp-*} entry.
 */
public final class AtomicFiles {

    private AtomicFiles() {
    }

    /** A fresh temporary path beside {@code target}, hidden, in the same folder (so the rename is atomic). */
    public static Path stagingFor(Path target) {
        return target.toAbsolutePath().resolveSibling("." + target.getFileName() + ".tmp-" + UUID.randomUUID());
    }

    /** Renames the complete file {@code staging} to {@code target}, replacing a file (never a folder) there. */
    public static void replaceFile(Path staging, Path target) throws IOException {
        Files.move(staging, target.toAbsolutePath(), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    /** Renames the complete folder {@code staging} to {@code target}; a folder already there is swapped out and deleted. */
    public static void replaceDirectory(Path staging, Path target) throws IOException {
        Path absolute = target.toAbsolutePath();
        if (Files.exists(absolute)) {
            Path old = absolute.resolveSibling("." + absolute.getFileName() + ".old-" + UUID.randomUUID());
            Files.move(absolute, old, StandardCopyOption.ATOMIC_MOVE);
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
            deleteTree(old);
        } else {
            Files.move(staging, absolute, StandardCopyOption.ATOMIC_MOVE);
        }
    }

    /** Deletes a file or folder tree if it exists. */
    public static void deleteTree(Path path) throws IOException {
        if (!Files.exists(path)) {
            return;
        }
        try (Stream<Path> walk = Files.walk(path)) {
            for (Path p : walk.sorted(Comparator.reverseOrder()).toList()) {
                Files.delete(p);
            }
        }
    }
}
