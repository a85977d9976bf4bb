package io.gridcast.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.LocalSpark;
import io.gridcast.ingest.SharedData;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.ingest.catalog.Rejection;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.Proj4Mapping;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import ucar.nc2.iosp.hdf5.H5Chunks;

/**
 * The ODIM_H5 importer on the real OPERA composites of 2018-08-24 and on files written by h5py the way other
 * producers write them (another ODIM version, object, quantity, storage type, projection and grid size).
 */
class OdimHdf5ReaderTest {

    private static final String DAY = "radar/opera-20180824";

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[2]");

    @TempDir
    Path tmp;

    private final FrameReader reader = FrameReaders.byName("odim-hdf5");

    private static Path opera(String time) {
        return SharedData.require(DAY).resolve("T_PAAH21_C_EUOC_20180824" + time + "00.hdf");
    }

    @Test
    void readsTheOperaCompositeRainRate() throws UnusableFileException {
        try (FrameSource source = reader.open(opera("1800"), "RATE")) {
            assertThat(source.times()).containsExactly(Instant.parse("2018-08-24T18:00:00Z"));
            assertThat(source.units()).isEqualTo("mm/h");
            Grid grid = source.grid();
            assertThat(grid.ny()).isEqualTo(2200);
            assertThat(grid.nx()).isEqualTo(1900);
            assertThat(grid.x().units()).isEqualTo("m");
            assertThat(grid.x().values()[1] - grid.x().values()[0]).isCloseTo(2000, within(1e-6));
            // Rows run north to south, as stored.
            assertThat(grid.y().values()[1] - grid.y().values()[0]).isCloseTo(-2000, within(1e-6));
            assertThat(grid.mapping().mappingName()).isEqualTo("lambert_azimuthal_equal_area");
            assertThat(grid.mapping().numberAttributes().get("inverse_flattening")[0]).isCloseTo(298.257223563, within(1e-6));

            // Figures from h5py on the same file: 2,085,857 cells are nodata (-9999000), 1,605,989 undetect
            // (-8888000), 6,055 hold a measured 0 and 482,099 rain; the largest is 1205.22 mm/h.
            Frame frame = source.frame(0);
            long missing = 0;
            long dry = 0;
            float max = 0;
            for (float v : frame.values()) {
                missing += Float.isNaN(v) ? 1 : 0;
                dry += v == 0 ? 1 : 0;
                max = Math.max(max, Float.isNaN(v) ? 0 : v);
            }
            assertThat(missing).isEqualTo(2_085_857);
            assertThat(dry).isEqualTo(1_605_989 + 6_055);
            assertThat(max).isEqualTo(1205.22f);
            assertThat(source.statistics(0)).isEqualTo(FrameStatistics.of(frame.values()));
        }
    }

    /**
     * Issue 17: an OPERA frame's statistics are decoded a chunk at a time in buffers the thread keeps, so they
     * allocate nothing of a frame's size (through NetCDF-Java's read: 180 MB a frame, each chunk inflated into a
     * growing stream and then copied value by value into a new array of doubles).
     */
    @Test
    void operaStatisticsAllocateNothingOfAFramesSize() throws UnusableFileException {
        readOneFrame();
        try (FrameSource source = reader.open(opera("1815"), "RATE")) {
            assertThat(allocatedForStatistics(source))
                    .as("bytes allocated for one frame's statistics (a frame: 16.7 MB of floats)")
                    .isLessThan(1_000_000L);
        }
    }

    /**
     * A thread's first OPERA frame makes its chunk buffers outside the Java heap: in the heap a chunk (1.3 MB) is a
     * humongous object of G1's, whose allocation may start a collection; what the thread allocates in the heap stays
     * below half of G1's smallest region (1 MB).
     */
    @Test
    void aThreadsChunkBuffersAreOutsideTheHeap() throws Exception {
        readOneFrame();
        try (FrameSource source = reader.open(opera("1830"), "RATE")) {
            long[] allocated = new long[1];
            Thread first = new Thread(() -> {
                try {
                    allocated[0] = allocatedForStatistics(source);
                } catch (UnusableFileException e) {
                    throw new IllegalStateException(e);
                }
            });
            first.start();
            first.join();
            assertThat(allocated[0]).as("bytes a new thread allocated in the heap for its first frame's statistics "
                    + "(a chunk: 1.3 MB)").isPositive().isLessThan(512 * 1024L);
        }
    }

