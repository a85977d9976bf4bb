package io.gridcast.ingest.statics;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * Layers computed from elevation on the data grid, by name ({@code {name: slope, derived_from: elevation}}):
 * <ul>
 * <li>{@code slope}: the terrain gradient's magnitude, metres of rise per metre ({@code 1});</li>
 * <li>{@code aspect}: the direction the slope faces (steepest descent), degrees clockwise from north
 * (0 north-facing, 90 east-facing); NaN on flat ground, where it is undefined.</li>
 * </ul>
 * The gradient is taken in true distances on the sphere: each cell's neighbours are placed by their latitude and
 * longitude, so a projected grid's scale and rotation and a latitude/longitude grid's shrinking meridian spacing
 * are all accounted for. Centred differences inside, one-sided at the edges and beside missing cells.
 */
public final class DerivedLayers {

    /** Mean Earth radius (IUGG), metres. */
    static final double EARTH_RADIUS_M = 6_371_008.8;

    /** Below this gradient (1 mm per km) the ground is flat and has no aspect. */
    private static final double FLAT = 1e-6;

    @FunctionalInterface
    interface Derivation {
        StaticField derive(String name, StaticField elevation, GridLocations locations);
    }

    private static final Map<String, Derivation> DERIVATIONS = new LinkedHashMap<>();

    static {
        DERIVATIONS.put("slope", (name, z, at) -> field(name, z, at, "1", false));
        DERIVATIONS.put("aspect", (name, z, at) -> field(name, z, at, "degree", true));
    }

    private DerivedLayers() {
    }

    public static Set<String> names() {
        return DERIVATIONS.keySet();
    }

    /** Derives layer {@code name} (a derivation name) from {@code elevation}, which must be in metres. */
    static StaticField derive(String name, StaticField elevation) {
        return derive(name, elevation, new GridLocations(elevation.grid()));
    }

    /** As {@link #derive(String, StaticField)}, with the grid's cell locations already at hand. */
    static StaticField derive(String name, StaticField elevation, GridLocations locations) {
        Derivation d = DERIVATIONS.get(name);
        if (d == null) {
            throw new IllegalArgumentException("unknown derived layer '" + name + "'; expected one of " + names());
        }
        return d.derive(name, elevation, locations);
    }

    private static StaticField field(String name, StaticField z, GridLocations locations, String units, boolean aspect) {
        double[][] centres = locations.centres();
        double[][] gradient = gradient(z, centres[0], centres[1]);
        float[] out = new float[z.values().length];
        for (int k = 0; k < out.length; k++) {
            double east = gradient[0][k];
            double north = gradient[1][k];
            double magnitude = Math.hypot(east, north);
            if (!aspect) {
                out[k] = (float) magnitude;
            } else if (Double.isNaN(magnitude) || magnitude < FLAT) {
                out[k] = Float.NaN;
            } else {
                double degrees = Math.toDegrees(Math.atan2(-east, -north));
                out[k] = (float) (degrees < 0 ? degrees + 360 : degrees);
            }
        }
        return new StaticField(name, units, false, z.grid(), out, name + " of " + z.name());
    }

    /** {@code [dz/dEast, dz/dNorth]} per cell (metres per metre), NaN where no neighbour pair has values. */
    static double[][] gradient(StaticField z, double[] lat, double[] lon) {
        int ny = z.grid().ny();
        int nx = z.grid().nx();
        double[] east = new double[ny * nx];
        double[] north = new double[ny * nx];
        for (int j = 0; j < ny; j++) {
            for (int i = 0; i < nx; i++) {
                int k = j * nx + i;
                // Differences along the grid's x and y, each as (dEast, dNorth, dz) in metres.
                double[] dx = difference(z, lat, lon, j, i, 0, 1);
                double[] dy = difference(z, lat, lon, j, i, 1, 0);
                double det = dx == null || dy == null ? 0 : dx[0] * dy[1] - dx[1] * dy[0];
                if (det == 0) {
                    east[k] = Double.NaN;
                    north[k] = Double.NaN;
                    continue;
                }
                // Solve [dx_e dx_n; dy_e dy_n] [gE; gN] = [dz_x; dz_y].
                east[k] = (dx[2] * dy[1] - dx[1] * dy[2]) / det;
                north[k] = (dx[0] * dy[2] - dx[2] * dy[0]) / det;
            }
        }
        return new double[][] {east, north};
    }

    /** Centred difference along (dj, di) if both neighbours have values, else one-sided; null if neither. */
    private static double[] difference(StaticField z, double[] lat, double[] lon, int j, int i, int dj, int di) {
        int ny = z.grid().ny();
        int nx = z.grid().nx();
        int jp = j + dj;
        int ip = i + di;
        int jm = j - dj;
        int im = i - di;
        boolean plus = jp < ny && ip < nx && !Float.isNaN(z.at(jp, ip));
        boolean minus = jm >= 0 && im >= 0 && !Float.isNaN(z.at(jm, im));
        boolean centre = !Float.isNaN(z.at(j, i));
        int[] from;
        int[] to;
        if (plus && minus) {
            from = new int[] {jm, im};
            to = new int[] {jp, ip};
        } else if (plus && centre) {
            from = new int[] {j, i};
            to = new int[] {jp, ip};
        } else if (minus && centre) {
            from = new int[] {jm, im};
            to = new int[] {j, i};
        } else {
            return null;
        }
        int a = from[0] * nx + from[1];
        int b = to[0] * nx + to[1];
        double meanLat = Math.toRadians((lat[a] + lat[b]) / 2);
        double dLon = Math.IEEEremainder(lon[b] - lon[a], 360);
        double dEast = EARTH_RADIUS_M * Math.cos(meanLat) * Math.toRadians(dLon);
        double dNorth = EARTH_RADIUS_M * Math.toRadians(lat[b] - lat[a]);
        return new double[] {dEast, dNorth, z.at(to[0], to[1]) - z.at(from[0], from[1])};
    }
}
