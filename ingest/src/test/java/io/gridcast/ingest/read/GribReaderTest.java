package io.gridcast.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.data.Offset.offset;

import io.gridcast.ingest.SharedData;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.ImageOutputStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The GRIB reader on MRMS's real PNG-packed GRIB2, and on small GRIB1 and GRIB2 files made with ecCodes from its
 * samples, each compared value by value with ecCodes' own decoding ({@code grib_get_data}).
 */
class GribReaderTest {

    static final String MRMS_NAME = "VAR209-6-1_FROM_161-0--1_altitude_above_msl";

    @TempDir
    Path dir;

    /**
     * ecCodes' polar stereographic GRIB1 sample (16 x 31 points, 60 N true, scanning south to north) with a first
     * point at 40 N 20 W, 100 km cells, and values of our own.
     */
    static final String POLAR_GRIB1 = """
            set dataDate=20100826; set dataTime=600;
            set latitudeOfFirstGridPointInDegrees=40; set longitudeOfFirstGridPointInDegrees=-20;
            set DxInMetres=100000; set DyInMetres=100000; set scanningMode=64;
            set values={%s};
            write "polar.grib1";
            """.formatted(EcCodes.field(16, 31, false));

    static FrameReader mrmsReader(String... more) {
        Map<String, String> options = new TreeMap<>(Map.of("aliases.precipitation_rate", MRMS_NAME));
        for (int i = 0; i < more.length; i += 2) {
            options.put(more[i], more[i + 1]);
        }
        return FrameReaders.create(ReaderSpec.of(GribReader.NAME, options));
    }

    @Test
    void mrmsPngPackedFrameMatchesEcCodesCellByCell() throws Exception {
        EcCodes.require();
        Path file = SharedData.require("radar/mrms-20190610/PrecipRate_00.00_20190610-000000.grib2");
        Path cache = dir.resolve("cache");
        Frame frame;
        try (FrameSource source = mrmsReader("index_cache", cache.toString()).open(file, "precipitation_rate")) {
            Grid grid = source.grid();
            assertThat(grid.ny()).isEqualTo(3500);
            assertThat(grid.nx()).isEqualTo(7000);
            assertThat(grid.mapping()).isNull();
            // 0.01 degree cell centres, latitude north to south as the file scans.
            assertThat(grid.y().values()[0]).isCloseTo(54.995, offset(1e-4));
            assertThat(grid.y().values()[3499]).isCloseTo(20.005, offset(1e-4));
            assertThat(grid.x().values()[0]).isCloseTo(-129.995, offset(1e-4));
            assertThat(source.times()).containsExactly(Instant.parse("2019-06-10T00:00:00Z"));
            assertThat(source.units()).as("MRMS's local table names no units").isEmpty();
            frame = source.frame(0);
        }
        float[] expected = EcCodes.values(file, 3500 * 7000);
        assertSameValues(frame.values(), expected, 1e-4f);
        // MRMS's "no coverage" (-3) stays a value unless missing_values says otherwise.
        long noCoverage = IntStream.range(0, expected.length).filter(k -> expected[k] == -3f).count();
        assertThat(noCoverage).isGreaterThan(1_000_000);
        assertThat(IntStream.range(0, expected.length).filter(k -> expected[k] > 0).count()).isGreaterThan(10_000);

        float[] covered = frame.values().clone();
        for (int k = 0; k < covered.length; k++) {
            covered[k] = covered[k] == -3f ? Float.NaN : covered[k];
        }
        // conf/mrms.yml's upper_midwest region (46.6 to 43.4 N, 90 to 86.8 W), where it rained.
        CellBlock block = new CellBlock(840, 4000, 320, 320);
        float[] rain = block.cut(covered, frame.grid());
        assertThat(IntStream.range(0, rain.length).filter(k -> rain[k] > 0).count()).isGreaterThan(1000);
        try (FrameSource source = mrmsReader("index_cache", cache.toString(), "missing_values", "-3, -999")
                .open(file, "precipitation_rate")) {
            FrameStatistics stats = source.statistics(0);
            assertThat(stats.validCells()).isEqualTo(expected.length - noCoverage);
            assertThat(stats.min()).isGreaterThanOrEqualTo(0f);
            // Taken a row at a time as the PNG is decoded, to the last bit what the whole frame gives.
            assertThat(stats).isEqualTo(FrameStatistics.of(covered));
            assertThat(source.block(0, block)).containsExactly(rain);
        }
        // NetCDF-Java's indexes went to the cache folder, never beside the archive's files.
        try (Stream<Path> archive = Files.list(file.getParent()); Stream<Path> cached = Files.walk(cache)) {
            assertThat(archive.map(p -> p.getFileName().toString())).noneMatch(n -> n.endsWith(".ncx2") || n.endsWith(".gbx9"));
            assertThat(cached.map(p -> p.getFileName().toString()))
                    .contains(file.getFileName() + ".ncx2", file.getFileName() + ".gbx9");
        }
    }

