package io.gridcast.ingest.read;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;

/**
 * ecCodes' command-line tools (Debian {@code libeccodes-tools}, installed by {@code .ci/run}), the reference
 * GRIB decoder: they make small GRIB files from ecCodes' own samples and print every decoded value. Tests that
 * need them skip with a message where they are absent.
 */
public final class EcCodes {

    private static final Path SAMPLES = Path.of("/usr/share/eccodes/samples");

    private EcCodes() {
    }

    /** Skips the calling test unless ecCodes' tools and samples are installed. */
    public static void require() {
        boolean found = List.of(System.getenv("PATH").split(":")).stream()
                .anyMatch(d -> Files.isExecutable(Path.of(d, "grib_filter")) && Files.isExecutable(Path.of(d, "grib_get_data")));
        assumeTrue(found && Files.isDirectory(SAMPLES), "skipped: ecCodes tools (grib_filter, grib_get_data; Debian "
                + "libeccodes-tools) or their samples in " + SAMPLES + " are not installed");
    }

    /**
     * Runs {@code rules} (grib_filter's language; {@code write "name";} writes into {@code folder}) on ecCodes'
     * sample {@code sample} (e.g. {@code regular_ll_sfc_grib2}).
     */
    public static void filter(String sample, String rules, Path folder) throws IOException, InterruptedException {
        Path rulesFile = folder.resolve("rules.txt");
        Files.writeString(rulesFile, rules);
        run(folder, "grib_filter", rulesFile.toString(), SAMPLES.resolve(sample + ".tmpl").toString());
    }

    /** {@code grib_set -r -s packingType=<packing> in out}: the same values, packed another way. */
    public static Path repack(Path in, String packing, Path out) throws IOException, InterruptedException {
        run(in.getParent(), "grib_set", "-r", "-s", "packingType=" + packing, in.toString(), out.toString());
        return out;
    }

    /** Every value ecCodes decodes from the file's first message, in the file's scanning order; missing is NaN. */
    public static float[] values(Path file, int count) throws IOException, InterruptedException {
        Process p = new ProcessBuilder("grib_get_data", "-m", "NaN", "-w", "count=1", file.toString())
                .redirectError(ProcessBuilder.Redirect.INHERIT).start();
        float[] values = new float[count];
        int n = 0;
        try (BufferedReader in = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.US_ASCII),
                1 << 20)) {
            in.readLine(); // "Latitude Longitude Value"
            for (String line = in.readLine(); line != null; line = in.readLine()) {
                int end = line.length();
                int start = line.lastIndexOf(' ', end - 1) + 1;
                if (n == count) {
                    throw new IllegalStateException("grib_get_data printed more than " + count + " values for " + file);
                }
                values[n++] = Float.parseFloat(line.substring(start, end));
            }
        }
        if (p.waitFor() != 0 || n != count) {
            throw new IllegalStateException("grib_get_data " + file + " exited " + p.exitValue() + " after " + n
                    + " of " + count + " values");
        }
        return values;
    }

    private static void run(Path dir, String... command) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        if (p.waitFor() != 0) {
            throw new IllegalStateException(Arrays.toString(command) + " failed: " + output);
        }
    }
}
