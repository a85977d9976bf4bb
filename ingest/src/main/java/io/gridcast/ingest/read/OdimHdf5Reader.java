package io.gridcast.ingest.read;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.Proj4Mapping;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Pattern;
import ucar.ma2.Array;
import ucar.ma2.InvalidRangeException;
import ucar.nc2.Attribute;
import ucar.nc2.Group;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;
import ucar.nc2.iosp.hdf5.H5Chunks;

/**
 * Importer for OPERA ODIM_H5 Cartesian products (EUMETNET OPERA Data Information Model, v2.0 to 2.4): objects
 * {@code COMP} (composites) and {@code IMAGE}. The configured variable is an ODIM quantity ({@code RATE},
 * {@code ACRR}, {@code DBZH}, ...): the one {@code datasetN/dataM/data} whose quantity it is (stated in
 * {@code dataM/what} or {@code datasetN/what}; the spec allows both) becomes the frame, datasets of other quantities
 * (e.g. {@code QIND}) are ignored. Values are {@code gain * raw + offset}; {@code nodata} (no coverage) is missing,
 * {@code undetect} (measured, no echo) is no precipitation. The time is the nominal {@code what/date} and
 * {@code what/time}; the grid is {@code where/projdef} (a proj4 string) with cell centres from the upper-left corner
 * and {@code xscale}/{@code yscale}, rows north to south as stored.
 */
public final class OdimHdf5Reader implements FrameReader {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "odim-hdf5";

    /** ODIM quantities' units (as the ODIM_H5 v2.x quantity table states them), as CF/UDUNITS writes them. */
    private static final Map<String, String> UNITS = Map.ofEntries(Map.entry("RATE", "mm/h"), Map.entry("ACRR", "mm"),
            Map.entry("TH", "dBZ"), Map.entry("TV", "dBZ"), Map.entry("DBZH", "dBZ"), Map.entry("DBZV", "dBZ"),
            Map.entry("HGHT", "km"), Map.entry("VIL", "kg/m2"), Map.entry("VRADH", "m/s"), Map.entry("VRAD", "m/s"),
            Map.entry("WRADH", "m/s"), Map.entry("ZDR", "dB"), Map.entry("QIND", "1"), Map.entry("CLASS", "1"));

    /** Reflectivities a Z-R relation turns into rain rate. */
    private static final Set<String> REFLECTIVITY = Set.of("TH", "TV", "DBZH", "DBZV");

    /** Quantities whose "no precipitation" is 0 in their own units. */
    private static final Set<String> PRECIPITATION = Set.of("RATE", "ACRR");

    /**
     * The value of {@code undetect} (no echo) in a reflectivity left in dBZ: ODIM's customary DBZH floor (8-bit,
     * gain 0.5, offset -32), below any precipitation echo. With Z-R it is 0 mm/h instead.
     */
    static final float NO_ECHO_DBZ = -32f;

    private static final DateTimeFormatter DATE_TIME = DateTimeFormatter.ofPattern("uuuuMMddHHmmss");

    private static final Pattern DATASET = Pattern.compile("dataset\\d+");
    private static final Pattern DATA = Pattern.compile("data\\d+");

    /** Z = a R^b (Z in mm^6/m^3, R in mm/h); null keeps reflectivity in dBZ. */
    private final ZR zr;

    public OdimHdf5Reader() {
        this(null);
    }

    private OdimHdf5Reader(ZR zr) {
        this.zr = zr;
    }

    /** A Z-R relation, e.g. Marshall-Palmer {@code a = 200, b = 1.6}. */
    record ZR(double a, double b) implements Serializable {

        /** Rain rate in mm/h of a reflectivity in dBZ. */
        double rate(double dbz) {
            return Math.pow(Math.pow(10, dbz / 10) / a, 1 / b);
        }
    }

    @Override
    public String name() {
        return NAME;
    }

    /** Settings: {@code zr.a} and {@code zr.b} (both, positive) turn reflectivity into rain rate in mm/h. */
    @Override
    public FrameReader configure(Map<String, String> options) {
        Set<String> unknown = new TreeSet<>(options.keySet());
        unknown.removeAll(Set.of("zr.a", "zr.b"));
        if (!unknown.isEmpty()) {
            throw new IllegalArgumentException("input.options " + unknown + ": reader '" + NAME
                    + "' knows only zr.a and zr.b (a Z-R relation Z = a R^b, e.g. zr: {a: 200, b: 1.6})");
        }
        if (options.isEmpty()) {
            return new OdimHdf5Reader();
        }
        if (!options.containsKey("zr.a") || !options.containsKey("zr.b")) {
            throw new IllegalArgumentException("input.options.zr has " + options.keySet()
                    + "; expected both zr.a and zr.b (Z = a R^b, e.g. zr: {a: 200, b: 1.6})");
        }
        return new OdimHdf5Reader(new ZR(positive(options, "zr.a"), positive(options, "zr.b")));
    }