    /** Reads one OPERA frame's statistics on this thread: its buffers made, classes loaded, code compiled. */
    private void readOneFrame() throws UnusableFileException {
        try (FrameSource source = reader.open(opera("1800"), "RATE")) {
            source.statistics(0);
        }
    }

    /** The heap bytes this thread allocates for the statistics of the frame of {@code source}. */
    private static long allocatedForStatistics(FrameSource source) throws UnusableFileException {
        com.sun.management.ThreadMXBean threads =
                (com.sun.management.ThreadMXBean) java.lang.management.ManagementFactory.getThreadMXBean();
        long before = threads.getCurrentThreadAllocatedBytes();
        FrameStatistics stats = source.statistics(0);
        long allocated = threads.getCurrentThreadAllocatedBytes() - before;
        assertThat(stats.validCells()).isPositive();
        return allocated;
    }

    /** A chunk whose deflate stream is damaged is refused, naming the dataset and the chunk. */
    @Test
    void aDamagedChunkNamesTheChunk() throws IOException, UnusableFileException {
        Path file = Files.copy(opera("1800"), tmp.resolve("damaged.hdf"));
        H5Chunks.Chunk largest;
        try (ucar.nc2.NetcdfFile nc = ucar.nc2.NetcdfFile.open(file.toString())) {
            largest = H5Chunks.of(nc.findVariable("dataset1/data1/data")).chunks().stream()
                    .max(java.util.Comparator.comparingInt(H5Chunks.Chunk::storedBytes)).orElseThrow();
        }
        try (java.nio.channels.FileChannel channel = java.nio.channels.FileChannel.open(file,
                java.nio.file.StandardOpenOption.WRITE)) {
            channel.write(java.nio.ByteBuffer.allocate(256), largest.filePosition() + largest.storedBytes() / 2);
        }
        try (FrameSource source = reader.open(file, "RATE")) {
            assertThatThrownBy(() -> source.statistics(0)).isInstanceOf(UnusableFileException.class)
                    .hasMessageContaining("damaged.hdf")
                    .hasMessageContaining("dataset1/data1/data chunk at row " + largest.row() + ", column "
                            + largest.column())
                    .hasMessageContaining("corrupt data");
        }
    }

    /** The grid's outer corners, taken back to lon/lat with the file's projdef, are the file's own corners. */
    @Test
    void operaGridCornersAreTheFilesCorners() throws UnusableFileException {
        Grid grid;
        try (FrameSource source = reader.open(opera("1800"), "RATE")) {
            grid = source.grid();
        }
        Proj4Mapping p = Proj4Mapping.parse(grid.mapping().textAttributes().get("proj4_params"));
        double[] x = grid.x().values();
        double[] y = grid.y().values();
        double[] upperLeft = p.inverse(x[0] - 1000, y[0] + 1000);
        double[] lowerRight = p.inverse(x[1899] + 1000, y[2199] - 1000);
        // where/UL_lon, UL_lat and LR_lon, LR_lat of the file.
        assertThat(upperLeft[0]).isCloseTo(-39.5357864125034, within(1e-4));
        assertThat(upperLeft[1]).isCloseTo(67.0228327583087, within(1e-4));
        assertThat(lowerRight[0]).isCloseTo(29.421038635578, within(1e-4));
        assertThat(lowerRight[1]).isCloseTo(31.987650277945, within(1e-4));
        // The first and last cell centres, from pyproj (PROJ 9.1.1) with the corners projected by it.
        assertThat(p.inverse(x[0], y[0])).containsExactly(new double[] {-39.50248365560574, 67.0226038901609}, within(1e-7));
        assertThat(p.inverse(x[1899], y[2199])).containsExactly(new double[] {29.41312005971608, 31.998875141810913}, within(1e-7));
    }

    @Test
    void theQualityIndexIsNeverMixedIntoTheRainRate() throws UnusableFileException {
        float[] rate;
        float[] quality;
        try (FrameSource source = reader.open(opera("1800"), "RATE")) {
            rate = source.frame(0).values();
        }
        try (FrameSource source = reader.open(opera("1800"), "QIND")) {
            assertThat(source.units()).isEqualTo("1");
            quality = source.frame(0).values();
        }
        assertThat(quality).isNotEqualTo(rate);
        double qMax = 0;
        for (float q : quality) {
            qMax = Float.isNaN(q) ? qMax : Math.max(qMax, q);
        }
        assertThat(qMax).isLessThanOrEqualTo(1.0);
    }

