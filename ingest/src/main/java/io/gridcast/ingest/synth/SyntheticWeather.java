package io.gridcast.ingest.synth;

import java.util.ArrayList;
import java.util.List;
import java.util.SplittableRandom;

/**
 * A deterministic toy rain field on a {@code size x size} grid of 1-km cells: 4 to 8 elliptical Gaussian rain
 * cells that advect with {@link #MOTION}, grow and decay over their lifetimes, and are enhanced over high ground
 * by a factor {@code 1 + elevation / 2000}. Coordinates are km from the grid centre, x east and y north; fields
 * are row-major {@code [y][x]} with the first row northernmost (like the BOM radar files).
 */
public final class SyntheticWeather {

    /**
     * The motion field, in grid cells per time step: a uniform wind plus a weak solid-body rotation about the
     * grid centre, so that the velocity at {@code (x, y)} km is {@code (dx - rotation * y, dy + rotation * x)}.
     *
     * @param dxCellsPerStep          eastward (+x) component of the uniform wind
     * @param dyCellsPerStep          northward (+y) component; rows run north to south, so a positive value
     *                                moves the pattern towards smaller row indices
     * @param rotationRadiansPerStep  counter-clockwise rotation rate
     */
    public record Motion(double dxCellsPerStep, double dyCellsPerStep, double rotationRadiansPerStep) {

        public double u(double x, double y) {
            return dxCellsPerStep - rotationRadiansPerStep * y;
        }

        public double v(double x, double y) {
            return dyCellsPerStep + rotationRadiansPerStep * x;
        }

        public String describe() {
            return "uniform (" + dxCellsPerStep + ", " + dyCellsPerStep + ") cells per step in (x east, y north) "
                    + "plus counter-clockwise rotation " + rotationRadiansPerStep + " rad per step about x = y = 0; "
                    + "each cell centre moves by the velocity at its position at the start of the step";
        }
    }

    public static final Motion MOTION = new Motion(2.0, 1.0, 0.004);

    /** Below this rain rate (mm/h) a cell is dry, as a radar would report it. */
    static final double DRY = 0.05;

    private static final int MIN_CELLS = 4;
    private static final int MAX_CELLS = 8;

    private final int size;
    private final double half;
    private final SplittableRandom rng;
    private final float[] elevation;
    private final List<Cell> cells = new ArrayList<>();

    private static final class Cell {
        double x;
        double y;
        double angle;
        final double sigmaMajor;
        final double sigmaMinor;
        final double peak;
        final int lifetime;
        int age;

        Cell(double x, double y, double angle, double sigmaMajor, double sigmaMinor, double peak, int lifetime,
                int age) {
            this.x = x;
            this.y = y;
            this.angle = angle;
            this.sigmaMajor = sigmaMajor;
            this.sigmaMinor = sigmaMinor;
            this.peak = peak;
            this.lifetime = lifetime;
            this.age = age;
        }

        /** Grows and decays smoothly: zero at birth and death, {@code peak} at mid-life. */
        double intensity() {
            return peak * Math.sin(Math.PI * age / lifetime);
        }
    }

    public SyntheticWeather(int size, long seed) {
        if (size < 16) {
            throw new IllegalArgumentException("synthetic grid size must be at least 16 cells, was " + size);
        }
        this.size = size;
        this.half = (size - 1) / 2.0;
        this.rng = new SplittableRandom(seed);
        this.elevation = terrain(size);
        int initial = rng.nextInt(MIN_CELLS, MAX_CELLS + 1);
        for (int i = 0; i < initial; i++) {
            cells.add(newCell(true));
        }
    }

    /** x (east) in km of column {@code i}: 1-km spacing centred on 0. */
    public static double x(int size, int i) {
        return i - (size - 1) / 2.0;
    }

    /** y (north) in km of row {@code j}: the first row is northernmost. */
    public static double y(int size, int j) {
        return (size - 1) / 2.0 - j;
    }

