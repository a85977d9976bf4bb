package io.gridcast.ingest.synth;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import io.gridcast.ingest.synth.SyntheticWeather.Motion;
import io.gridcast.ingest.write.Netcdf3Files;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import ucar.ma2.Array;
import ucar.ma2.DataType;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFileWriter;
import ucar.nc2.Variable;

/**
 * Writes a synthetic radar-like archive of {@link SyntheticWeather}: one CF-1.8 NetCDF-3 file per time step
 * ({@code synth_20260101_000000.nc}, packed {@code short rain_rate(time, y, x)} in mm/h on an Albers grid of
 * 1-km cells, y north to south) and the terrain in {@code static/elevation.nc}. The same spec gives the same bytes.
 */
public final class SyntheticArchive {

    public static final String VARIABLE = "rain_rate";
    public static final double SCALE_FACTOR = 0.01;
    private static final short FILL = -1;

    private static final DateTimeFormatter FILE_TIME =
            DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss").withZone(ZoneOffset.UTC);

    /**
     * @param frames number of time steps (files)
     * @param size   grid cells along x and along y
     * @param seed   seeds the cells' births, positions, sizes and intensities
     * @param step   time between files, whole seconds
     * @param start  valid time of the first file
     */
    public record Spec(int frames, int size, long seed, Duration step, Instant start) {

        public Spec {
            if (frames < 1) {
                throw new IllegalArgumentException("synthetic archive needs at least 1 frame, was " + frames);
            }
            if (step.isNegative() || step.isZero() || step.getNano() != 0) {
                throw new IllegalArgumentException("synthetic time step must be a positive whole number of seconds "
                        + "(file names have second resolution), was " + step);
            }
        }

        /** 240 frames (20 h) of 64x64 cells every 5 minutes from 2026-01-01T00:00Z, seed 42. */
        public static Spec defaults() {
            return new Spec(240, 64, 42L, Duration.ofMinutes(5), Instant.parse("2026-01-01T00:00:00Z"));
        }
    }

    /**
     * @param framesDir the folder of per-step files ({@code <out>/rain_rate}), apart from the static layer so
     *                  that ingesting it finds frames only
     * @param files     the per-step files in time order
     * @param times     their valid times
     * @param elevation {@code static/elevation.nc}
     * @param motion    the motion field the rain cells follow, in cells per step
     */
    public record Result(Path framesDir, List<Path> files, List<Instant> times, Path elevation, Grid grid, Motion motion) {
    }

    private SyntheticArchive() {
    }

    public static Result write(Path outDir, Spec spec) throws IOException {
        Grid grid = grid(spec.size());
        SyntheticWeather weather = new SyntheticWeather(spec.size(), spec.seed());
        Path elevation = writeElevation(outDir.resolve("static").resolve("elevation.nc"), grid, weather.elevation(),
                spec);
        Path framesDir = outDir.resolve(VARIABLE);
        List<Path> files = new ArrayList<>(spec.frames());
        List<Instant> times = new ArrayList<>(spec.frames());
        for (int k = 0; k < spec.frames(); k++) {
            Instant t = spec.start().plus(spec.step().multipliedBy(k));
            float[] rain = weather.next();
            files.add(writeStep(framesDir.resolve("synth_" + FILE_TIME.format(t) + ".nc"), grid, t, rain, spec));
            times.add(t);
        }
        return new Result(framesDir, List.copyOf(files), List.copyOf(times), elevation, grid, SyntheticWeather.MOTION);
    }

    /** The archive's grid: x east and y north in km, 1-km cells centred on 0, rows north to south. */
    public static Grid grid(int size) {
        double[] x = new double[size];
        double[] y = new double[size];
        for (int i = 0; i < size; i++) {
            x[i] = SyntheticWeather.x(size, i);
            y[i] = SyntheticWeather.y(size, i);
        }
        // A plausible mid-latitude (central Europe) equal-area projection; the grid is centred on its origin.
        GridMapping albers = new GridMapping("proj",
                Map.of("grid_mapping_name", "albers_conical_equal_area"),
                Map.of("standard_parallel", new double[] {47.0, 53.0},
                        "longitude_of_central_meridian", new double[] {10.0},
                        "latitude_of_projection_origin", new double[] {50.0},
                        "false_easting", new double[] {0.0},
                        "false_northing", new double[] {0.0},
                        "semi_major_axis", new double[] {6378137.0},
                        "inverse_flattening", new double[] {298.257222101}));
        return new Grid(new Axis("y", "projection_y_coordinate", "km", y),
                new Axis("x", "projection_x_coordinate", "km", x), albers);
    }