    /**
     * Issue 17's memory goal: ingest's statistics of an MRMS frame take its PNG a row at a time, allocating about
     * the PNG's compressed bytes (1 MB) and no array of the frame's 24.5 M cells; a frame is allocated once, as
     * its floats (98 MB), without the PNG's 16-bit samples (49 MB) beside them.
     */
    @Test
    void mrmsStatisticsAllocateNoFrameAndAFrameOnlyItsFloats() throws Exception {
        Path file = SharedData.require("radar/mrms-20190610/PrecipRate_00.00_20190610-000000.grib2");
        long frameBytes = 3500L * 7000 * Float.BYTES;
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        try (FrameSource source = mrmsReader("index_cache", dir.resolve("cache").toString(), "missing_values", "-3")
                .open(file, "precipitation_rate")) {
            long before = threads.getCurrentThreadAllocatedBytes();
            FrameStatistics stats = source.statistics(0);
            long forStatistics = threads.getCurrentThreadAllocatedBytes() - before;
            before = threads.getCurrentThreadAllocatedBytes();
            Frame frame = source.frame(0);
            long forFrame = threads.getCurrentThreadAllocatedBytes() - before;
            assertThat(stats.validCells()).isPositive();
            assertThat(forStatistics).as("bytes allocated for one frame's statistics").isLessThan(16_000_000L);
            assertThat(forFrame).as("bytes allocated for one frame")
                    .isBetween(frameBytes, frameBytes + 16_000_000L);
            assertThat(frame.values()).hasSize(3500 * 7000);
        }
    }

    @Test
    void grib2PngPackingWithBitmapOnAGlobalLatLonGrid() throws Exception {
        Path file = globalGrib2();
        try (FrameSource source = reader().open(file, "Temperature_height_above_ground")) {
            Grid grid = source.grid();
            assertThat(grid.mapping()).isNull();
            assertThat(grid.y().values()).containsExactly(IntStream.rangeClosed(0, 18).mapToDouble(j -> 90 - 10 * j).toArray());
            assertThat(grid.x().values()).containsExactly(IntStream.range(0, 36).mapToDouble(i -> 10 * i).toArray());
            assertThat(source.units()).isEqualTo("K");
            assertThat(source.times()).containsExactly(Instant.parse("2019-06-10T12:00:00Z"));
            float[] values = source.frame(0).values();
            assertSameValues(values, EcCodes.values(file, 36 * 19), 1e-4f);
            // The bitmap's four gaps at 40 N are missing; a 24-bit RGB PNG holds the rest.
            assertThat(IntStream.range(0, values.length).filter(k -> Float.isNaN(values[k])))
                    .containsExactly(180, 181, 182, 183);
            assertThat(values[0]).isEqualTo(250.125f);
        }
    }

    /**
     * PNG allows interlaced images (Adam7: seven passes over the image, not rows in order), which ImageIO then decodes
     * into an image of their own; the same file's PNG rewritten interlaced decodes as ecCodes decodes it.
     */
    @Test
    void anInterlacedPngDecodesAsEcCodesDecodesIt() throws Exception {
        byte[] grib = Files.readAllBytes(globalGrib2());
        int data = section(grib, 7);
        BufferedImage image = ImageIO.read(new ByteArrayInputStream(grib, data + 5, sectionLength(grib, data) - 5));
        ImageWriter writer = ImageIO.getImageWritersByFormatName("png").next();
        ImageWriteParam adam7 = writer.getDefaultWriteParam();
        adam7.setProgressiveMode(ImageWriteParam.MODE_DEFAULT);
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try (ImageOutputStream out = ImageIO.createImageOutputStream(png)) {
            writer.setOutput(out);
            writer.write(null, new IIOImage(image, null, null), adam7);
        } finally {
            writer.dispose();
        }
        byte[] interlaced = png.toByteArray();
        assertThat(interlaced[28]).as("IHDR's interlace method (1: Adam7)").isEqualTo((byte) 1);
        Path file = Files.write(dir.resolve("interlaced.grib2"), withData(grib, data, interlaced));
        try (FrameSource source = reader().open(file, "Temperature_height_above_ground")) {
            float[] values = source.frame(0).values();
            assertSameValues(values, EcCodes.values(file, 36 * 19), 1e-4f);
            assertThat(source.statistics(0)).isEqualTo(FrameStatistics.of(values));
        }
    }

