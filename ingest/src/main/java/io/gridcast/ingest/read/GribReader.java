package io.gridcast.ingest.read;

import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.SortedMap;
import java.util.TreeMap;
import java.util.stream.Collectors;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;
import ucar.nc2.grib.collection.Grib1Iosp;
import ucar.nc2.grib.collection.Grib2PngIosp;
import ucar.nc2.grib.collection.GribCollection;
import ucar.nc2.grib.collection.GribRecords;
import ucar.nc2.util.DiskCache2;

/**
 * GRIB1 and GRIB2 through NetCDF-Java's GRIB module ({@code edu.ucar:grib}): NetCDF-Java names the variables
 * (e.g. {@code Temperature_height_above_ground}; a local table's parameter by its numbers, as
 * {@code VAR209-6-1_FROM_161-0--1_altitude_above_msl}), builds the grid (latitude/longitude or projected, with its
 * CF grid mapping) and the times, read as {@link CfNetcdfReader} reads a CF file. A frame is its record's values
 * as NetCDF-Java's provider decodes them, without the copy its read of a variable makes ({@link GribRecords}).
 * PNG packing (template 5.41), which NetCDF-Java 4.5.5 cannot decode, is decoded by {@link GribPngPacking}.
 *
 * <p>Settings ({@code input.options}):
 * <ul>
 *   <li>{@code aliases.<name>}: the NetCDF-Java variable that gridcast's variable {@code <name>} reads, e.g.
 *       {@code aliases.precipitation_rate: VAR209-6-1_FROM_161-0--1_altitude_above_msl};</li>
 *   <li>{@code missing_values}: values that mean "no data" by the product's convention rather than GRIB's
 *       bitmap, comma-separated (MRMS: {@code -3} no radar coverage, {@code -999} missing); none by default;</li>
 *   <li>{@code index_cache}: the folder for NetCDF-Java's GRIB indexes ({@code .gbx9}, {@code .ncx2}), which it
 *       would otherwise write beside the data. The jobs set {@code <work>/cache/grib} ({@link #workDefaults});
 *       without it they go to {@code <java.io.tmpdir>/gridcast-grib-index}, never into the archive.</li>
 * </ul>
 */
public final class GribReader implements FrameReader {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "grib";

    private static final String ALIAS = "aliases.";
    private static final String MISSING_VALUES = "missing_values";
    private static final String INDEX_CACHE = "index_cache";

    /** The index folder NetCDF-Java's GRIB module uses in this JVM (a static setting); null before the first open. */
    private static Path indexCacheInUse;

    private final SortedMap<String, String> aliases;
    private final float[] missingValues;
    private final String indexCache;

    public GribReader() {
        this(new TreeMap<>(), new float[0], null);
    }