    private static double positive(Map<String, String> options, String key) {
        String text = options.get(key);
        double v;
        try {
            v = Double.parseDouble(text);
        } catch (NumberFormatException e) {
            v = Double.NaN;
        }
        if (!(v > 0) || Double.isInfinite(v)) {
            throw new IllegalArgumentException("input.options." + key + " is '" + text + "'; expected a positive number");
        }
        return v;
    }

    @Override
    public FrameSource open(Path file, String quantity) throws UnusableFileException {
        return Hdf5Sources.open(file, "an ODIM_H5 image of '" + quantity + "'",
                nc -> new Source(file, nc, quantity, zr));
    }

    private static final class Source implements FrameSource {

        private final Path file;
        private final NetcdfFile nc;
        private final String quantity;
        private final String units;
        /** {@code datasetN/dataM}, for messages. */
        private final String path;
        private final Variable data;
        private final Grid grid;
        private final Instant time;
        private final double gain;
        private final double offset;
        /** NaN where the file states none (a NaN never equals a raw value). */
        private final double nodata;
        private final double undetect;
        private final float noEcho;
        private final ZR zr;
        /** The dataset's chunks, read one at a time; null when NetCDF-Java's read is the way (see H5Chunks.of). */
        private final H5Chunks chunks;
        /** Rows NetCDF-Java reads at a time when {@link #chunks} is null. */
        private static final int BAND_ROWS = 256;
        /** Decoding table of 8- and 16-bit data, made on first use. */
        private float[] table;

        Source(Path file, NetcdfFile nc, String quantity, ZR zr) throws UnusableFileException {
            this.file = file;
            this.nc = nc;
            this.quantity = quantity;
            Group root = nc.getRootGroup();
            String object = text(root.findGroup("what"), "object");
            if (!object.equals("COMP") && !object.equals("IMAGE")) {
                throw new UnusableFileException(file, "what/object is '" + object + "'; expected an ODIM_H5 "
                        + "Cartesian product, COMP or IMAGE (polar volumes and scans are not gridded)");
            }
            Group dataGroup = selectData(root);
            this.path = dataGroup.getParentGroup().getShortName() + "/" + dataGroup.getShortName();
            List<Group> what = new ArrayList<>();
            for (Group g = dataGroup; g != null; g = g.getParentGroup()) {
                if (g.findGroup("what") != null) {
                    what.add(g.findGroup("what"));
                }
            }
            this.gain = number(what, "gain", 1);
            this.offset = number(what, "offset", 0);
            this.nodata = number(what, "nodata", Double.NaN);
            this.undetect = number(what, "undetect", Double.NaN);
            if (zr != null && !REFLECTIVITY.contains(quantity)) {
                throw new UnusableFileException(file, "input.options.zr is set but quantity '" + quantity
                        + "' is not a reflectivity; expected one of " + new TreeSet<>(REFLECTIVITY));
            }
            this.zr = zr;
            this.units = zr != null ? "mm/h" : UNITS.getOrDefault(quantity, "");
            this.noEcho = zr != null || !REFLECTIVITY.contains(quantity) ? 0 : NO_ECHO_DBZ;
            this.data = dataGroup.findVariable("data");
            if (data == null || data.getRank() != 2 || !data.getDataType().isNumeric()) {
                throw new UnusableFileException(file, path + " has no 2-D numeric dataset 'data'; expected "
                        + path + "/data(rows, columns)");
            }
            this.grid = grid(root.findGroup("where"));
            this.chunks = H5Chunks.of(data);
            this.time = nominalTime(root.findGroup("what"), what);
        }

