package io.gridcast.ingest.read;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Geolocation;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.channels.WritableByteChannel;
import java.nio.file.Path;
import java.time.DateTimeException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import ucar.ma2.Array;
import ucar.ma2.DataType;
import ucar.ma2.IndexIterator;
import ucar.ma2.InvalidRangeException;
import ucar.ma2.Section;
import ucar.nc2.Attribute;
import ucar.nc2.Dimension;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;
import ucar.nc2.dataset.NetcdfDataset;
import ucar.nc2.dataset.VariableDS;
import ucar.nc2.iosp.hdf5.H5iosp;
import ucar.nc2.iosp.netcdf3.N3header;
import ucar.nc2.iosp.netcdf3.N3iosp;
import ucar.nc2.time.Calendar;
import ucar.nc2.time.CalendarDate;
import ucar.nc2.time.CalendarDateUnit;

/**
 * Reads CF-style NetCDF-3 and NetCDF-4/HDF5 files with NetCDF-Java: a variable whose last two dimensions are
 * y and x (projected or latitude/longitude), with either a leading time dimension or a scalar time variable;
 * other leading dimensions must have length 1 (e.g. a single height). A curvilinear grid, placed only by 2-D
 * latitude and longitude named in the variable's {@code coordinates}, is read with index axes and its
 * {@link Geolocation}. Packing, fill values and valid ranges are undone by NetCDF-Java's enhancement; missing and
 * non-finite values become NaN.
 */
public final class CfNetcdfReader implements FrameReader {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "cf-netcdf";

    static {
        // Without this NetCDF-Java opens a truncated NetCDF-3 file and silently reads zeros (offset-only
        // values for packed data) past its end; a half-copied archive file must fail instead.
        N3header.disallowFileTruncation = true;
    }

    /** The attributes that decide how a stored value unpacks (NetCDF-Java's ScaleMissing enhancement). */
    private static final List<String> PACKING_ATTRIBUTES = List.of("scale_factor", "add_offset", "_FillValue",
            "missing_value", "valid_min", "valid_max", "valid_range", "_Unsigned");

    /** Cells of a frame that ingest's statistics read at a time (4 MB as floats). */
    static final int STRIPE_CELLS = 1 << 20;

    /** Decoding tables by packing attributes, shared by the sources of one executor JVM (read-only arrays). */
    private static final Map<List<Object>, float[]> DECODING_TABLES = new ConcurrentHashMap<>();

    /** Only unpacking and missing values: our own coordinate analysis needs no CoordSystems pass. */
    private static final Set<NetcdfDataset.Enhance> ENHANCE = EnumSet.of(NetcdfDataset.Enhance.ScaleMissing);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FrameSource open(Path file, String variable) throws UnusableFileException {
        return source(file, openDataset(file), variable, "a CF grid");
    }

    /**
     * The frames of {@code variable} in a file another reader opened with NetCDF-Java (GRIB through its GRIB
     * provider), read with this reader's coordinate analysis, time decoding and missing values. Closes
     * {@code nc} when the variable cannot be read; {@code what} names the format in messages.
     */
    static FrameSource open(Path file, NetcdfFile nc, String variable, String what) throws UnusableFileException {
        return source(file, enhanced(file, nc), variable, what);
    }

    private static FrameSource source(Path file, NetcdfDataset ds, String variable, String what)
            throws UnusableFileException {
        try {
            return new Source(file, ds, variable, true);
        } catch (UnusableFileException e) {
            closeQuietly(ds);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(ds);
            throw new UnusableFileException(file, "cannot be read as " + what + " of '" + variable + "'", e);
        }
    }

    /**
     * Opens a NetCDF file with unpacking and missing values, after checking its signature. An HDF5 file opens
     * with NetCDF-Java's HDF5 provider named: its own search asks ServiceLoader for providers on every open,
     * which reads every jar of gridcast's classpath and cost more than decoding the frame (profiled on the
     * BOM day's NetCDF-4 files). NetCDF-3 files are recognised before that search.
     */
    private static NetcdfDataset openDataset(Path file) throws UnusableFileException {
        boolean hdf5 = FileSignatures.requireNetcdf(file);
        NetcdfFile nc;
        try {
            nc = hdf5 ? NetcdfFile.open(file.toString(), H5iosp.class.getName(), -1, null, null)
                    : NetcdfFile.open(file.toString(), -1, null, null);
        } catch (IOException | RuntimeException e) {
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, FileSignatures.openFailureReason(e), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("NetCDF-Java's HDF5 reader cannot be made", e);
        }
        return enhanced(file, nc);
    }