    @Test
    void aQuantityTheFileLacksNamesTheQuantitiesOnOffer() {
        assertThatThrownBy(() -> reader.open(opera("1800"), "DBZH")).isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("T_PAAH21_C_EUOC_20180824180000.hdf")
                .hasMessageContaining("no datasets of quantity 'DBZH'")
                .hasMessageContaining("dataset1/data1=RATE").hasMessageContaining("dataset2/data1=QIND");
    }

    /** Another producer: an IMAGE of 8-bit DBZH, ODIM 2.4, the quantity and its scaling in dataM/what, km. */
    private OdimFile reflectivityImage(double[] raw) {
        double[] quality = new double[40 * 30];
        Arrays.fill(quality, 0.75);
        return OdimFile.product("IMAGE", "H5rad 2.4", "20210704", "001500")
                .where("+proj=stere +lat_0=90 +lon_0=10 +lat_ts=60 +ellps=WGS84 +units=km", 40, 30, 1000, 1000,
                        100, -3900)
                .set("dataset1/what", "product", "PCAPPI")
                .set("dataset1/what", "startdate", "20210704").set("dataset1/what", "starttime", "001000")
                .set("dataset1/what", "enddate", "20210704").set("dataset1/what", "endtime", "001500")
                .set("dataset1/data1/what", "quantity", "DBZH").set("dataset1/data1/what", "gain", 0.5)
                .set("dataset1/data1/what", "offset", -32.0).set("dataset1/data1/what", "nodata", 255)
                .set("dataset1/data1/what", "undetect", 0)
                .data("dataset1/data1", "uint8", 40, 30, raw)
                .set("dataset1/data2/what", "quantity", "QIND").set("dataset1/data2/what", "gain", 1.0)
                .set("dataset1/data2/what", "offset", 0.0)
                .data("dataset1/data2", "float32", 40, 30, quality);
    }

    /** Raw DBZH: 23 dBZ everywhere but undetect, nodata and 40 dBZ in the first three cells. */
    private static double[] dbzh() {
        double[] raw = new double[40 * 30];
        Arrays.fill(raw, 110);
        raw[0] = 0;
        raw[1] = 255;
        raw[2] = 144;
        return raw;
    }

    @Test
    void anotherProducersReflectivityImageStaysInDbz() throws UnusableFileException {
        Path file = reflectivityImage(dbzh()).write(tmp.resolve("image.h5"));
        try (FrameSource source = reader.open(file, "DBZH")) {
            assertThat(source.units()).isEqualTo("dBZ");
            assertThat(source.times()).containsExactly(Instant.parse("2021-07-04T00:15:00Z"));
            Grid grid = source.grid();
            assertThat(grid.ny()).isEqualTo(40);
            assertThat(grid.nx()).isEqualTo(30);
            assertThat(grid.x().units()).isEqualTo("km");
            assertThat(grid.x().values()[0]).isCloseTo(100.5, within(1e-6));
            assertThat(grid.y().values()[0]).isCloseTo(-3900.5, within(1e-6));
            assertThat(grid.y().values()[39]).isCloseTo(-3939.5, within(1e-6));
            assertThat(grid.mapping().mappingName()).isEqualTo("polar_stereographic");
            assertThat(grid.mapping().numberAttributes().get("standard_parallel")).containsExactly(60.0);
            float[] v = source.frame(0).values();
            assertThat(v[0]).isEqualTo(OdimHdf5Reader.NO_ECHO_DBZ);
            assertThat(v[1]).isNaN();
            assertThat(v[2]).isEqualTo(40f);
            assertThat(v[3]).isEqualTo(23f);
        }
    }