    /** Static terrain in metres, 0..1500: a SW-NE ridge and two hills. A copy; row-major [y][x]. */
    public float[] elevation() {
        return elevation.clone();
    }

    /** The rain rate (mm/h) at the current step, row-major [y][x]; then moves on one step. */
    public float[] next() {
        float[] rain = new float[size * size];
        for (int j = 0; j < size; j++) {
            double y = y(size, j);
            for (int i = 0; i < size; i++) {
                double x = x(size, i);
                double sum = 0;
                for (Cell c : cells) {
                    double dx = x - c.x;
                    double dy = y - c.y;
                    double a = dx * Math.cos(c.angle) + dy * Math.sin(c.angle);
                    double b = -dx * Math.sin(c.angle) + dy * Math.cos(c.angle);
                    double e = 0.5 * (a * a / (c.sigmaMajor * c.sigmaMajor) + b * b / (c.sigmaMinor * c.sigmaMinor));
                    if (e < 20) {
                        sum += c.intensity() * Math.exp(-e);
                    }
                }
                double r = sum * (1 + elevation[j * size + i] / 2000.0);
                rain[j * size + i] = r < DRY ? 0f : (float) r;
            }
        }
        advance();
        return rain;
    }

    private void advance() {
        for (Cell c : cells) {
            double u = MOTION.u(c.x, c.y);
            double v = MOTION.v(c.x, c.y);
            c.x += u;
            c.y += v;
            c.angle += MOTION.rotationRadiansPerStep();
            c.age++;
        }
        // A cell is gone once its centre is three of the largest sigmas (5 cells per 64) outside the grid.
        double margin = half + 3 * 5.0 * size / 64;
        cells.removeIf(c -> c.age >= c.lifetime || Math.abs(c.x) > margin || Math.abs(c.y) > margin);
        while (cells.size() < MIN_CELLS || (cells.size() < MAX_CELLS && rng.nextDouble() < 0.1)) {
            cells.add(newCell(false));
        }
    }

    /** A random cell; at the start it may be part-way through its life so that the first frames already rain. */
    private Cell newCell(boolean atStart) {
        double scale = size / 64.0;
        double sigmaMajor = rng.nextDouble(2.5, 5.0) * scale;
        double sigmaMinor = sigmaMajor * rng.nextDouble(0.45, 0.9);
        int lifetime = rng.nextInt(20, 61);
        return new Cell(rng.nextDouble(-half, half), rng.nextDouble(-half, half), rng.nextDouble(0, Math.PI),
                sigmaMajor, sigmaMinor, rng.nextDouble(15, 35), lifetime, atStart ? rng.nextInt(1, lifetime / 2) : 0);
    }

    private static float[] terrain(int size) {
        double[] h = new double[size * size];
        double s = size;
        double ridgeAngle = Math.toRadians(35);
        for (int j = 0; j < size; j++) {
            for (int i = 0; i < size; i++) {
                double x = x(size, i);
                double y = y(size, j);
                // Distance across a ridge through (-0.15 s, -0.10 s) running SW-NE.
                double across = -(x + 0.15 * s) * Math.sin(ridgeAngle) + (y + 0.10 * s) * Math.cos(ridgeAngle);
                double ridge = 1000 * Math.exp(-Math.pow(across / (0.07 * s), 2));
                double hill1 = 800 * Math.exp(-(sq(x - 0.25 * s) + sq(y - 0.25 * s)) / sq(0.10 * s));
                double hill2 = 600 * Math.exp(-(sq(x + 0.30 * s) + sq(y - 0.30 * s)) / sq(0.08 * s));
                h[j * size + i] = ridge + hill1 + hill2;
            }
        }
        double min = Double.MAX_VALUE;
        double max = -Double.MAX_VALUE;
        for (double v : h) {
            min = Math.min(min, v);
            max = Math.max(max, v);
        }
        float[] out = new float[h.length];
        for (int k = 0; k < h.length; k++) {
            out[k] = (float) (1500 * (h[k] - min) / (max - min));
        }
        return out;
    }

    private static double sq(double v) {
        return v * v;
    }
}
