package io.gridcast.ingest.read;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.CellBlock;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import io.gridcast.ingest.grid.Proj4Mapping;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeFormatterBuilder;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import ucar.ma2.Array;
import ucar.ma2.InvalidRangeException;
import ucar.nc2.Attribute;
import ucar.nc2.Group;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

/**
 * Importer for the KNMI radar composites (plain HDF5, "KNMI HDF5 3.5", not CF): {@code imageN/image_data} unsigned
 * shorts on phony dimensions, the calibration formula and missing values in {@code imageN/calibration}, the grid
 * in {@code geographic} (pixel size, row and column offsets, a polar stereographic proj4 string) and the valid time
 * (end of the accumulation) in {@code overview}. The variable is named after the image's
 * {@code image_geo_parameter} without its unit, lower case: {@code ACCUMULATED_PRECIPITATION_[MM]} is
 * {@code accumulated_precipitation} in {@code mm}.
 */
public final class KnmiHdf5Reader implements FrameReader {

    private static final long serialVersionUID = 1L;

    public static final String NAME = "knmi-hdf5";

    /** {@code GEO=0.01*PV+0.0}: physical value from pixel value; the offset is optional. */
    private static final Pattern FORMULA = Pattern.compile(
            "\\s*GEO\\s*=\\s*([-+]?[0-9.]+(?:[eE][-+]?[0-9]+)?)\\s*\\*\\s*PV\\s*(?:([-+])\\s*([0-9.]+(?:[eE][-+]?[0-9]+)?))?\\s*");

    /** {@code ACCUMULATED_PRECIPITATION_[MM]}: a name and a unit in brackets. */
    private static final Pattern PARAMETER = Pattern.compile("(.*?)_?\\[(.*)]\\s*");

    private static final DateTimeFormatter TIME = new DateTimeFormatterBuilder().parseCaseInsensitive()
            .appendPattern("dd-MMM-yyyy;HH:mm:ss.SSS").toFormatter(Locale.ROOT);

    @Override
    public String name() {
        return NAME;
    }

    @Override
    public FrameSource open(Path file, String variable) throws UnusableFileException {
        return Hdf5Sources.open(file, "a KNMI radar HDF5 image of '" + variable + "'",
                nc -> new Source(file, nc, variable));
    }

    private static final class Source implements FrameSource {

        private final Path file;
        private final NetcdfFile nc;
        private final Variable image;
        private final String variable;
        private final String units;
        private final double scale;
        private final double offset;
        private final int[] missing;
        private final Grid grid;
        private final Instant time;

        Source(Path file, NetcdfFile nc, String variable) throws UnusableFileException {
            this.file = file;
            this.nc = nc;
            this.variable = variable;
            Group imageGroup = null;
            Map<String, String> offered = new LinkedHashMap<>();
            for (Group g : nc.getRootGroup().getGroups()) {
                String parameter = text(g, "image_geo_parameter");
                if (g.getShortName().startsWith("image") && !parameter.isEmpty()) {
                    Matcher m = PARAMETER.matcher(parameter);
                    String name = (m.matches() ? m.group(1) : parameter).toLowerCase(Locale.ROOT);
                    offered.put(name, g.getShortName());
                    if (name.equals(variable)) {
                        imageGroup = g;
                    }
                }
            }
            if (imageGroup == null) {
                throw new UnusableFileException(RejectionKind.NO_VARIABLE, file, "no image of '" + variable + "'; the file has "
                        + (offered.isEmpty() ? "no imageN group with an image_geo_parameter" : offered.toString())
                        + "; expected a KNMI HDF5 image group whose image_geo_parameter names the variable");
            }
            Matcher unit = PARAMETER.matcher(text(imageGroup, "image_geo_parameter"));
            this.units = unit.matches() ? unit.group(2).toLowerCase(Locale.ROOT) : "";
            this.image = imageGroup.findVariable("image_data");
            if (image == null || image.getRank() != 2) {
                throw new UnusableFileException(file, "group '" + imageGroup.getShortName()
                        + "' has no 2-D variable image_data; expected image_data(rows, columns)");
            }
            Group calibration = imageGroup.findGroup("calibration");
            if (calibration == null) {
                throw new UnusableFileException(file, "group '" + imageGroup.getShortName()
                        + "' has no calibration group; expected calibration_formulas such as 'GEO=0.01*PV+0.0'");
            }
            String formula = text(calibration, "calibration_formulas");
            Matcher f = FORMULA.matcher(formula);
            if (!f.matches()) {
                throw new UnusableFileException(file, "calibration_formulas is '" + formula
                        + "'; expected a linear formula such as 'GEO=0.01*PV+0.0'");
            }
            this.scale = Double.parseDouble(f.group(1));
            this.offset = f.group(3) == null ? 0 : Double.parseDouble(f.group(3)) * ("-".equals(f.group(2)) ? -1 : 1);
            List<Integer> missingValues = new ArrayList<>();
            for (String key : List.of("calibration_missing_data", "calibration_out_of_image")) {
                Attribute a = calibration.findAttribute(key);
                if (a != null && !a.isString()) {
                    missingValues.add(a.getNumericValue().intValue());
                }
            }
            this.missing = missingValues.stream().mapToInt(Integer::intValue).distinct().toArray();
            this.grid = grid(nc, image);
            this.time = validTime(nc);
        }