        /** The one {@code datasetN/dataM} of the quantity; the message lists what the file has. */
        private Group selectData(Group root) throws UnusableFileException {
            Map<String, String> offered = new LinkedHashMap<>();
            List<Group> matches = new ArrayList<>();
            for (Group dataset : root.getGroups()) {
                if (!DATASET.matcher(dataset.getShortName()).matches()) {
                    continue;
                }
                for (Group g : dataset.getGroups()) {
                    if (DATA.matcher(g.getShortName()).matches()) {
                        String q = text(g.findGroup("what"), "quantity");
                        q = q.isEmpty() ? text(dataset.findGroup("what"), "quantity") : q;
                        offered.put(dataset.getShortName() + "/" + g.getShortName(), q);
                        if (q.equals(quantity)) {
                            matches.add(g);
                        }
                    }
                }
            }
            if (matches.size() != 1) {
                throw new UnusableFileException(RejectionKind.NO_VARIABLE, file, (matches.isEmpty() ? "no" : matches.size()) + " datasets of quantity '"
                        + quantity + "'; the file has " + (offered.isEmpty() ? "no datasetN/dataM groups" : offered)
                        + "; expected exactly one datasetN/dataM whose what/quantity is '" + quantity + "'");
            }
            return matches.get(0);
        }

        /**
         * Cell centres from the projected upper-left corner: x = UL_x + (c + 1/2) xscale, y = UL_y - (r + 1/2)
         * yscale (xscale and yscale in metres, as ODIM states them). The other three corners must land within half
         * a cell of where the sizes put them, so a wrong projdef or scale is refused rather than misplaced.
         */
        private Grid grid(Group where) throws UnusableFileException {
            if (where == null) {
                throw new UnusableFileException(file, "no group 'where'; expected where/projdef, xsize, ysize, "
                        + "xscale, yscale and the corners");
            }
            long ny = (long) required(where, "ysize");
            long nx = (long) required(where, "xsize");
            ReadLimits.checkGrid(file, "where/ysize, xsize", ny, nx);
            if (data.getShape(0) != ny || data.getShape(1) != nx) {
                throw new UnusableFileException(file, path + "/data is " + data.getShape(0) + " x " + data.getShape(1)
                        + " but where/ysize, xsize say " + ny + " x " + nx + "; expected the same shape");
            }
            String projdef = text(where, "projdef");
            if (projdef.isEmpty()) {
                throw new UnusableFileException(file, "no where/projdef; expected the grid's projection as a "
                        + "proj4 string, e.g. '+proj=laea +lat_0=55 +lon_0=10 +ellps=WGS84'");
            }
            Proj4Mapping projection;
            try {
                projection = Proj4Mapping.parse(projdef);
                projection.units();
            } catch (IllegalArgumentException e) {
                throw new UnusableFileException(file, "where/projdef: " + e.getMessage());
            }
            double toUnits = projection.geographic() ? 1 : 1 / projection.metresPerUnit();
            double xscale = required(where, "xscale");
            double yscale = required(where, "yscale");
            if (!(xscale > 0) || !(yscale > 0)) {
                throw new UnusableFileException(file, "where/xscale, yscale are " + xscale + ", " + yscale
                        + "; expected positive cell sizes (metres)");
            }
            double dx = xscale * toUnits;
            double dy = yscale * toUnits;
            double[] ul = corner(where, projection, "UL");
            Map<String, double[]> expected = Map.of("LL", new double[] {ul[0], ul[1] - ny * dy},
                    "UR", new double[] {ul[0] + nx * dx, ul[1]}, "LR", new double[] {ul[0] + nx * dx, ul[1] - ny * dy});
            for (Map.Entry<String, double[]> e : new TreeMap<>(expected).entrySet()) {
                double[] p = corner(where, projection, e.getKey());
                double[] q = e.getValue();
                if (!(Math.abs(p[0] - q[0]) <= dx / 2) || !(Math.abs(p[1] - q[1]) <= dy / 2)) {
                    throw new UnusableFileException(file, String.format(Locale.ROOT,
                            "where/%1$s_lon, %1$s_lat project to (%2$.1f, %3$.1f) %4$s, but the upper-left corner "
                                    + "and xsize * xscale, ysize * yscale put it at (%5$.1f, %6$.1f); expected the "
                                    + "grid's outer corners in where/projdef '%7$s'", e.getKey(), p[0], p[1],
                            projection.units(), q[0], q[1], projdef));
                }
            }
            double[] x = new double[(int) nx];
            for (int c = 0; c < nx; c++) {
                x[c] = ul[0] + (c + 0.5) * dx;
            }
            double[] y = new double[(int) ny];
            for (int r = 0; r < ny; r++) {
                y[r] = ul[1] - (r + 0.5) * dy;
            }
            if (projection.geographic()) {
                return new Grid(new Axis("lat", "latitude", "degrees_north", y),
                        new Axis("lon", "longitude", "degrees_east", x), null);
            }
            return new Grid(new Axis("y", "projection_y_coordinate", projection.units(), y),
                    new Axis("x", "projection_x_coordinate", projection.units(), x), projection.gridMapping());
        }

