package io.gridcast.ingest.statics;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import io.gridcast.ingest.grid.Proj4Mapping;
import java.util.Formatter;
import java.util.Locale;
import java.util.Map;
import ucar.nc2.Attribute;
import ucar.nc2.Variable;
import ucar.nc2.dataset.CoordTransBuilder;
import ucar.nc2.dataset.CoordinateTransform;
import ucar.nc2.dataset.NetcdfDataset;
import ucar.nc2.dataset.ProjectionCT;
import ucar.ma2.Array;
import ucar.unidata.geoloc.LatLonPoint;
import ucar.unidata.geoloc.ProjectionImpl;
import ucar.unidata.geoloc.ProjectionPoint;

/**
 * Where a grid lies on the Earth: latitude and longitude of its cell centres and of its cell corners. Projected
 * grids go through NetCDF-Java's own CF grid-mapping builders ({@code ucar.unidata.geoloc}), so every mapping
 * NetCDF-Java knows (Albers, polar stereographic, Lambert conformal, rotated pole, ...) works unchanged. A mapping
 * made from a proj4 string ({@link Proj4Mapping}, it keeps the string in {@code proj4_params}) is applied by proj4j
 * from that string: NetCDF-Java 4.5.5's Lambert azimuthal equal-area is spherical only (1.1 km off on OPERA's
 * WGS84 grid). A curvilinear grid is located by its cells' own latitudes and longitudes, interpolated bilinearly
 * between centres, and searched by {@link CurvilinearSearch}.
 */
public final class GridLocations {

    private final Grid grid;
    /** Null for a latitude/longitude grid or one with a proj4 string. */
    private final ProjectionImpl projection;
    /** The grid's proj4 string, or null. */
    private final Proj4Mapping proj4;
    /** Projection coordinates in the grid's axis units times this give the proj4 string's units. */
    private final double toProj4Units;
    /**
     * Projection coordinates in the grid's axis units times this give NetCDF-Java's: km for map projections,
     * degrees (factor 1) for a rotated pole, whose axes are longitude and latitude on the rotated sphere.
     */
    private final double toKm;

    /** Null unless the grid is curvilinear; made on first use. */
    private CurvilinearSearch search;

    public GridLocations(Grid grid) {
        this.grid = grid;
        String definition = grid.mapping() == null ? null : grid.mapping().textAttributes().get("proj4_params");
        this.proj4 = definition == null ? null : Proj4Mapping.parse(definition);
        this.projection = grid.mapping() == null || proj4 != null ? null : projection(grid.mapping(), grid.x().units());
        this.toKm = grid.mapping() == null ? 1 : angular(grid.mapping()) ? requireDegrees(grid.x()) : kilometresPer(grid.x());
        this.toProj4Units = proj4 == null ? 1 : toKm * 1000 / proj4.metresPerUnit();
    }

    /** Whether the grid's x axis is a longitude (plain or on a rotated sphere), so it may wrap around the circle. */
    public boolean angular() {
        return grid.geolocation() == null && !grid.unreferenced() && (grid.mapping() == null || angular(grid.mapping()));
    }

    private static boolean angular(GridMapping mapping) {
        return mapping.mappingName().equals("rotated_latitude_longitude");
    }

    public Grid grid() {
        return grid;
    }

    /** Computed once: projecting a large grid costs seconds (an ellipsoidal inverse per point). */
    private double[][] centres;
    private double[][] corners;

    /** {@code [lat, lon]} of every cell centre, row-major like the grid's values. */
    public synchronized double[][] centres() {
        if (centres == null) {
            centres = grid.geolocation() != null ? new double[][] {grid.geolocation().lat(), grid.geolocation().lon()}
                    : locate(grid.y().values(), grid.x().values());
        }
        return centres;
    }

    /**
     * {@code [lat, lon]} of the {@code (ny + 1) x (nx + 1)} cell corners, row-major: midway between neighbouring
     * centres, half a spacing beyond the outer ones.
     */
    synchronized double[][] corners() {
        if (corners == null) {
            corners = locate(edges(grid.y().values()), edges(grid.x().values()));
        }
        return corners;
    }

    /** Latitude/longitude of one point given in the grid's own coordinates. */
    public double[] latLon(double y, double x) {
        if (grid.geolocation() != null) {
            return interpolate(SourceLayer.fractionalIndex(grid.y().values(), y),
                    SourceLayer.fractionalIndex(grid.x().values(), x));
        }
        if (proj4 != null) {
            double[] lonLat = proj4.inverse(x * toProj4Units, y * toProj4Units);
            return new double[] {lonLat[1], lonLat[0]};
        }
        if (projection == null) {
            return new double[] {y, x};
        }
        LatLonPoint p = projection.projToLatLon(x * toKm, y * toKm);
        return new double[] {p.getLatitude(), p.getLongitude()};
    }

    /** The grid's own {@code [y, x]} of a latitude/longitude (NaN where the projection has no image). */
    public double[] gridCoordinates(double lat, double lon) {
        if (grid.geolocation() != null) {
            double[] f = curvilinearSearch().position(lat, lon);
            return new double[] {axisValue(grid.y().values(), f[0]), axisValue(grid.x().values(), f[1])};
        }
        if (proj4 != null) {
            double[] xy = proj4.project(lon, lat);
            return new double[] {xy[1] / toProj4Units, xy[0] / toProj4Units};
        }
        if (projection == null) {
            return new double[] {lat, lon};
        }
        ProjectionPoint p = projection.latLonToProj(lat, lon);
        return new double[] {p.getY() / toKm, p.getX() / toKm};
    }

