package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What gridcast writes follows the user's file-creation mask: a cycle run under {@code umask 027} leaves nothing in
 * its work folder that others can read (Spark's Parquet writers included, which follow Hadoop's own mask unless
 * told), and the job repository is its owner's only whatever the mask.
 */
class FilePermissionsTest {

    @TempDir
    Path dir;

    @Test
    void aCycleUnderAPrivateUmaskWritesNothingOthersCanRead() throws Exception {
        Path archive = CrashRestartTest.smallArchive(dir, 1);
        Path work = dir.resolve("work");

        try (ChildGridcast cycle = ChildGridcast.startWithUmask("027", "run", "cycle", "--config",
                CrashRestartTest.CRASH.toString(), "--input", archive.toString(), "--out", work.toString())) {
            assertThat(cycle.exitCode(ChildGridcast.DEADLINE)).as(cycle.console()).isZero();
        }

        List<Path> written;
        try (Stream<Path> walk = Files.walk(work)) {
            written = walk.toList();
        }
        assertThat(written).as("forecasts, reports, models, catalog and log were written")
                .anyMatch(p -> p.toString().contains("/forecasts/") && p.toString().endsWith(".nc"))
                .anyMatch(p -> p.toString().endsWith("index.html"))
                .anyMatch(p -> p.toString().contains("/models/"))
                .anyMatch(p -> p.toString().endsWith(".parquet"))
                .anyMatch(p -> p.toString().endsWith("gridcast.log"));
        for (Path p : written) {
            assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(p))).as(p.toString())
                    .endsWith("---");
            if (!p.startsWith(work.resolve("repository")) && Files.isRegularFile(p)) {
                assertThat(Files.getPosixFilePermissions(p)).as(p + ": readable by its group, as the mask allows")
                        .contains(PosixFilePermission.GROUP_READ);
            }
        }
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(work.resolve("repository"))))
                .isEqualTo("rwx------");
    }
}