        private double[] corner(Group where, Proj4Mapping projection, String corner) throws UnusableFileException {
            double lon = required(where, corner + "_lon");
            double lat = required(where, corner + "_lat");
            double[] p = projection.project(lon, lat);
            if (!Double.isFinite(p[0]) || !Double.isFinite(p[1])) {
                throw new UnusableFileException(file, "where/" + corner + "_lon, " + corner + "_lat (" + lon + ", "
                        + lat + ") have no projected position in '" + projection.definition() + "'");
            }
            return p;
        }

        /**
         * The nominal time ({@code what/date}, {@code what/time}, UTC). The accumulation period (the dataset's
         * start and end times) is checked to be one: a start after its end is a broken file.
         */
        private Instant nominalTime(Group rootWhat, List<Group> what) throws UnusableFileException {
            Instant nominal = instant("what/date, what/time", text(rootWhat, "date"), text(rootWhat, "time"));
            String[] period = new String[4];
            String[] keys = {"startdate", "starttime", "enddate", "endtime"};
            for (int k = 0; k < 4; k++) {
                for (Group g : what) {
                    if (period[k] == null && !text(g, keys[k]).isEmpty()) {
                        period[k] = text(g, keys[k]);
                    }
                }
            }
            if (period[0] != null && period[1] != null && period[2] != null && period[3] != null) {
                Instant start = instant(path + " startdate, starttime", period[0], period[1]);
                Instant end = instant(path + " enddate, endtime", period[2], period[3]);
                if (start.isAfter(end)) {
                    throw new UnusableFileException(file, path + " starts at " + start + " after it ends at " + end
                            + "; expected startdate/starttime no later than enddate/endtime");
                }
            }
            return nominal;
        }