    /** {@code nc} with unpacking and missing values; closes it when that fails. */
    private static NetcdfDataset enhanced(Path file, NetcdfFile nc) throws UnusableFileException {
        try {
            return new NetcdfDataset(nc, ENHANCE);
        } catch (IOException | RuntimeException e) {
            try {
                nc.close();
            } catch (IOException ignored) {
                // The open already failed; its cause is the one worth reporting.
            }
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, FileSignatures.openFailureReason(e), e);
        }
    }

    /**
     * Reads a variable that has no time, such as an elevation or land-sea mask, with the same checks, coordinate
     * analysis and missing-value handling as frames. The returned frame's time is null: a static layer has none.
     */
    public Frame readStatic(Path file, String variable) throws UnusableFileException {
        NetcdfDataset ds = openDataset(file);
        try {
            Source source = new Source(file, ds, variable, false);
            return new Frame(null, source.grid, variable, source.units(), source.values(0, CellBlock.of(source.grid)));
        } catch (RuntimeException e) {
            throw new UnusableFileException(file, "cannot be read as a static CF grid of '" + variable + "'", e);
        } finally {
            closeQuietly(ds);
        }
    }

    /** Closes a file (or dataset) of any reader that was only read. */
    static void closeQuietly(NetcdfFile nc) {
        try {
            nc.close();
        } catch (IOException ignored) {
            // Nothing was written, so a failing close loses nothing.
        }
    }

    /**
     * An open file: grid and times are decoded in the constructor, values on each {@link #frame} call. Not
     * thread-safe (NetcdfDataset is not): one source per task.
     */
    private static final class Source implements FrameSource {

        private final Path file;
        private final NetcdfDataset ds;
        private final VariableDS data;
        private final Grid grid;
        private final List<Instant> times;
        /** Index of the time dimension in the variable's shape, or -1 for a scalar time. */
        private final int timeDim;
        /** Integer data with a fill value stay raw after enhancement, so missing values are tested per cell. */
        private final boolean testMissing;
        /**
         * For byte and short storage (radar archives are packed shorts): the physical value of every possible
         * stored value, NaN where missing, made with NetCDF-Java's own unpacking. A frame then decodes with one
         * table look-up a cell instead of NetCDF-Java's array-wide conversion to doubles (measured the largest
         * cost of ingest). Null for other types.
         */
        private final float[] table;
        /**
         * NetCDF-3 stores values contiguously in big-endian order: packed frames are then read as raw bytes and
         * converted in bulk. NetCDF-Java's own read converts value by value through its file buffer, and took
         * three times as long per 512 x 512 frame of shorts (measured on the synthetic archive).
         */
        private final boolean rawBigEndian;

        /** {@code timed}: the variable has times (a frame series); false for a static layer, which has none. */
        Source(Path file, NetcdfDataset ds, String name, boolean timed) throws UnusableFileException {
            this.file = file;
            this.ds = ds;
            Variable v = ds.findVariable(name);
            if (v == null) {
                throw new UnusableFileException(RejectionKind.NO_VARIABLE, file, "no variable '" + name + "'; the file has "
                        + ds.getVariables().stream().map(Variable::getFullName).collect(Collectors.joining(", ")));
            }
            if (!v.getDataType().isNumeric()) {
                throw new UnusableFileException(file, "variable '" + name + "' is of type " + v.getDataType()
                        + "; expected a numeric gridded variable");
            }
            this.data = (VariableDS) v;
            List<Dimension> dims = v.getDimensions();
            if (dims.size() < 2) {
                throw new UnusableFileException(file, "variable '" + name + "' has dimensions " + dimNames(v)
                        + "; expected (y, x) or (time, y, x)");
            }
            Dimension yDim = dims.get(dims.size() - 2);
            Dimension xDim = dims.get(dims.size() - 1);
            ReadLimits.checkGrid(file, "variable '" + name + "'", yDim.getLength(), xDim.getLength());
            Geolocation geolocation = geolocation(v, yDim, xDim);
            Axis y = geolocation == null ? axis(yDim, 'Y', name) : indexAxis(yDim);
            Axis x = geolocation == null ? axis(xDim, 'X', name) : indexAxis(xDim);

            int tDim = -1;
            for (int i = 0; i < dims.size() - 2; i++) {
                Dimension d = dims.get(i);
                Variable c = coordinateVariable(d, CfNetcdfReader::isTimeLike);
                if (timed && c != null && isTimeLike(c) && tDim < 0) {
                    tDim = i;
                } else if (d.getLength() != 1) {
                    throw new UnusableFileException(file, "variable '" + name + "' has dimensions " + dimNames(v)
                            + "; besides y and x only one time dimension (with a time coordinate variable) and "
                            + "length-1 dimensions are supported, '" + d.getShortName() + "' is neither");
                }
            }
            if (tDim >= 0) {
                ReadLimits.checkTimes(file, "variable '" + name + "'", dims.get(tDim).getLength());
            }
            this.timeDim = tDim;
            this.times = !timed ? List.of() : tDim >= 0 ? decodeTimes(coordinateVariable(dims.get(tDim), CfNetcdfReader::isTimeLike))
                    : decodeTimes(scalarTime(v));
            this.grid = geolocation == null ? new Grid(y, x, mapping(v, x, y)) : new Grid(y, x, null, geolocation);
            this.testMissing = data.hasMissing() && !data.getDataType().isFloatingPoint();
            this.table = decodingTable();
            this.rawBigEndian = table != null && ds.getReferencedFile().getIosp() instanceof N3iosp;
        }

        private float[] decodingTable() {
            DataType stored = data.getOriginalDataType();
            if (stored != DataType.SHORT && stored != DataType.BYTE) {
                return null;
            }
            // Building a table costs as much as decoding a frame, and an archive packs every file alike. The key
            // holds the attributes' values: their CDL text (Attribute.toString) went through a Formatter per file.
            List<Object> key = new ArrayList<>(PACKING_ATTRIBUTES.size() + 2);
            key.add(stored);
            key.add(testMissing);
            for (String name : PACKING_ATTRIBUTES) {
                key.add(attributeValues(data.getOriginalVariable().findAttribute(name)));
            }
            if (DECODING_TABLES.size() > 64) {
                DECODING_TABLES.clear();
            }
            return DECODING_TABLES.computeIfAbsent(key, k -> newDecodingTable(stored));
        }

        /** An attribute's type and values as comparable Java values; an absent attribute is an empty list. */
        private static List<Object> attributeValues(Attribute a) {
            if (a == null) {
                return List.of();
            }
            List<Object> values = new ArrayList<>(a.getLength() + 1);
            values.add(a.getDataType());
            for (int i = 0; i < a.getLength(); i++) {
                values.add(a.isString() ? a.getStringValue(i) : a.getNumericValue(i));
            }
            return values;
        }

        private float[] newDecodingTable(DataType stored) {
            int n = stored == DataType.SHORT ? 1 << 16 : 1 << 8;
            float[] t = new float[n];
            for (int i = 0; i < n; i++) {
                double v = stored == DataType.SHORT ? data.convertScaleOffsetMissing((short) i)
                        : data.convertScaleOffsetMissing((byte) i);
                t[i] = !Double.isFinite(v) || (testMissing && data.isMissing(v)) ? Float.NaN : (float) v;
            }
            return t;
        }

        /** The 1-D coordinate variable of {@code dim}, checked to be a {@code role} ('X' or 'Y') axis. */
        private Axis axis(Dimension dim, char role, String name) throws UnusableFileException {
            String expected = role == 'Y' ? "projection_y_coordinate or latitude" : "projection_x_coordinate or longitude";
            Variable c = coordinateVariable(dim, cv -> axisRole(cv) != 0);
            if (c == null) {
                throw new UnusableFileException(file, "dimension '" + dim.getShortName() + "' of '" + name
                        + "' has no 1-D coordinate variable; expected a variable " + dim.getShortName() + "("
                        + dim.getShortName() + ") with standard_name " + expected);
            }
            char found = axisRole(c);
            if (found != 0 && found != role) {
                throw new UnusableFileException(file, "variable '" + name + "' has dimensions " + dimNames(data)
                        + " whose coordinate '" + c.getFullName() + "' is a " + found + " axis in position " + role
                        + "; expected (..., y, x) order");
            }
            double[] values;
            try {
                values = doubles(c.read());
            } catch (IOException e) {
                throw new UnusableFileException(file, "coordinate variable '" + c.getFullName() + "' cannot be read", e);
            }
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new UnusableFileException(file, "coordinate variable '" + c.getFullName()
                            + "' has a missing or non-finite value at index " + i + "; expected " + expected + " values");
                }
            }
            String standardName = text(c, "standard_name");
            if (standardName.isEmpty()) {
                // CF identifies latitude/longitude by units alone (ERA5 has no standard_name); record the implied name.
                standardName = isLatitudeUnits(text(c, "units")) ? "latitude"
                        : isLongitudeUnits(text(c, "units")) ? "longitude" : "";
            }
            try {
                return new Axis(c.getShortName(), standardName, text(c, "units"), values);
            } catch (IllegalArgumentException e) {
                throw new UnusableFileException(file, "coordinate '" + c.getFullName() + "': " + e.getMessage()
                        + "; expected strictly increasing or decreasing cell centres");
            }
        }

        /**
         * The cell positions of a curvilinear grid: when neither horizontal dimension has a latitude, longitude or
         * projection coordinate variable and {@code coordinates} names 2-D latitude and longitude on (y, x), as CF
         * 5.2 and 5.6 have them. Null for every other grid.
         */
        private Geolocation geolocation(Variable v, Dimension yDim, Dimension xDim) throws UnusableFileException {
            for (Dimension d : List.of(yDim, xDim)) {
                Variable c = coordinateVariable(d, cv -> locates(cv));
                if (c != null && locates(c)) {
                    return null;
                }
            }
            Variable lat = null;
            Variable lon = null;
            for (String n : text(v, "coordinates").split("\\s+")) {
                Variable c = n.isEmpty() ? null : ds.findVariable(n);
                if (c != null && c.getRank() == 2 && c.getDimension(0).equals(yDim) && c.getDimension(1).equals(xDim)) {
                    String sn = text(c, "standard_name");
                    lat = sn.equals("latitude") || isLatitudeUnits(text(c, "units")) ? c : lat;
                    lon = sn.equals("longitude") || isLongitudeUnits(text(c, "units")) ? c : lon;
                }
            }
            if (lat == null || lon == null) {
                return null;
            }
            try {
                return new Geolocation(doubles(lat.read()), doubles(lon.read()));
            } catch (IOException e) {
                throw new UnusableFileException(file, "auxiliary coordinates '" + lat.getFullName() + "' and '"
                        + lon.getFullName() + "' cannot be read", e);
            } catch (IllegalArgumentException e) {
                throw new UnusableFileException(file, "auxiliary coordinates '" + lat.getFullName() + "' and '"
                        + lon.getFullName() + "' of '" + v.getFullName() + "': " + e.getMessage());
            }
        }

        /** A curvilinear grid's axis: its dimension's own coordinate variable if it has one, else 0, 1, ... */
        private Axis indexAxis(Dimension dim) throws UnusableFileException {
            Variable c = ds.findVariable(dim.getShortName());
            double[] values = new double[dim.getLength()];
            for (int i = 0; i < values.length; i++) {
                values[i] = i;
            }
            if (c == null || c.getRank() != 1 || !c.getDimension(0).equals(dim)) {
                return new Axis(dim.getShortName(), "", "1", values);
            }
            try {
                return new Axis(c.getShortName(), text(c, "standard_name"), text(c, "units"), doubles(c.read()));
            } catch (IOException | IllegalArgumentException e) {
                throw new UnusableFileException(file, "coordinate variable '" + c.getFullName() + "' cannot be read "
                        + "as strictly monotonic cell indices: " + e.getMessage());
            }
        }

        /** The variable named like {@code dim} on it alone, else any 1-D variable on it accepted by {@code accept}. */
        private Variable coordinateVariable(Dimension dim, Predicate<Variable> accept) {
            Variable same = ds.findVariable(dim.getShortName());
            if (same != null && same.getRank() == 1 && same.getDimension(0).equals(dim)) {
                return same;
            }
            for (Variable c : ds.getVariables()) {
                if (c.getRank() == 1 && c.getDimension(0).equals(dim) && accept.test(c)) {
                    return c;
                }
            }
            return null;
        }

        /** The scalar time of a file without a time dimension: from 'coordinates', else by standard_name or name. */
        private Variable scalarTime(Variable v) throws UnusableFileException {
            for (String n : text(v, "coordinates").split("\\s+")) {
                Variable c = n.isEmpty() ? null : ds.findVariable(n);
                if (c != null && c.isScalar() && isTimeLike(c)) {
                    return c;
                }
            }
            for (Variable c : ds.getVariables()) {
                if (c.isScalar() && "time".equals(text(c, "standard_name"))) {
                    return c;
                }
            }
            for (String n : List.of("time", "valid_time")) {
                Variable c = ds.findVariable(n);
                if (c != null && c.isScalar()) {
                    return c;
                }
            }
            throw new UnusableFileException(file, "variable '" + v.getFullName() + "' has dimensions " + dimNames(v)
                    + " and the file has no scalar time; expected a leading time dimension with a coordinate "
                    + "variable, or a scalar variable with standard_name 'time' (or named time/valid_time, or "
                    + "listed in the 'coordinates' attribute)");
        }

        private List<Instant> decodeTimes(Variable t) throws UnusableFileException {
            String units = text(t, "units");
            if (units.isEmpty()) {
                throw new UnusableFileException(file, "time variable '" + t.getFullName()
                        + "' has no units attribute; expected e.g. 'seconds since 1970-01-01'");
            }
            String calendarName = text(t, "calendar");
            Calendar calendar = calendarName.isEmpty() ? Calendar.getDefault() : Calendar.get(calendarName);
            if (calendar == null) {
                throw new UnusableFileException(file, "time variable '" + t.getFullName() + "' has calendar '"
                        + calendarName + "'; expected a CF calendar (standard, gregorian, proleptic_gregorian, "
                        + "noleap, all_leap, 360_day, julian)");
            }
            CalendarDateUnit unit;
            try {
                unit = CalendarDateUnit.withCalendar(calendar, units);
            } catch (RuntimeException e) {
                throw new UnusableFileException(file, "time variable '" + t.getFullName() + "' has units '" + units
                        + "'; expected '<seconds|minutes|hours|days> since <date>'");
            }
            double[] values;
            try {
                values = doubles(t.read());
            } catch (IOException e) {
                throw new UnusableFileException(file, "time variable '" + t.getFullName() + "' cannot be read", e);
            }
            List<Instant> out = new ArrayList<>(values.length);
            for (int i = 0; i < values.length; i++) {
                if (!Double.isFinite(values[i])) {
                    throw new UnusableFileException(file, "time variable '" + t.getFullName()
                            + "' is missing at index " + i + "; expected a valid time for every frame");
                }
                out.add(toInstant(t, unit.makeCalendarDate(values[i])));
                if (i > 0 && !out.get(i).isAfter(out.get(i - 1))) {
                    throw new UnusableFileException(file, "time variable '" + t.getFullName() + "' is "
                            + (out.get(i).equals(out.get(i - 1)) ? "repeated" : "not increasing") + " at index " + i
                            + " (" + out.get(i - 1) + " then " + out.get(i) + "); expected strictly increasing times");
                }
            }
            return List.copyOf(out);
        }

        /** Real-calendar dates are exact; model calendars (noleap, 360_day, ...) map by their date label. */
        private Instant toInstant(Variable t, CalendarDate date) throws UnusableFileException {
            Calendar c = date.getCalendar();
            if (c == Calendar.gregorian || c == Calendar.proleptic_gregorian) {
                return Instant.ofEpochMilli(date.getMillis());
            }
            try {
                return Instant.parse(date.toString());
            } catch (DateTimeException e) {
                throw new UnusableFileException(file, "time variable '" + t.getFullName() + "' holds " + date
                        + " in calendar " + c + ", which is not a real date; expected dates that exist in the "
                        + "standard calendar");
            }
        }

        private GridMapping mapping(Variable v, Axis x, Axis y) throws UnusableFileException {
            String ref = text(v, "grid_mapping");
            // Projection and rotated-pole (grid_latitude/grid_longitude) axes mean nothing without their mapping.
            boolean projected = Stream.of(x.standardName(), y.standardName())
                    .anyMatch(n -> n.startsWith("projection_") || n.startsWith("grid_"));
            if (ref.isEmpty()) {
                if (projected) {
                    throw new UnusableFileException(file, "variable '" + v.getFullName() + "' is on projection "
                            + "coordinates but has no grid_mapping attribute; expected grid_mapping naming a CF "
                            + "grid-mapping variable");
                }
                return null;
            }
            // CF 1.7 extended form "crs: x y"; the mapping of the horizontal axes comes first.
            String name = ref.contains(":") ? ref.substring(0, ref.indexOf(':')).trim() : ref.trim();
            Variable m = ds.findVariable(name);
            if (m == null) {
                throw new UnusableFileException(file, "variable '" + v.getFullName() + "' has grid_mapping '" + ref
                        + "' but the file has no variable '" + name + "'; expected a grid-mapping variable");
            }
            Map<String, String> text = new LinkedHashMap<>();
            Map<String, double[]> numbers = new LinkedHashMap<>();
            for (Attribute a : m.getAttributes()) {
                if (a.isString()) {
                    text.put(a.getShortName(), a.getStringValue());
                } else {
                    double[] values = new double[a.getLength()];
                    for (int i = 0; i < values.length; i++) {
                        values[i] = a.getNumericValue(i).doubleValue();
                    }
                    numbers.put(a.getShortName(), values);
                }
            }
            if (!text.containsKey("grid_mapping_name")) {
                throw new UnusableFileException(file, "grid-mapping variable '" + name
                        + "' has no grid_mapping_name attribute; expected e.g. 'albers_conical_equal_area'");
            }
            return new GridMapping(name, text, numbers);
        }

        @Override
        public Grid grid() {
            return grid;
        }

        @Override
        public String units() {
            return text(data, "units");
        }

        @Override
        public String standardName() {
            return text(data, "standard_name");
        }

        @Override
        public List<Instant> times() {
            return times;
        }

        @Override
        public Frame frame(int index) throws UnusableFileException {
            if (index < 0 || index >= times.size()) {
                throw new IndexOutOfBoundsException("frame " + index + " of " + file + ", which has " + times.size());
            }
            return new Frame(times.get(index), grid, data.getShortName(), units(), values(index, CellBlock.of(grid)));
        }

        /** A section read: only the block's rows and columns are read and decoded. */
        @Override
        public float[] block(int index, CellBlock block) throws UnusableFileException {
            if (index < 0 || index >= times.size()) {
                throw new IndexOutOfBoundsException("frame " + index + " of " + file + ", which has " + times.size());
            }
            block.requireWithin(grid);
            return values(index, block);
        }

        /**
         * Packed data decode and are summed in one pass over the stored values, never making the frame. A frame of
         * more than {@link #STRIPE_CELLS} cells is read a stripe of rows at a time, so ingest's memory per task
         * stays bounded on continental grids (a 7000 x 3500 frame would be 200 MB as doubles).
         */
        @Override
        public FrameStatistics statistics(int index) throws UnusableFileException {
            if (index < 0 || index >= times.size()) {
                throw new IndexOutOfBoundsException("frame " + index + " of " + file + ", which has " + times.size());
            }
            FrameStatistics.Accumulator sums = new FrameStatistics.Accumulator();
            int rows = Math.max(1, STRIPE_CELLS / grid.nx());
            for (int y0 = 0; y0 < grid.ny(); y0 += rows) {
                CellBlock stripe = new CellBlock(y0, 0, Math.min(rows, grid.ny() - y0), grid.nx());
                if (table == null) {
                    sums.add(values(index, stripe));
                    continue;
                }
                Array stored = readStored(index, origin(index, stripe), shape(stripe));
                if (stored.getElementType() == short.class) {
                    sums.addPacked((short[]) stored.get1DJavaArray(short.class), table);
                } else {
                    sums.addPacked((byte[]) stored.get1DJavaArray(byte.class), table);
                }
            }
            return sums.result();
        }

        private int[] origin(int index, CellBlock block) {
            int rank = data.getRank();
            int[] origin = new int[rank];
            if (timeDim >= 0) {
                origin[timeDim] = index;
            }
            origin[rank - 2] = block.y0();
            origin[rank - 1] = block.x0();
            return origin;
        }

        /** One time step's block of y-x cells. */
        private int[] shape(CellBlock block) {
            int rank = data.getRank();
            int[] shape = new int[rank];
            Arrays.fill(shape, 1);
            shape[rank - 2] = block.ny();
            shape[rank - 1] = block.nx();
            return shape;
        }

        /** The physical values of {@code block} of time step {@code index} (0 without a time dimension), NaN where missing. */
        private float[] values(int index, CellBlock block) throws UnusableFileException {
            int[] origin = origin(index, block);
            int[] shape = shape(block);
            if (table != null) {
                return lookUp(index, origin, shape, block.cells());
            }
            Array a;
            try {
                a = data.read(origin, shape);
            } catch (IOException | InvalidRangeException | RuntimeException e) {
                throw new UnusableFileException(file, "frame " + index + " of '" + data.getFullName()
                        + "' cannot be read (truncated or corrupt data?)", e);
            }
            if (a.getElementType() == float.class) {
                return floats(index, origin, shape, block, a);
            }
            // The backing array itself when the slice is already double (packed data), else a converted copy.
            double[] raw = (double[]) a.get1DJavaArray(double.class);
            float[] values = new float[block.cells()];
            int firstNonFinite = -1;
            for (int k = 0; k < values.length; k++) {
                float f = (float) raw[k];
                if (!Float.isFinite(f) && firstNonFinite < 0) {
                    firstNonFinite = k;
                }
                values[k] = !Float.isFinite(f) || (testMissing && data.isMissing(raw[k])) ? Float.NaN : f;
            }
            if (firstNonFinite >= 0 && data.getDataType().isFloatingPoint()) {
                requireDeclaredMissing(index, origin, shape, block, firstNonFinite);
            }
            return values;
        }

        /**
         * Float data (GRIB, unpacked NetCDF) in place in the array just read: a continental frame (24.5 M cells,
         * 98 MB as float) is then held once, not again as doubles and once more as the result.
         */
        private float[] floats(int index, int[] origin, int[] shape, CellBlock block, Array a)
                throws UnusableFileException {
            float[] values = (float[]) a.get1DJavaArray(float.class);
            int firstNonFinite = -1;
            boolean infinite = false;
            for (int k = 0; k < values.length; k++) {
                if (!Float.isFinite(values[k])) {
                    firstNonFinite = firstNonFinite < 0 ? k : firstNonFinite;
                    infinite |= Float.isInfinite(values[k]);
                    values[k] = Float.NaN;
                }
            }
            // Where NaN itself is the declared missing value (GRIB: cells a bitmap leaves out), a NaN needs no
            // second decoding of the stored values to tell it from an undeclared one.
            if (firstNonFinite >= 0 && (infinite || !(declaresNaN("_FillValue") || declaresNaN("missing_value")))) {
                requireDeclaredMissing(index, origin, shape, block, firstNonFinite);
            }
            return values;
        }

        /** The stored (packed) values of one time step. */
        private Array readStored(int index, int[] origin, int[] shape) throws UnusableFileException {
            try {
                return rawBigEndian ? readRaw(origin, shape) : data.getOriginalVariable().read(origin, shape);
            } catch (IOException | InvalidRangeException | RuntimeException e) {
                throw new UnusableFileException(file, "frame " + index + " of '" + data.getFullName()
                        + "' cannot be read (truncated or corrupt data?)", e);
            }
        }

        /** A NetCDF-3 short or byte slice as its stored bytes, converted to shorts in one bulk copy. */
        private Array readRaw(int[] origin, int[] shape) throws IOException, InvalidRangeException {
            Variable stored = data.getOriginalVariable();
            int cells = shape[shape.length - 2] * shape[shape.length - 1];
            int width = data.getOriginalDataType() == DataType.SHORT ? 2 : 1;
            BytesChannel channel = new BytesChannel(new byte[cells * width]);
            stored.readToByteChannel(new Section(origin, shape), channel);
            if (channel.position != channel.bytes.length) {
                throw new IOException("read " + channel.position + " bytes of a slice of " + channel.bytes.length);
            }
            if (width == 1) {
                return Array.factory(DataType.BYTE, shape, channel.bytes);
            }
            short[] values = new short[cells];
            ByteBuffer.wrap(channel.bytes).order(ByteOrder.BIG_ENDIAN).asShortBuffer().get(values);
            return Array.factory(DataType.SHORT, shape, values);
        }

        private float[] lookUp(int index, int[] origin, int[] shape, int cells) throws UnusableFileException {
            Array stored = readStored(index, origin, shape);
            float[] values = new float[cells];
            if (stored.getElementType() == short.class) {
                short[] raw = (short[]) stored.get1DJavaArray(short.class);
                for (int k = 0; k < values.length; k++) {
                    values[k] = table[raw[k] & 0xffff];
                }
            } else {
                byte[] raw = (byte[]) stored.get1DJavaArray(byte.class);
                for (int k = 0; k < values.length; k++) {
                    values[k] = table[raw[k] & 0xff];
                }
            }
            return values;
        }

        /**
         * Enhancement turns fill values of float data into NaN, indistinguishable from a NaN or infinity the
         * writer never declared. Only a frame with non-finite cells pays for re-reading the stored values: a
         * stored NaN or infinity is accepted only when _FillValue or missing_value declares NaN.
         */
        private void requireDeclaredMissing(int index, int[] origin, int[] shape, CellBlock block, int from)
                throws UnusableFileException {
            boolean nanDeclared = declaresNaN("_FillValue") || declaresNaN("missing_value");
            Array stored = readStored(index, origin, shape);
            for (int k = from; k < stored.getSize(); k++) {
                double v = stored.getDouble(k);
                if (Double.isInfinite(v) || (Double.isNaN(v) && !nanDeclared)) {
                    throw new UnusableFileException(file, "frame " + index + " of '" + data.getFullName() + "' holds "
                            + v + " at cell (y " + (block.y0() + k / block.nx()) + ", x " + (block.x0() + k % block.nx()) + "), not declared as "
                            + "_FillValue or missing_value; expected finite values, missing cells as the fill value");
                }
            }
        }

        private boolean declaresNaN(String attribute) {
            Attribute a = data.getOriginalVariable().findAttribute(attribute);
            if (a == null || a.isString()) {
                return false;
            }
            for (int i = 0; i < a.getLength(); i++) {
                if (Double.isNaN(a.getNumericValue(i).doubleValue())) {
                    return true;
                }
            }
            return false;
        }

        @Override
        public void close() {
            closeQuietly(ds);
        }
    }

    /** Collects what NetCDF-Java writes into an array of the expected length; more is an error. */
    private static final class BytesChannel implements WritableByteChannel {
        private final byte[] bytes;
        private int position;

        BytesChannel(byte[] bytes) {
            this.bytes = bytes;
        }

        @Override
        public int write(ByteBuffer src) throws IOException {
            int n = src.remaining();
            if (n > bytes.length - position) {
                throw new IOException("more than the " + bytes.length + " bytes of a slice");
            }
            src.get(bytes, position, n);
            position += n;
            return n;
        }

        @Override
        public boolean isOpen() {
            return true;
        }

        @Override
        public void close() {
        }
    }

    /** 'X', 'Y' or 0 from CF axis, standard_name or units. */
    private static char axisRole(Variable c) {
        String axis = text(c, "axis").toUpperCase(Locale.ROOT);
        String sn = text(c, "standard_name");
        String units = text(c, "units");
        if (axis.equals("X") || sn.equals("projection_x_coordinate") || sn.equals("longitude")
                || sn.equals("grid_longitude") || isLongitudeUnits(units)) {
            return 'X';
        }
        if (axis.equals("Y") || sn.equals("projection_y_coordinate") || sn.equals("latitude")
                || sn.equals("grid_latitude") || isLatitudeUnits(units)) {
            return 'Y';
        }
        return 0;
    }

    /** Whether a coordinate variable places cells: latitude, longitude, projection or rotated-pole coordinates. */
    private static boolean locates(Variable c) {
        String sn = text(c, "standard_name");
        return Set.of("latitude", "longitude", "projection_x_coordinate", "projection_y_coordinate", "grid_latitude",
                "grid_longitude").contains(sn) || isLatitudeUnits(text(c, "units")) || isLongitudeUnits(text(c, "units"));
    }

    private static boolean isTimeLike(Variable c) {
        return "time".equals(text(c, "standard_name")) || "T".equalsIgnoreCase(text(c, "axis"))
                || text(c, "units").contains(" since ") || c.getShortName().equals("time");
    }

    private static boolean isLatitudeUnits(String u) {
        return Set.of("degrees_north", "degree_north", "degree_N", "degrees_N", "degreeN", "degreesN").contains(u);
    }

    private static boolean isLongitudeUnits(String u) {
        return Set.of("degrees_east", "degree_east", "degree_E", "degrees_E", "degreeE", "degreesE").contains(u);
    }

    private static double[] doubles(Array a) {
        double[] out = new double[(int) a.getSize()];
        IndexIterator it = a.getIndexIterator();
        for (int i = 0; i < out.length; i++) {
            out[i] = it.getDoubleNext();
        }
        return out;
    }

    private static String text(Variable v, String attribute) {
        Attribute a = v.findAttributeIgnoreCase(attribute);
        return a != null && a.isString() && a.getStringValue() != null ? a.getStringValue().trim() : "";
    }

    private static String dimNames(Variable v) {
        return v.getDimensions().stream().map(Dimension::getShortName).collect(Collectors.joining(", ", "(", ")"));
    }
}