    /** Rows scanned in the -i direction (scanning mode 128) come out reversed, as NetCDF-Java lays out its own. */
    @Test
    void rowsScannedWestwardAreReversed() throws Exception {
        Path global = globalGrib2();
        byte[] grib = Files.readAllBytes(global);
        grib[section(grib, 3) + 71] = (byte) 128; // template 3.0's octet 72: scanning mode
        Path westward = Files.write(dir.resolve("westward.grib2"), grib);
        float[] eastward;
        try (FrameSource source = reader().open(global, "Temperature_height_above_ground")) {
            eastward = source.frame(0).values();
        }
        try (FrameSource source = reader().open(westward, "Temperature_height_above_ground")) {
            float[] values = source.frame(0).values();
            float[] mirrored = new float[values.length];
            for (int k = 0; k < values.length; k++) {
                mirrored[k] = eastward[k / 36 * 36 + 35 - k % 36];
            }
            // The bitmap's gaps follow the scanning too: now at the ends of row 5.
            assertThat(values).containsExactly(mirrored);
            assertThat(IntStream.range(0, values.length).filter(k -> Float.isNaN(values[k])))
                    .containsExactly(212, 213, 214, 215);
            assertThat(source.block(0, new CellBlock(4, 30, 3, 6))).containsExactly(
                    new CellBlock(4, 30, 3, 6).cut(values, source.grid()));
        }
    }

    /**
     * What NetCDF-Java 4.5.5 decodes itself: simple packing (5.0), complex packing (5.2) and JPEG 2000 (5.40).
     * Complex packing with spatial differencing (5.3) cannot be checked this way: ecCodes writes it here with
     * spatial differencing of order 0 (a reserved value), which NetCDF-Java decodes as all missing.
     */
    @ParameterizedTest
    @ValueSource(strings = {"grid_simple", "grid_complex", "grid_jpeg"})
    void otherGrib2PackingsAreNetcdfJavasOwn(String packing) throws Exception {
        Path file = EcCodes.repack(globalGrib2(), packing, dir.resolve(packing + ".grib2"));
        try (FrameSource source = reader().open(file, "Temperature_height_above_ground")) {
            assertSameValues(source.frame(0).values(), EcCodes.values(file, 36 * 19), 1e-4f);
        }
    }

    @Test
    void grib1OnAPolarStereographicGrid() throws Exception {
        EcCodes.require();
        EcCodes.filter("polar_stereographic_sfc_grib1", POLAR_GRIB1, dir);
        Path file = dir.resolve("polar.grib1");
        try (FrameSource source = reader().open(file, "2_metre_temperature_surface")) {
            Grid grid = source.grid();
            // NetCDF-Java writes the CF "stereographic" mapping (pole at 90 N, scale factor for 60 N true).
            assertThat(grid.mapping().mappingName()).isEqualTo("stereographic");
            assertThat(grid.mapping().numberAttributes().get("latitude_of_projection_origin")).containsExactly(90.0);
            assertThat(grid.x().standardName()).isEqualTo("projection_x_coordinate");
            assertThat(grid.x().units()).isEqualTo("km");
            assertThat(grid.x().spacing()).isCloseTo(100, offset(1e-3));
            assertThat(grid.y().values()[1] - grid.y().values()[0]).isCloseTo(100, offset(1e-3));
            assertThat(grid.nx()).isEqualTo(16);
            assertThat(grid.ny()).isEqualTo(31);
            assertThat(source.units()).isEqualTo("K");
            assertThat(source.times()).containsExactly(Instant.parse("2010-08-26T06:00:00Z"));
            assertSameValues(source.frame(0).values(), EcCodes.values(file, 16 * 31), 1e-3f);
        }
    }