        private Instant instant(String what, String date, String time) throws UnusableFileException {
            try {
                return LocalDateTime.parse(date + time, DATE_TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new UnusableFileException(file, what + " are '" + date + "', '" + time
                        + "'; expected YYYYMMDD and HHmmss (UTC)");
            }
        }

        /** The first of {@code groups} (innermost first) stating {@code name}, or {@code fallback}. */
        private double number(List<Group> groups, String name, double fallback) throws UnusableFileException {
            for (Group g : groups) {
                Attribute a = g.findAttribute(name);
                if (a == null) {
                    continue;
                }
                if (!a.isString()) {
                    return a.getNumericValue().doubleValue();
                }
                try {
                    // Some producers write numbers as strings.
                    return Double.parseDouble(a.getStringValue().replace("\0", "").trim());
                } catch (NumberFormatException e) {
                    throw new UnusableFileException(file, g.getFullName() + "/" + name + " is '" + a.getStringValue()
                            + "'; expected a number");
                }
            }
            return fallback;
        }

        /** Like {@link #number} for an attribute the spec requires. */
        private double required(Group where, String name) throws UnusableFileException {
            double v = number(List.of(where), name, Double.NaN);
            if (Double.isNaN(v)) {
                throw new UnusableFileException(file, "no attribute where/" + name + "; expected the ODIM_H5 "
                        + "Cartesian product's where/" + name);
            }
            return v;
        }

        @Override
        public Grid grid() {
            return grid;
        }

        @Override
        public String units() {
            return units;
        }

        @Override
        public String standardName() {
            return "";
        }

        @Override
        public List<Instant> times() {
            return List.of(time);
        }

        @Override
        public Frame frame(int index) throws UnusableFileException {
            float[] values = new float[grid.cells()];
            decode(index, values);
            return new Frame(time, grid, quantity, units, values);
        }

        /** Statistics straight from the stored values: no frame of floats is made. */
        @Override
        public FrameStatistics statistics(int index) throws UnusableFileException {
            return decode(index, null);
        }

        /**
         * Decodes the dataset into {@code out} (when not null) and into the statistics: a chunk at a time, each
         * inflated into a buffer the thread reuses and decoded from there (see {@link Hdf5Chunks}), so memory beyond
         * the frame itself is one chunk (OPERA: 380 x 440 doubles, 1.3 MB). A dataset not stored in chunks is read
         * through NetCDF-Java a band of rows at a time. The statistics sum in chunk order.
         */
        private FrameStatistics decode(int index, float[] out) throws UnusableFileException {
            if (index != 0) {
                throw new IndexOutOfBoundsException("frame " + index + " of " + file + ", which has 1");
            }
            FrameStatistics.Accumulator stats = new FrameStatistics.Accumulator();
            if (chunks != null) {
                Hdf5Chunks.read(file, path + "/data", nc, data, chunks,
                        (values, from, count, at) -> decode(values, from, count, stats, out, at));
                return stats.result();
            }
            int ny = grid.ny();
            int nx = grid.nx();
            for (int row = 0; row < ny; row += BAND_ROWS) {
                int rows = Math.min(BAND_ROWS, ny - row);
                Array band;
                try {
                    band = data.read(new int[] {row, 0}, new int[] {rows, nx});
                } catch (IOException | InvalidRangeException | RuntimeException e) {
                    throw new UnusableFileException(file, path + "/data cannot be read at rows " + row + ".."
                            + (row + rows - 1) + " (truncated or corrupt data?)", e);
                }
                for (int r = 0; r < rows; r++) {
                    decode(band.getStorage(), r * nx, nx, stats, out, (row + r) * nx);
                }
            }
            return stats.result();
        }

        /** Physical value of one stored value. */
        private float value(double raw) {
            if (raw == nodata) {
                return Float.NaN;
            }
            if (raw == undetect) {
                return noEcho;
            }
            return scaled(raw);
        }

        private float scaled(double raw) {
            double v = gain * raw + offset;
            return (float) (zr == null ? v : zr.rate(v));
        }

        /**
         * Decodes stored values {@code storage[from, from + count)} into {@code out} from {@code at} (when not null)
         * and into {@code stats}.
         */
        private void decode(Object storage, int from, int count, FrameStatistics.Accumulator stats, float[] out,
                            int at) {
            boolean unsigned = data.isUnsigned();
            int end = from + count;
            int shiftOut = at - from;
            if (storage instanceof double[] d) {
                for (int k = from; k < end; k++) {
                    put(stats, out, shiftOut + k, value(d[k]));
                }
            } else if (storage instanceof float[] f) {
                // Compared as stored: a nodata of -9999.9 is not the float -9999.9 widened to double.
                float missing = (float) nodata;
                float noPrecipitation = (float) undetect;
                for (int k = from; k < end; k++) {
                    put(stats, out, shiftOut + k, f[k] == missing ? Float.NaN : f[k] == noPrecipitation ? noEcho : scaled(f[k]));
                }
            } else if (storage instanceof byte[] b) {
                // 8- and 16-bit values decode through a table of every possible stored value.
                float[] t = table(256, unsigned ? 0 : -128);
                int shift = unsigned ? 0 : 128;
                for (int k = from; k < end; k++) {
                    put(stats, out, shiftOut + k, t[(unsigned ? b[k] & 0xff : b[k]) + shift]);
                }
            } else if (storage instanceof short[] s) {
                float[] t = table(65536, unsigned ? 0 : -32768);
                int shift = unsigned ? 0 : 32768;
                for (int k = from; k < end; k++) {
                    put(stats, out, shiftOut + k, t[(unsigned ? s[k] & 0xffff : s[k]) + shift]);
                }
            } else if (storage instanceof int[] n) {
                for (int k = from; k < end; k++) {
                    put(stats, out, shiftOut + k, value(unsigned ? n[k] & 0xffffffffL : n[k]));
                }
            } else if (storage instanceof long[] n) {
                for (int k = from; k < end; k++) {
                    put(stats, out, shiftOut + k, value(n[k]));
                }
            } else {
                throw new IllegalStateException(path + "/data has storage " + storage.getClass());
            }
        }

        private static void put(FrameStatistics.Accumulator stats, float[] out, int k, float v) {
            stats.add(v);
            if (out != null) {
                out[k] = v;
            }
        }

        /** The physical value of every stored value from {@code first}, made once per file. */
        private float[] table(int size, int first) {
            if (table == null) {
                table = new float[size];
                for (int i = 0; i < size; i++) {
                    table[i] = value(first + i);
                }
            }
            return table;
        }

        @Override
        public void close() {
            Hdf5Sources.closeQuietly(nc);
        }
    }

    /** A string attribute, trimmed of blanks and the NUL padding of fixed-length HDF5 strings; empty if absent. */
    private static String text(Group g, String name) {
        Attribute a = g == null ? null : g.findAttribute(name);
        return a != null && a.isString() && a.getStringValue() != null
                ? a.getStringValue().replace("\0", "").trim() : "";
    }
}