        /**
         * Cell centres from the pixel size and the offsets of the upper-left corner ({@code geo_pixel_def = LU}):
         * column c is at x = (c + 0.5) * size_x - column_offset, row r at y = -row_offset + (r + 0.5) * size_y.
         */
        private Grid grid(NetcdfFile nc, Variable image) throws UnusableFileException {
            Group geo = nc.findGroup("geographic");
            Group projection = geo == null ? null : geo.findGroup("map_projection");
            if (projection == null) {
                throw new UnusableFileException(file, "no group geographic/map_projection; expected the KNMI "
                        + "geographic group with a proj4 string");
            }
            int rows = image.getShape(0);
            int columns = image.getShape(1);
            ReadLimits.checkGrid(file, "image_data", rows, columns);
            double sizeX = number(geo, "geo_pixel_size_x");
            double sizeY = number(geo, "geo_pixel_size_y");
            double columnOffset = number(geo, "geo_column_offset");
            double rowOffset = number(geo, "geo_row_offset");
            if (number(geo, "geo_number_rows") != rows || number(geo, "geo_number_columns") != columns) {
                throw new UnusableFileException(file, "image_data is " + rows + "x" + columns
                        + " but geographic says " + (int) number(geo, "geo_number_rows") + "x"
                        + (int) number(geo, "geo_number_columns") + "; expected the same shape");
            }
            String pixelUnits = text(geo, "geo_dim_pixel");
            if (!pixelUnits.equalsIgnoreCase("KM,KM")) {
                throw new UnusableFileException(file, "geo_dim_pixel is '" + pixelUnits + "'; expected 'KM,KM'");
            }
            double[] x = new double[columns];
            for (int c = 0; c < columns; c++) {
                x[c] = (c + 0.5) * sizeX - columnOffset;
            }
            double[] y = new double[rows];
            for (int r = 0; r < rows; r++) {
                y[r] = -rowOffset + (r + 0.5) * sizeY;
            }
            String proj4 = text(projection, "projection_proj4_params");
            return new Grid(new Axis("y", "projection_y_coordinate", "km", y),
                    new Axis("x", "projection_x_coordinate", "km", x), mapping(proj4));
        }

        /**
         * The proj4 string as a CF mapping. Its coordinates must be km, as the pixel sizes are: KNMI states the
         * ellipsoid in km ({@code +a=6378.137}).
         */
        private GridMapping mapping(String proj4) throws UnusableFileException {
            try {
                Proj4Mapping p = Proj4Mapping.parse(proj4);
                if (p.geographic() || !"km".equals(p.units())) {
                    throw new IllegalArgumentException("proj4 string '" + proj4 + "' has coordinates in " + p.units());
                }
                return p.gridMapping();
            } catch (IllegalArgumentException e) {
                throw new UnusableFileException(file, "projection_proj4_params: " + e.getMessage()
                        + "; expected a projection in km, such as '+proj=stere +lat_0=90 ... +a=6378.137 +b=6356.752'");
            }
        }

        private Instant validTime(NetcdfFile nc) throws UnusableFileException {
            Group overview = nc.findGroup("overview");
            String end = overview == null ? "" : text(overview, "product_datetime_end");
            try {
                return LocalDateTime.parse(end, TIME).toInstant(ZoneOffset.UTC);
            } catch (DateTimeParseException e) {
                throw new UnusableFileException(file, "overview:product_datetime_end is '" + end
                        + "'; expected a time such as '26-AUG-2010;00:00:00.000' (UTC, end of the accumulation)");
            }
        }

        private double number(Group g, String name) throws UnusableFileException {
            Attribute a = g.findAttribute(name);
            if (a == null || a.isString()) {
                throw new UnusableFileException(file, "group '" + g.getFullName() + "' has no numeric attribute '"
                        + name + "'; expected the KNMI geographic attributes");
            }
            return a.getNumericValue().doubleValue();
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
            return new Frame(time, grid, variable, units, block(index, CellBlock.of(grid)));
        }

        /** A section read of image_data: HDF5 reads only the chunks the block touches. */
        @Override
        public float[] block(int index, CellBlock block) throws UnusableFileException {
            if (index != 0) {
                throw new IndexOutOfBoundsException("frame " + index + " of " + file + ", which has 1");
            }
            block.requireWithin(grid);
            Array a;
            try {
                a = image.read(new int[] {block.y0(), block.x0()}, new int[] {block.ny(), block.nx()});
            } catch (IOException | InvalidRangeException | RuntimeException e) {
                throw new UnusableFileException(file, "image_data cannot be read (truncated or corrupt data?)", e);
            }
            // HDF5 unsigned shorts arrive as Java shorts: mask to 0..65535 before comparing with 65535.
            short[] raw = (short[]) a.get1DJavaArray(short.class);
            float[] values = new float[raw.length];
            for (int k = 0; k < raw.length; k++) {
                int pv = raw[k] & 0xffff;
                boolean isMissing = false;
                for (int m : missing) {
                    isMissing |= pv == m;
                }
                values[k] = isMissing ? Float.NaN : (float) (scale * pv + offset);
            }
            return values;
        }

        @Override
        public void close() {
            Hdf5Sources.closeQuietly(nc);
        }
    }

    private static String text(Group g, String name) {
        Attribute a = g.findAttribute(name);
        return a != null && a.isString() && a.getStringValue() != null ? a.getStringValue().trim() : "";
    }
}
