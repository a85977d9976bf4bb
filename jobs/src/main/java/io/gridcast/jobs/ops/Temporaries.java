package io.gridcast.jobs.ops;

import io.gridcast.ingest.AtomicFiles;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The stale temporaries a crashed run leaves in the work folder: the hidden {@code .NAME.tmp-UUID} and
 * {@code .NAME.old-UUID} entries of {@link AtomicFiles}. Only safe to remove when no other run is live there.
 */
final class Temporaries {

    private static final Logger log = LoggerFactory.getLogger(Temporaries.class);
    private static final Pattern STALE = Pattern.compile("\\..+\\.(tmp|old)-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}");

    private Temporaries() {
    }

    /** Removes every stale temporary under {@code workDir} (the job repository and locks aside); returns them. */
    static List<Path> clean(Path workDir) throws IOException {
        if (!Files.isDirectory(workDir)) {
            return List.of();
        }
        List<Path> found = new ArrayList<>();
        try (Stream<Path> walk = Files.walk(workDir)) {
            walk.filter(p -> STALE.matcher(p.getFileName().toString()).matches())
                    .filter(p -> !p.startsWith(workDir.resolve("repository")))
                    .forEach(found::add);
        }
        // A stale folder's contents were listed too: delete the outermost entries only.
        List<Path> outermost = found.stream().filter(p -> found.stream().noneMatch(q -> q != p && p.startsWith(q))).toList();
        for (Path p : outermost) {
            AtomicFiles.deleteTree(p);
            log.warn("removed a stale temporary left by a crashed run: {}", p);
        }
        return outermost;
    }
}