    private GribReader(SortedMap<String, String> aliases, float[] missingValues, String indexCache) {
        this.aliases = aliases;
        this.missingValues = missingValues;
        this.indexCache = indexCache;
    }

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FrameReader configure(Map<String, String> options) {
        SortedMap<String, String> aliases = new TreeMap<>();
        float[] missing = new float[0];
        String cache = null;
        for (Map.Entry<String, String> e : options.entrySet()) {
            String key = e.getKey();
            String value = e.getValue() == null ? "" : e.getValue().trim();
            if (key.startsWith(ALIAS) && key.length() > ALIAS.length()) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("input.options." + key + " is empty; expected the name "
                            + "NetCDF-Java gives the GRIB variable, e.g. VAR209-6-1_FROM_161-0--1_altitude_above_msl");
                }
                aliases.put(key.substring(ALIAS.length()), value);
            } else if (key.equals(MISSING_VALUES)) {
                missing = parseValues(value);
            } else if (key.equals(INDEX_CACHE)) {
                if (value.isEmpty()) {
                    throw new IllegalArgumentException("input.options.index_cache is empty; expected a folder");
                }
                cache = Path.of(value).toAbsolutePath().normalize().toString();
            } else {
                throw new IllegalArgumentException("input.options." + key + ": reader '" + NAME + "' has no such "
                        + "setting; known settings: aliases.<variable>, missing_values, index_cache");
            }
        }
        return new GribReader(aliases, missing, cache);
    }

    private static float[] parseValues(String text) {
        List<Float> values = new ArrayList<>();
        for (String part : text.split(",")) {
            try {
                values.add(Float.parseFloat(part.trim()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException("input.options.missing_values is '" + text
                        + "'; expected numbers separated by commas, e.g. '-3, -999'");
            }
        }
        float[] out = new float[values.size()];
        for (int i = 0; i < out.length; i++) {
            out[i] = values.get(i);
        }
        return out;
    }

    @Override
    public Map<String, String> workDefaults(Path workDir) {
        return Map.of(INDEX_CACHE, workDir.resolve("cache").resolve("grib").toString());
    }

    @Override
    public FrameSource open(Path file, String variable) throws UnusableFileException {
        int edition = GribMessages.check(file);
        // The path normalised: with a ".." in it NetCDF-Java's index of the file finds no records.
        String path = file.toAbsolutePath().normalize().toString();
        useIndexCache(indexCache == null ? Path.of(System.getProperty("java.io.tmpdir"), "gridcast-grib-index")
                : Path.of(indexCache), path);
        NetcdfFile nc;
        try {
            // The provider named: NetCDF-Java's own search would try every provider on the file first.
            nc = NetcdfFile.open(path, (edition == 2 ? Grib2PngIosp.class : Grib1Iosp.class).getName(),
                    -1, null, null);
        } catch (IOException | RuntimeException e) {
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "cannot be opened as GRIB" + edition + " (corrupt?); expected "
                    + "complete GRIB messages", e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("NetCDF-Java's GRIB reader cannot be made", e);
        }
        String name = aliases.getOrDefault(variable, variable);
        Variable grib = nc.findVariable(name);
        if (grib == null) {
            String offered = nc.getVariables().stream().filter(v -> v.getRank() >= 2).map(Variable::getFullName)
                    .collect(Collectors.joining(", "));
            CfNetcdfReader.closeQuietly(nc);
            throw new UnusableFileException(RejectionKind.NO_VARIABLE, file, "no GRIB variable '" + name + "'"
                    + (name.equals(variable) ? "" : " (input.options.aliases." + variable + ")")
                    + "; the file has " + (offered.isEmpty() ? "no gridded variables" : offered)
                    + "; expected NetCDF-Java's name of the variable, or input.options.aliases." + variable
                    + " naming it");
        }
        return new Records(file, nc, grib, CfNetcdfReader.open(file, nc, name, "a GRIB" + edition + " grid"),
                missingValues);
    }

    /**
     * Points NetCDF-Java's GRIB module at {@code folder} for its indexes (a setting per JVM, so each executor
     * makes it on its first open). A file's indexes go to {@code folder} + the file's absolute path: that folder
     * is made here, since NetCDF-Java's own check-then-create races between tasks and logs an error.
     */
    private static synchronized void useIndexCache(Path folder, String dataFile) throws UnusableFileException {
        try {
            Files.createDirectories(folder.resolve(dataFile.substring(1)).getParent());
        } catch (IOException e) {
            throw new UnusableFileException(folder, "cannot create the GRIB index folder (input.options.index_cache)",
                    e);
        }
        if (!folder.equals(indexCacheInUse)) {
            DiskCache2 cache = new DiskCache2(folder.toString(), false, 0, 0);
            cache.setAlwaysUseCache(true);
            GribCollection.setDiskCache2(cache);
            indexCacheInUse = folder;
        }
    }

    /**
     * The frames of one GRIB variable, each the array NetCDF-Java's provider decodes its record into
     * ({@link GribRecords}): the frame and the product's missing values use that one array, where NetCDF-Java's
     * read of the variable would hold a second copy. Ingest's statistics and a region's block take a PNG-packed
     * record a grid row at a time as it is decoded, so no array of the frame is made for them. The grid, times and
     * units are the CF reading of NetCDF-Java's variable.
     */
    private static final class Records implements FrameSource {

        private final Path file;
        private final NetcdfFile nc;
        private final Variable variable;
        private final FrameSource cf;
        private final float[] missing;

        Records(Path file, NetcdfFile nc, Variable variable, FrameSource cf, float[] missing) {
            this.file = file;
            this.nc = nc;
            this.variable = variable;
            this.cf = cf;
            this.missing = missing;
        }

        @Override
        public Grid grid() {
            return cf.grid();
        }

        @Override
        public String units() {
            return cf.units();
        }

        @Override
        public String standardName() {
            return cf.standardName();
        }

        @Override
        public List<Instant> times() {
            return cf.times();
        }

        /**
         * The CF reading accepted the variable only with one time dimension besides y and x (others of length 1),
         * so the frame's index is also its record's index.
         */
        @Override
        public Frame frame(int index) throws UnusableFileException {
            checkIndex(index);
            Cells cells = new Cells();
            float[] values;
            try {
                values = GribRecords.read(nc, variable, index);
            } catch (IOException | RuntimeException e) {
                throw unreadable(index, e);
            }
            cells.clean(values, 0, values.length, 0);
            cells.refuseInfinite(index);
            return new Frame(cf.times().get(index), cf.grid(), variable.getShortName(), units(), values);
        }

        @Override
        public FrameStatistics statistics(int index) throws UnusableFileException {
            FrameStatistics.Accumulator sums = new FrameStatistics.Accumulator();
            int nx = cf.grid().nx();
            rows(index, (values, from, y) -> sums.add(values, from, nx));
            return sums.result();
        }

        @Override
        public float[] block(int index, CellBlock block) throws UnusableFileException {
            block.requireWithin(cf.grid());
            float[] out = new float[block.cells()];
            rows(index, (values, from, y) -> {
                if (y >= block.y0() && y < block.y0() + block.ny()) {
                    System.arraycopy(values, from + block.x0(), out, (y - block.y0()) * block.nx(), block.nx());
                }
            });
            return out;
        }

        /** Hands frame {@code index} to {@code rows} a grid row at a time, checked and cleaned as {@link #frame} is. */
        private void rows(int index, GribPngPacking.Rows rows) throws UnusableFileException {
            checkIndex(index);
            Cells cells = new Cells();
            int nx = cf.grid().nx();
            try {
                GribRecords.read(nc, variable, index, (values, from, y) -> {
                    cells.clean(values, from, nx, (long) y * nx);
                    rows.row(values, from, y);
                });
            } catch (IOException | RuntimeException e) {
                throw unreadable(index, e);
            }
            cells.refuseInfinite(index);
        }

        private void checkIndex(int index) {
            if (index < 0 || index >= cf.times().size()) {
                throw new IndexOutOfBoundsException("frame " + index + " of " + file + ", which has "
                        + cf.times().size());
            }
        }

        private UnusableFileException unreadable(int index, Exception e) {
            return new UnusableFileException(file, "frame " + index + " of '" + variable.getFullName()
                    + "' cannot be read (truncated or corrupt data?)", e);
        }

        /**
         * The product's missing values made NaN in place, and the first infinite value noted: NaN is GRIB's missing
         * (a point the bitmap leaves out), an infinity no value.
         */
        private final class Cells {

            private long infiniteAt = -1;
            private float infinite;

            /** Cleans {@code values[from, from + count)}, cells {@code first, first + count} of the frame. */
            void clean(float[] values, int from, int count, long first) {
                for (int k = from; k < from + count; k++) {
                    float v = values[k];
                    if (Float.isInfinite(v) && infiniteAt < 0) {
                        infiniteAt = first + k - from;
                        infinite = v;
                    }
                    for (float m : missing) {
                        if (v == m) {
                            values[k] = Float.NaN;
                        }
                    }
                }
            }

            void refuseInfinite(int index) throws UnusableFileException {
                if (infiniteAt >= 0) {
                    int nx = cf.grid().nx();
                    throw new UnusableFileException(file, "frame " + index + " of '" + variable.getFullName()
                            + "' decodes to " + infinite + " at cell (y " + infiniteAt / nx + ", x " + infiniteAt % nx
                            + "); expected finite values, missing cells left out by the bitmap");
                }
            }
        }

        @Override
        public void close() {
            cf.close();
        }
    }

    /** The GRIB messages of a file, checked before NetCDF-Java indexes it (it skips a truncated last message). */
    static final class GribMessages {

        private GribMessages() {
        }

        /**
         * The GRIB edition (1 or 2) of every message, after checking that each message starts with "GRIB", is
         * whole (its stated length fits in the file) and ends with "7777".
         */
        static int check(Path file) throws UnusableFileException {
            if (!Files.isRegularFile(file)) {
                throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "no such file (or not a regular file)");
            }
            try (FileChannel ch = FileChannel.open(file)) {
                long size = ch.size();
                if (size == 0) {
                    throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "file is empty (0 bytes); expected GRIB messages");
                }
                int edition = 0;
                long pos = 0;
                int message = 1;
                while (pos < size) {
                    ByteBuffer head = ByteBuffer.allocate(16);
                    ch.read(head, pos);
                    byte[] h = head.array();
                    if (h[0] != 'G' || h[1] != 'R' || h[2] != 'I' || h[3] != 'B' || (h[7] != 1 && h[7] != 2)) {
                        throw new UnusableFileException(RejectionKind.NOT_READABLE, file, (message == 1 ? "not a GRIB file" : "bytes after "
                                + "message " + (message - 1) + " are not a GRIB message") + " (at byte " + pos
                                + ": " + HexFormat.ofDelimiter(" ").formatHex(h, 0, 8)
                                + "); expected 'GRIB' and edition 1 or 2");
                    }
                    if (edition != 0 && edition != h[7]) {
                        throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "message " + message + " is GRIB" + h[7]
                                + " after GRIB" + edition + " messages; expected one edition a file");
                    }
                    edition = h[7];
                    long length = edition == 2 ? ByteBuffer.wrap(h, 8, 8).getLong()
                            : (h[4] & 0xff) << 16 | (h[5] & 0xff) << 8 | (h[6] & 0xff);
                    if (edition == 1 && (length & 0x800000) != 0) {
                        // ECMWF's GRIB1 messages over 8 MB code their length elsewhere: NetCDF-Java checks them.
                        return edition;
                    }
                    if (length < 16 || pos + length > size) {
                        throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "file is truncated: GRIB message " + message + " at byte "
                                + pos + " states " + length + " bytes, the file has " + (size - pos)
                                + " from there; expected complete GRIB messages");
                    }
                    ByteBuffer end = ByteBuffer.allocate(4);
                    ch.read(end, pos + length - 4);
                    if (!Arrays.equals(end.array(), new byte[] {'7', '7', '7', '7'})) {
                        throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "GRIB message " + message + " at byte " + pos
                                + " does not end with '7777' where its length says; expected complete GRIB messages");
                    }
                    pos += length;
                    message++;
                }
                return edition;
            } catch (IOException e) {
                throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "cannot be read", e);
            }
        }
    }
}