    @Test
    void reflectivityBecomesRainRateOnlyWithAZrRelation() throws UnusableFileException {
        Path file = reflectivityImage(dbzh()).write(tmp.resolve("image.h5"));
        FrameReader marshallPalmer = reader.configure(Map.of("zr.a", "200", "zr.b", "1.6"));
        try (FrameSource source = marshallPalmer.open(file, "DBZH")) {
            assertThat(source.units()).isEqualTo("mm/h");
            float[] v = source.frame(0).values();
            assertThat(v[0]).isEqualTo(0f);
            assertThat(v[1]).isNaN();
            // Z = 10^(dBZ/10) = 200 R^1.6: 40 dBZ is 11.53 mm/h, 23 dBZ 0.999 mm/h.
            assertThat((double) v[2]).isCloseTo(Math.pow(1e4 / 200, 1 / 1.6), within(1e-4));
            assertThat((double) v[3]).isCloseTo(Math.pow(Math.pow(10, 2.3) / 200, 1 / 1.6), within(1e-5));
        }
        assertThatThrownBy(() -> marshallPalmer.open(opera("1800"), "RATE")).isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("input.options.zr is set but quantity 'RATE' is not a reflectivity");
    }

    @Test
    void readerSettingsAreChecked() {
        assertThatThrownBy(() -> reader.configure(Map.of("zr.a", "200", "zr.c", "1")))
                .hasMessageContaining("[zr.c]").hasMessageContaining("knows only zr.a and zr.b");
        assertThatThrownBy(() -> reader.configure(Map.of("zr.a", "200")))
                .hasMessageContaining("expected both zr.a and zr.b");
        assertThatThrownBy(() -> reader.configure(Map.of("zr.a", "200", "zr.b", "-1")))
                .hasMessageContaining("input.options.zr.b is '-1'; expected a positive number");
    }

    /**
     * Another producer: a COMP of 16-bit ACRR, ODIM 2.1, quantity and scaling in datasetN/what only, variable-
     * length strings, an Albers grid in metres of another size.
     */
    @Test
    void anotherProducersAccumulationComposite() throws UnusableFileException {
        double[] raw = new double[20 * 25];
        for (int k = 0; k < raw.length; k++) {
            raw[k] = k % 7 == 0 ? 65535 : k % 5 == 0 ? 0 : k;
        }
        Path file = OdimFile.product("COMP", "H5rad 2.1", "20201031", "235000")
                .where("+proj=aea +lat_1=-18 +lat_2=-36 +lat_0=-27.7 +lon_0=153.2 +ellps=GRS80", 20, 25, 500, 500,
                        -6250, 5000)
                .set("dataset1/what", "quantity", "ACRR").set("dataset1/what", "gain", 0.01)
                .set("dataset1/what", "offset", 0.0).set("dataset1/what", "nodata", 65535)
                .set("dataset1/what", "undetect", 0)
                .set("dataset1/what", "startdate", "20201031").set("dataset1/what", "starttime", "234000")
                .set("dataset1/what", "enddate", "20201031").set("dataset1/what", "endtime", "235000")
                .data("dataset1/data1", "uint16", 20, 25, raw)
                .variableLengthStrings().write(tmp.resolve("comp.h5"));
        try (FrameSource source = reader.open(file, "ACRR")) {
            assertThat(source.units()).isEqualTo("mm");
            assertThat(source.times()).containsExactly(Instant.parse("2020-10-31T23:50:00Z"));
            Grid grid = source.grid();
            assertThat(grid.ny()).isEqualTo(20);
            assertThat(grid.nx()).isEqualTo(25);
            assertThat(grid.x().units()).isEqualTo("m");
            assertThat(grid.x().values()[0]).isCloseTo(-6000, within(1e-3));
            assertThat(grid.y().values()[0]).isCloseTo(4750, within(1e-3));
            assertThat(grid.mapping().mappingName()).isEqualTo("albers_conical_equal_area");
            assertThat(grid.mapping().numberAttributes().get("standard_parallel")).containsExactly(-18.0, -36.0);
            float[] v = source.frame(0).values();
            assertThat(v[0]).isNaN();
            assertThat(v[5]).isEqualTo(0f);
            assertThat(v[6]).isEqualTo(0.06f);
            assertThat(v[499]).isEqualTo(4.99f);
        }
    }