    private static Path writeStep(Path target, Grid grid, Instant t, float[] rain, Spec spec) throws IOException {
        short[] packed = new short[rain.length];
        for (int k = 0; k < rain.length; k++) {
            packed[k] = (short) Math.min(Short.MAX_VALUE, Math.round(rain[k] / SCALE_FACTOR));
        }
        return Netcdf3Files.writeAtomically(target, false, w -> {
            globals(w, spec, "gridcast synthetic rain rate");
            w.addDimension(null, "time", 1);
            Variable time = w.addVariable(null, "time", DataType.DOUBLE, "time");
            attributes(w, time, "units", "seconds since 1970-01-01 00:00:00", "standard_name", "time",
                    "long_name", "valid time", "calendar", "standard", "axis", "T");
            Variable y = Netcdf3Files.defineAxis(w, grid.y(), "Y");
            Variable x = Netcdf3Files.defineAxis(w, grid.x(), "X");
            Variable proj = Netcdf3Files.defineGridMapping(w, grid.mapping());
            Variable v = w.addVariable(null, VARIABLE, DataType.SHORT, "time y x");
            attributes(w, v, "units", "mm h-1", "standard_name", "rainfall_rate", "long_name", "rain rate",
                    "grid_mapping", grid.mapping().variable());
            // Float packing attributes so that CF readers unpack to float, not double.
            w.addVariableAttribute(v, new Attribute("scale_factor", (float) SCALE_FACTOR));
            w.addVariableAttribute(v, new Attribute("add_offset", 0f));
            w.addVariableAttribute(v, new Attribute("_FillValue", FILL));
            w.create();
            w.write(time, Array.factory(new double[] {t.getEpochSecond()}));
            Netcdf3Files.writeAxis(w, y, grid.y());
            Netcdf3Files.writeAxis(w, x, grid.x());
            Netcdf3Files.writeGridMapping(w, proj);
            w.write(v, Array.factory(DataType.SHORT, new int[] {1, grid.ny(), grid.nx()}, packed));
        });
    }

    private static Path writeElevation(Path target, Grid grid, float[] elevation, Spec spec) throws IOException {
        return Netcdf3Files.writeAtomically(target, false, w -> {
            globals(w, spec, "gridcast synthetic terrain");
            Variable y = Netcdf3Files.defineAxis(w, grid.y(), "Y");
            Variable x = Netcdf3Files.defineAxis(w, grid.x(), "X");
            Variable proj = Netcdf3Files.defineGridMapping(w, grid.mapping());
            Variable v = w.addVariable(null, "elevation", DataType.FLOAT, "y x");
            attributes(w, v, "units", "m", "standard_name", "surface_altitude", "long_name",
                    "synthetic terrain: a SW-NE ridge and two hills", "grid_mapping", grid.mapping().variable());
            w.create();
            Netcdf3Files.writeAxis(w, y, grid.y());
            Netcdf3Files.writeAxis(w, x, grid.x());
            Netcdf3Files.writeGridMapping(w, proj);
            w.write(v, Array.factory(DataType.FLOAT, new int[] {grid.ny(), grid.nx()}, elevation));
        });
    }

    /** Deterministic global attributes (no creation time) so that a spec always gives byte-identical files. */
    private static void globals(NetcdfFileWriter w, Spec spec, String title) {
        Motion m = SyntheticWeather.MOTION;
        w.addGroupAttribute(null, new Attribute("Conventions", "CF-1.8"));
        w.addGroupAttribute(null, new Attribute("title", title));
        w.addGroupAttribute(null, new Attribute("institution", "gridcast"));
        w.addGroupAttribute(null, new Attribute("source", "gridcast synth, seed " + spec.seed()));
        w.addGroupAttribute(null, new Attribute("history", "synthesised by " + SyntheticArchive.class.getName() + ": "
                + spec.frames() + " frames of " + spec.size() + "x" + spec.size() + " every " + spec.step()
                + " from " + spec.start()));
        w.addGroupAttribute(null, new Attribute("motion", m.describe()));
        w.addGroupAttribute(null, new Attribute("motion_dx_cells_per_step", m.dxCellsPerStep()));
        w.addGroupAttribute(null, new Attribute("motion_dy_cells_per_step", m.dyCellsPerStep()));
        w.addGroupAttribute(null, new Attribute("motion_rotation_radians_per_step", m.rotationRadiansPerStep()));
        w.addGroupAttribute(null, new Attribute("orographic_enhancement",
                "rain rate x (1 + surface_altitude / 2000 m), surface_altitude in static/elevation.nc"));
    }

    private static void attributes(NetcdfFileWriter w, Variable v, String... pairs) {
        for (int i = 0; i < pairs.length; i += 2) {
            w.addVariableAttribute(v, new Attribute(pairs[i], pairs[i + 1]));
        }
    }
}
