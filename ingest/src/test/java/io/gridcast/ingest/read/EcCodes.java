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
import java.util.stream.Collectors;
import java.util.stream.IntStream;

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

    /**
     * {@code global.grib2} in {@code folder}: a global 10-degree latitude/longitude grid (36 x 19, 90 N to 90 S,
     * 0 to 350 E) of temperatures (NetCDF-Java's {@code Temperature_height_above_ground}, K) at 2019-06-10 12:00 UTC,
     * PNG-packed, with a bitmap leaving out cells 180 to 183 (40 N, 0 to 30 E). Skips the test without ecCodes.
     */
    public static Path globalGrib2(Path folder) throws IOException, InterruptedException {
        require();
        filter("regular_ll_sfc_grib2", """
                set Ni=36; set Nj=19;
                set latitudeOfFirstGridPointInDegrees=90; set longitudeOfFirstGridPointInDegrees=0;
                set latitudeOfLastGridPointInDegrees=-90; set longitudeOfLastGridPointInDegrees=350;
                set iDirectionIncrementInDegrees=10; set jDirectionIncrementInDegrees=10;
                set dataDate=20190610; set dataTime=1200;
                set bitmapPresent=1; set missingValue=9999;
                set values={%s};
                set packingType="grid_png";
                write "global.grib2";
                """.formatted(field(36, 19, true)), folder);
        return folder.resolve("global.grib2");
    }

    /**
     * grib_filter's list of {@code ni} x {@code nj} values that change along both axes (so a transposed or
     * mirrored grid cannot match), from 250 at the first point; with {@code gap}, 9999 (missing) at points 180-183.
     */
    static String field(int ni, int nj, boolean gap) {
        return IntStream.range(0, ni * nj).mapToObj(k -> {
            int i = k % ni;
            int j = k / ni;
            double v = 250 + 0.25 * i - 1.5 * j + ((i + j) % 3 == 0 ? 0.125 : 0);
            return gap && j == 5 && i < 4 ? "9999" : Double.toString(v);
        }).collect(Collectors.joining(", "));
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