    /** float32 values, with nodata and undetect that a float cannot hold exactly: compared as stored. */
    @Test
    void aLatitudeLongitudeImageHasLatitudeAndLongitudeAxes() throws UnusableFileException {
        double[] raw = new double[10 * 12];
        raw[0] = -9999.9;
        raw[1] = -8888.8;
        raw[2] = 1.5;
        Path file = OdimFile.product("IMAGE", "H5rad 2.3", "20190610", "000000")
                .where("+proj=longlat +ellps=WGS84", 10, 12, 0.01, 0.01, 5.0, 53.0)
                .set("dataset1/data1/what", "quantity", "RATE").set("dataset1/data1/what", "nodata", -9999.9)
                .set("dataset1/data1/what", "undetect", -8888.8)
                .data("dataset1/data1", "float32", 10, 12, raw).write(tmp.resolve("longlat.h5"));
        try (FrameSource source = reader.open(file, "RATE")) {
            float[] v = source.frame(0).values();
            assertThat(v[0]).isNaN();
            assertThat(v[1]).isEqualTo(0f);
            assertThat(v[2]).isEqualTo(1.5f);
            Grid grid = source.grid();
            assertThat(grid.mapping()).isNull();
            assertThat(grid.x().standardName()).isEqualTo("longitude");
            assertThat(grid.x().values()[0]).isCloseTo(5.005, within(1e-9));
            assertThat(grid.y().standardName()).isEqualTo("latitude");
            assertThat(grid.y().values()[9]).isCloseTo(52.905, within(1e-9));
        }
    }

    /** Raw 16-bit values of a 20 x 25 grid: nodata (32767) every 7th cell, undetect (0) every 5th, else the index. */
    private static double[] raw20x25() {
        double[] raw = new double[20 * 25];
        for (int k = 0; k < raw.length; k++) {
            raw[k] = k % 7 == 0 ? 32767 : k % 5 == 0 ? 0 : k;
        }
        return raw;
    }

    private static OdimFile rateComposite() {
        return OdimFile.product("COMP", "H5rad 2.2", "20190610", "000000")
                .where("+proj=laea +lat_0=55 +lon_0=10 +ellps=WGS84", 20, 25, 2000, 2000, 0, 0)
                .set("dataset1/what", "quantity", "RATE").set("dataset1/what", "gain", 0.01)
                .set("dataset1/what", "offset", 0.0).set("dataset1/what", "nodata", 32767)
                .set("dataset1/what", "undetect", 0);
    }

    static Stream<Arguments> storages() {
        return Stream.of(
                Arguments.of("<u2", Map.of("chunks", List.of(7, 8), "compression", "gzip", "shuffle", true)),
                Arguments.of(">f8", Map.of("chunks", List.of(7, 8), "compression", "gzip", "shuffle", true,
                        "fletcher32", true)),
                Arguments.of("<i2", Map.of("chunks", List.of(20, 25))),
                Arguments.of(">i4", Map.of("chunks", List.of(3, 25), "compression", "gzip")),
                Arguments.of("<f4", Map.of()));
    }

    /**
     * Producers store their data otherwise than OPERA: chunks that do not divide the grid, shuffle and Fletcher-32
     * around deflate, big-endian values, no filter, no chunks (read through NetCDF-Java). Each decodes the same.
     */
    @ParameterizedTest(name = "{0} {1}")
    @MethodSource("storages")
    void everyStorageOfTheDataDecodesTheSame(String dtype, Map<String, Object> storage) throws UnusableFileException {
        double[] raw = raw20x25();
        Path file = rateComposite().data("dataset1/data1", dtype, 20, 25, raw, storage).write(tmp.resolve("rate.h5"));
        float[] expected = new float[raw.length];
        for (int k = 0; k < raw.length; k++) {
            expected[k] = raw[k] == 32767 ? Float.NaN : (float) (0.01 * raw[k]);
        }
        try (FrameSource source = reader.open(file, "RATE")) {
            assertThat(source.frame(0).values()).containsExactly(expected);
            assertThat(source.statistics(0)).isEqualTo(FrameStatistics.of(expected));
        }
    }