    @Test
    void badFilesAreRefusedNamingTheFileAndWhatWasExpected() throws Exception {
        Path good = globalGrib2();
        byte[] whole = Files.readAllBytes(good);

        Path truncated = Files.write(dir.resolve("truncated.grib2"), Arrays.copyOf(whole, whole.length - 100));
        assertThatThrownBy(() -> reader().open(truncated, "Temperature_height_above_ground"))
                .isInstanceOf(UnusableFileException.class)
                .hasMessageStartingWith(truncated.toString())
                .hasMessageContaining("file is truncated: GRIB message 1 at byte 0 states " + whole.length + " bytes");

        Path foreign = Files.writeString(dir.resolve("foreign.grib2"), "CDF\u0001 not GRIB at all");
        assertThatThrownBy(() -> reader().open(foreign, "Temperature_height_above_ground"))
                .isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("not a GRIB file").hasMessageContaining("expected 'GRIB' and edition 1 or 2");

        Path empty = Files.createFile(dir.resolve("empty.grib2"));
        assertThatThrownBy(() -> reader().open(empty, "Temperature_height_above_ground"))
                .isInstanceOf(UnusableFileException.class).hasMessageContaining("file is empty");

        // One more point left out by the bitmap than section 5's 680 packed values allow.
        byte[] holed = whole.clone();
        holed[section(holed, 6) + 6] &= 0x7f;
        Path bitmap = Files.write(dir.resolve("bitmap.grib2"), holed);
        try (FrameSource source = reader().open(bitmap, "Temperature_height_above_ground")) {
            assertThatThrownBy(() -> source.statistics(0))
                    .isInstanceOf(UnusableFileException.class)
                    .hasMessageStartingWith(bitmap + ": frame 0 of 'Temperature_height_above_ground' cannot be read")
                    .hasMessageContaining("section 5 declares 680 packed values; 679 of them filled 684 of the grid's "
                            + "684 points; expected the bitmap (without one, the grid) to keep as many points as there "
                            + "are packed values");
        }

        assertThatThrownBy(() -> reader().open(good, "rain"))
                .isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("no GRIB variable 'rain'; the file has Temperature_height_above_ground")
                .hasMessageContaining("input.options.aliases.rain");
        FrameReader aliased = FrameReaders.create(ReaderSpec.of(GribReader.NAME, Map.of("aliases.rain", "Precip")));
        assertThatThrownBy(() -> aliased.open(good, "rain"))
                .isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("no GRIB variable 'Precip' (input.options.aliases.rain)");
    }

    @Test
    void settingsAreCheckedByName() {
        assertThatThrownBy(() -> FrameReaders.create(ReaderSpec.of(GribReader.NAME, Map.of("alias", "x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input.options.alias: reader 'grib' has no such setting")
                .hasMessageContaining("aliases.<variable>, missing_values, index_cache");
        assertThatThrownBy(() -> FrameReaders.create(ReaderSpec.of(GribReader.NAME, Map.of("missing_values", "-3; x"))))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("input.options.missing_values is '-3; x'; expected numbers separated by commas");
        assertThat(ReaderSpec.of(GribReader.NAME, Map.of()).withWorkDefaults(Path.of("/w")).options())
                .containsEntry("index_cache", Path.of("/w/cache/grib").toString());
        assertThat(ReaderSpec.of(GribReader.NAME, Map.of("index_cache", "/elsewhere")).withWorkDefaults(Path.of("/w"))
                .options()).containsEntry("index_cache", "/elsewhere");
        assertThat(ReaderSpec.of(CfNetcdfReader.NAME).withWorkDefaults(Path.of("/w")).options()).isEmpty();
    }

    /** Where GRIB2 section {@code number} of the one message in {@code grib} starts. */
    private static int section(byte[] grib, int number) {
        int at = 16;
        while (grib[at + 4] != number) {
            at += sectionLength(grib, at);
        }
        return at;
    }

    private static int sectionLength(byte[] grib, int at) {
        return ByteBuffer.wrap(grib, at, 4).getInt();
    }

    /** {@code grib} with the data of its section 7 (at {@code data}) replaced by {@code values}, lengths updated. */
    private static byte[] withData(byte[] grib, int data, byte[] values) {
        ByteBuffer out = ByteBuffer.allocate(data + 5 + values.length + 4);
        out.put(grib, 0, data).putInt(5 + values.length).put((byte) 7).put(values)
                .put("7777".getBytes(StandardCharsets.US_ASCII));
        return out.putLong(8, out.capacity()).array();
    }

    private Path globalGrib2() throws Exception {
        return EcCodes.globalGrib2(dir);
    }

    private FrameReader reader() {
        return FrameReaders.create(ReaderSpec.of(GribReader.NAME, Map.of("index_cache", dir.resolve("cache").toString())));
    }

    /** Equal cell by cell (NaN where ecCodes has missing), naming the first cell that differs. */
    static void assertSameValues(float[] actual, float[] expected, float tolerance) {
        assertThat(actual).hasSameSizeAs(expected);
        List<String> differences = new ArrayList<>();
        for (int k = 0; k < expected.length && differences.size() < 5; k++) {
            boolean same = Float.isNaN(expected[k]) ? Float.isNaN(actual[k]) : Math.abs(actual[k] - expected[k]) <= tolerance;
            if (!same) {
                differences.add("cell " + k + ": " + actual[k] + ", ecCodes " + expected[k]);
            }
        }
        assertThat(differences).as("cells that differ from ecCodes").isEmpty();
    }
}