    private synchronized CurvilinearSearch curvilinearSearch() {
        if (search == null) {
            search = new CurvilinearSearch(grid.geolocation(), grid.ny(), grid.nx());
        }
        return search;
    }

    /**
     * A curvilinear grid's latitude/longitude at fractional indices: bilinear between the four centres around
     * them, extrapolated from the outer quad beyond the outer centres; longitudes on the first corner's side of
     * the antimeridian.
     */
    private double[] interpolate(double fy, double fx) {
        double[] lat = grid.geolocation().lat();
        double[] lon = grid.geolocation().lon();
        int nx = grid.nx();
        int j0 = Math.max(0, Math.min(grid.ny() - 2, (int) Math.floor(fy)));
        int i0 = Math.max(0, Math.min(nx - 2, (int) Math.floor(fx)));
        double v = fy - j0;
        double u = fx - i0;
        int[] k = {j0 * nx + i0, j0 * nx + i0 + 1, (j0 + 1) * nx + i0, (j0 + 1) * nx + i0 + 1};
        double[] w = {(1 - u) * (1 - v), u * (1 - v), (1 - u) * v, u * v};
        double la = 0;
        double lo = 0;
        for (int c = 0; c < 4; c++) {
            la += w[c] * lat[k[c]];
            lo += w[c] * (lon[k[c]] + 360 * Math.rint((lon[k[0]] - lon[k[c]]) / 360));
        }
        return new double[] {Math.max(-90, Math.min(90, la)), lo};
    }

    /** The axis value at a fractional index, extrapolated linearly beyond the ends. */
    private static double axisValue(double[] axis, double f) {
        if (!Double.isFinite(f)) {
            return Double.NaN;
        }
        int i = Math.max(0, Math.min(axis.length - 2, (int) Math.floor(f)));
        return axis[i] + (f - i) * (axis[i + 1] - axis[i]);
    }

    private double[][] locate(double[] ys, double[] xs) {
        int n = ys.length * xs.length;
        double[] lat = new double[n];
        double[] lon = new double[n];
        for (int j = 0; j < ys.length; j++) {
            for (int i = 0; i < xs.length; i++) {
                double[] p = latLon(ys[j], xs[i]);
                lat[j * xs.length + i] = p[0];
                lon[j * xs.length + i] = p[1];
            }
        }
        return new double[][] {lat, lon};
    }

    static double[] edges(double[] centres) {
        int n = centres.length;
        double[] e = new double[n + 1];
        for (int k = 1; k < n; k++) {
            e[k] = (centres[k - 1] + centres[k]) / 2;
        }
        e[0] = centres[0] - (centres[1] - centres[0]) / 2;
        e[n] = centres[n - 1] + (centres[n - 1] - centres[n - 2]) / 2;
        return e;
    }

    /** 1 for a rotated-pole axis in degrees (CF: {@code degrees} or unitless); other units are an error naming the axis. */
    private static double requireDegrees(Axis axis) {
        String u = axis.units().toLowerCase(Locale.ROOT);
        if (!u.isEmpty() && !u.startsWith("degree")) {
            throw new IllegalArgumentException("rotated-pole axis '" + axis.name() + "' has units '" + axis.units()
                    + "'; expected degrees");
        }
        return 1;
    }

    /** Kilometres per unit of a projection axis (m, km); other units are an error naming the axis. */
    static double kilometresPer(Axis axis) {
        return switch (axis.units().toLowerCase(Locale.ROOT)) {
            case "m", "meter", "meters", "metre", "metres" -> 0.001;
            case "km", "kilometer", "kilometers", "kilometre", "kilometres" -> 1.0;
            default -> throw new IllegalArgumentException("projection axis '" + axis.name() + "' has units '"
                    + axis.units() + "'; expected m or km");
        };
    }

    /**
     * NetCDF-Java's projection for a CF grid mapping, built by its CF transform builders from the mapping's
     * attributes (false easting/northing are in the axis units, as CF says).
     */
    static ProjectionImpl projection(GridMapping mapping, String axisUnits) {
        NetcdfDataset ds = new NetcdfDataset();
        Variable v = new Variable(ds, null, null, mapping.variable());
        for (Map.Entry<String, String> e : mapping.textAttributes().entrySet()) {
            v.addAttribute(new Attribute(e.getKey(), e.getValue()));
        }
        for (Map.Entry<String, double[]> e : mapping.numberAttributes().entrySet()) {
            v.addAttribute(new Attribute(e.getKey(), Array.factory(e.getValue())));
        }
        if (!mapping.textAttributes().containsKey("units")) {
            v.addAttribute(new Attribute("units", axisUnits));
        }
        Formatter info = new Formatter();
        Formatter errors = new Formatter();
        CoordinateTransform ct = CoordTransBuilder.makeCoordinateTransform(ds, v, info, errors);
        if (!(ct instanceof ProjectionCT p) || p.getProjection() == null) {
            throw new IllegalArgumentException("grid mapping '" + mapping.variable() + "' ("
                    + mapping.mappingName() + ") is not a projection NetCDF-Java can build: " + errors.toString().trim());
        }
        return p.getProjection();
    }
}