    /**
     * Chunks never written hold the dataset's fill value: the one it states (here nodata), or HDF5's default of
     * zero bytes (here undetect), as h5py reads them.
     */
    @Test
    void chunksNeverWrittenHoldTheFillValue() throws UnusableFileException {
        double[] raw = raw20x25();
        Path file = rateComposite()
                .data("dataset1/data1", "<u2", 20, 25, raw, Map.of("chunks", List.of(7, 8), "compression", "gzip",
                        "fillvalue", 32767, "rows", 7))
                .set("dataset1/data2/what", "quantity", "ACRR")
                .data("dataset1/data2", "<u2", 20, 25, raw, Map.of("chunks", List.of(7, 8), "compression", "gzip",
                        "rows", 7))
                .write(tmp.resolve("partly.h5"));
        try (FrameSource rate = reader.open(file, "RATE"); FrameSource accumulation = reader.open(file, "ACRR")) {
            float[] written = rate.frame(0).values();
            float[] zeros = accumulation.frame(0).values();
            assertThat(written[7 * 25 - 1]).isEqualTo((float) (0.01 * 174));
            assertThat(zeros[7 * 25 - 1]).isEqualTo((float) (0.01 * 174));
            for (int k = 7 * 25; k < 20 * 25; k++) {
                assertThat(written[k]).as("cell %d", k).isNaN();
                assertThat(zeros[k]).as("cell %d", k).isZero();
            }
        }
    }

    @Test
    void aFileWithoutProjdefIsRefused() {
        Path file = reflectivityImage(dbzh()).remove("where", "projdef").write(tmp.resolve("noproj.h5"));
        assertThatThrownBy(() -> reader.open(file, "DBZH")).isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("noproj.h5").hasMessageContaining("no where/projdef");
    }

    @Test
    void anUnsupportedProjectionNamesTheSupportedOnes() {
        Path file = reflectivityImage(dbzh()).set("where", "projdef", "+proj=merc +lon_0=10 +ellps=WGS84")
                .write(tmp.resolve("merc.h5"));
        assertThatThrownBy(() -> reader.open(file, "DBZH")).isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("merc.h5").hasMessageContaining("'+proj=merc +lon_0=10 +ellps=WGS84'")
                .hasMessageContaining("supported: laea, stere, aea, lcc, tmerc, longlat");
    }

    @Test
    void cornersThatDisagreeWithTheProjectionAreRefused() {
        Path file = reflectivityImage(dbzh()).set("where", "xscale", 2000.0).write(tmp.resolve("scale.h5"));
        assertThatThrownBy(() -> reader.open(file, "DBZH")).isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("scale.h5").hasMessageContaining("where/LR_lon, LR_lat project to");
    }

    @Test
    void aPolarVolumeIsRefused() {
        Path file = reflectivityImage(dbzh()).set("what", "object", "PVOL").write(tmp.resolve("pvol.h5"));
        assertThatThrownBy(() -> reader.open(file, "DBZH")).isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("pvol.h5").hasMessageContaining("what/object is 'PVOL'; expected");
    }

    /** Bad files beside good ones: every bad one in the quarantine list with its reason, the good ones catalogued. */
    @Test
    void badFilesAreQuarantinedBesideGoodOnes() throws IOException {
        Path archive = Files.createDirectories(tmp.resolve("archive"));
        for (String time : new String[] {"1800", "1815"}) {
            Files.copy(opera(time), archive.resolve(opera(time).getFileName()));
        }
        byte[] whole = Files.readAllBytes(opera("1830"));
        Files.write(archive.resolve("truncated.hdf"), Arrays.copyOf(whole, whole.length / 2));
        reflectivityImage(dbzh()).write(archive.resolve("reflectivity_only.hdf"));
        reflectivityImage(dbzh()).set("dataset1/data1/what", "quantity", "RATE").remove("where", "projdef")
                .write(archive.resolve("no_projdef.hdf"));

        FrameIngest.Summary summary = FrameIngest.run(SPARK.session(), new FrameIngest.Request(archive, "*.hdf",
                "RATE", "odim-hdf5", tmp.resolve("catalog")));

        assertThat(summary.frames()).isEqualTo(2);
        Map<String, String> reasons = summary.rejections().stream()
                .collect(Collectors.toMap(r -> Path.of(r.file()).getFileName().toString(), Rejection::reason));
        assertThat(reasons).containsOnlyKeys("truncated.hdf", "reflectivity_only.hdf", "no_projdef.hdf");
        assertThat(reasons.get("truncated.hdf")).contains("truncated");
        assertThat(reasons.get("reflectivity_only.hdf")).contains("no datasets of quantity 'RATE'");
        assertThat(reasons.get("no_projdef.hdf")).contains("no where/projdef");
        assertThat(Files.readString(tmp.resolve("catalog/quarantine.txt"))).contains("truncated.hdf",
                "reflectivity_only.hdf", "no_projdef.hdf");
    }
}
