package io.gridcast.ingest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/** Runs an outside tool (cdo, python3) for a cross-check; the calling test skips when the tool is not installed. */
public final class Tools {

    private Tools() {
    }

    /** The tool's output; it must exit with 0. */
    public static String run(String... command) throws IOException, InterruptedException {
        boolean installed = command[0].contains("/") ? Files.isExecutable(Path.of(command[0]))
                : Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command[0])));
        assumeTrue(installed, "skipped: " + command[0] + " is not installed (.ci/run installs it)");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        return output;
    }

    /** Skips the calling test unless Python's xarray and netCDF4 import. */
    public static void requireXarray() throws IOException, InterruptedException {
        run("/usr/bin/python3", "--version");
        assumeTrue(new ProcessBuilder("/usr/bin/python3", "-c", "import xarray, netCDF4").start().waitFor() == 0,
                "skipped: Python's xarray and netCDF4 are not installed (.ci/run installs them)");
    }
}
