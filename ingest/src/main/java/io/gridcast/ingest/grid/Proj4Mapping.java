package io.gridcast.ingest.grid;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.locationtech.proj4j.CRSFactory;
import org.locationtech.proj4j.ProjCoordinate;
import org.locationtech.proj4j.ProjectionException;
import org.locationtech.proj4j.datum.Ellipsoid;
import org.locationtech.proj4j.proj.Projection;

/**
 * A proj4 string (non-CF archives state their grid only that way: ODIM {@code where/projdef}, KNMI
 * {@code projection_proj4_params}) as the CF grid mapping that forecast files carry, plus the projection itself,
 * parsed and applied by LocationTech's proj4j. Projected coordinates are in the projection's units: {@code +units}
 * or {@code +to_meter}, or kilometres for an ellipsoid given in km ({@code +a=6378.137}, as KNMI writes it).
 */
public final class Proj4Mapping {

    /** The {@code +proj} names converted, as a message lists them. */
    public static final List<String> SUPPORTED = List.of("laea", "stere", "aea", "lcc", "tmerc", "longlat");

    private final String definition;
    private final String proj;
    private final Projection projection;
    /** Metres per unit of the projected coordinates. */
    private final double metresPerUnit;
    private final GridMapping mapping;

    private Proj4Mapping(String definition) {
        this.definition = definition.trim();
        Map<String, String> given = tokens(this.definition);
        String name = given.getOrDefault("proj", "");
        this.proj = switch (name) {
            case "latlong", "lonlat", "latlon" -> "longlat";
            default -> name;
        };
        if (!SUPPORTED.contains(proj)) {
            throw new IllegalArgumentException("proj4 string '" + this.definition + "' has projection '" + name
                    + "'; supported: " + String.join(", ", SUPPORTED) + " (+proj=...)");
        }
        try {
            this.projection = new CRSFactory().createFromParameters(null, forProj4j(given)).getProjection();
        } catch (RuntimeException e) {
            throw new IllegalArgumentException("proj4 string '" + this.definition + "' cannot be parsed: "
                    + e.getMessage(), e);
        }
        // An ellipsoid in km makes every projected coordinate km; CF wants the ellipsoid and offsets in metres.
        double ellipsoidScale = projection.getEllipsoid().getA() < 1e5 ? 1000 : 1;
        this.metresPerUnit = ellipsoidScale / projection.getFromMetres();
        this.mapping = proj.equals("longlat") ? null : cf(given, ellipsoidScale);
    }

    /**
     * Parses {@code proj4}.
     *
     * @throws IllegalArgumentException naming the string and the supported projections, for an unsupported
     *                                  projection or a string proj4j cannot parse
     */
    public static Proj4Mapping parse(String proj4) {
        return new Proj4Mapping(proj4 == null ? "" : proj4);
    }

    /** The proj4 string as given (trimmed). */
    public String definition() {
        return definition;
    }

    /** True for {@code +proj=longlat}: coordinates are longitude and latitude in degrees, and there is no mapping. */
    public boolean geographic() {
        return mapping == null;
    }

    /** The CF grid mapping (variable {@code projection}, the string kept in {@code proj4_params}); null if geographic. */
    public GridMapping gridMapping() {
        return mapping;
    }

    /** Units of the projected coordinates: {@code m}, {@code km}, or {@code degrees} if geographic. */
    public String units() {
        if (geographic()) {
            return "degrees";
        }
        if (metresPerUnit == 1) {
            return "m";
        }
        if (metresPerUnit == 1000) {
            return "km";
        }
        throw new IllegalArgumentException("proj4 string '" + definition + "' has coordinates of " + metresPerUnit
                + " m; expected metres or kilometres (+units=m or +units=km)");
    }

    /** Metres per unit of the projected coordinates. */
    public double metresPerUnit() {
        return metresPerUnit;
    }

    /** The projected {@code {x, y}} of a longitude and latitude (degrees), in {@link #units()}; NaN if none. */
    public double[] project(double lon, double lat) {
        if (geographic()) {
            return new double[] {lon, lat};
        }
        try {
            ProjCoordinate p = projection.project(new ProjCoordinate(lon, lat), new ProjCoordinate());
            return new double[] {p.x, p.y};
        } catch (ProjectionException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    /** The {@code {lon, lat}} in degrees of projected coordinates in {@link #units()}; NaN if none. */
    public double[] inverse(double x, double y) {
        if (geographic()) {
            return new double[] {x, y};
        }
        try {
            ProjCoordinate p = projection.inverseProject(new ProjCoordinate(x, y), new ProjCoordinate());
            return new double[] {p.x, p.y};
        } catch (ProjectionException e) {
            return new double[] {Double.NaN, Double.NaN};
        }
    }

    private GridMapping cf(Map<String, String> given, double ellipsoidScale) {
        Map<String, double[]> numbers = new LinkedHashMap<>();
        double lat0 = degrees(projection.getProjectionLatitudeDegrees());
        double lon0 = degrees(projection.getProjectionLongitudeDegrees());
        String name;
        switch (proj) {
            case "laea" -> {
                name = "lambert_azimuthal_equal_area";
                numbers.put("longitude_of_projection_origin", new double[] {lon0});
                numbers.put("latitude_of_projection_origin", new double[] {lat0});
            }
            case "stere" -> {
                if (Math.abs(Math.abs(lat0) - 90) < 1e-9) {
                    name = "polar_stereographic";
                    numbers.put("straight_vertical_longitude_from_pole", new double[] {lon0});
                    numbers.put("latitude_of_projection_origin", new double[] {Math.signum(lat0) * 90});
                    if (given.containsKey("lat_ts")) {
                        numbers.put("standard_parallel", new double[] {degrees(projection.getTrueScaleLatitudeDegrees())});
                    } else if (projection.getScaleFactor() != 1) {
                        // proj4j 1.3.0 put points at half PROJ's distance from the pole with a k_0 (measured).
                        throw new IllegalArgumentException("proj4 string '" + definition + "' scales a polar "
                                + "stereographic by k_0=" + projection.getScaleFactor() + ", which proj4j 1.3.0 "
                                + "applies wrongly; expected the latitude of true scale (+lat_ts) instead");
                    } else {
                        numbers.put("scale_factor_at_projection_origin", new double[] {projection.getScaleFactor()});
                    }
                } else {
                    name = "stereographic";
                    numbers.put("longitude_of_projection_origin", new double[] {lon0});
                    numbers.put("latitude_of_projection_origin", new double[] {lat0});
                    numbers.put("scale_factor_at_projection_origin", new double[] {projection.getScaleFactor()});
                }
            }
            case "aea", "lcc" -> {
                name = proj.equals("aea") ? "albers_conical_equal_area" : "lambert_conformal_conic";
                double lat1 = degrees(projection.getProjectionLatitude1Degrees());
                // lcc with one standard parallel (1SP) is tangent there; aea's second parallel defaults to 0, as in PROJ.
                numbers.put("standard_parallel", proj.equals("lcc") && !given.containsKey("lat_2") ? new double[] {lat1}
                        : new double[] {lat1, degrees(projection.getProjectionLatitude2Degrees())});
                numbers.put("longitude_of_central_meridian", new double[] {lon0});
                numbers.put("latitude_of_projection_origin", new double[] {lat0});
                if (proj.equals("lcc") && projection.getScaleFactor() != 1) {
                    throw new IllegalArgumentException("proj4 string '" + definition + "' scales lcc by k_0="
                            + projection.getScaleFactor() + "; CF's lambert_conformal_conic has no scale factor, "
                            + "expected standard parallels (+lat_1, +lat_2) instead");
                }
            }
            case "tmerc" -> {
                name = "transverse_mercator";
                numbers.put("scale_factor_at_central_meridian", new double[] {projection.getScaleFactor()});
                numbers.put("longitude_of_central_meridian", new double[] {lon0});
                numbers.put("latitude_of_projection_origin", new double[] {lat0});
            }
            default -> throw new IllegalStateException("unconverted projection " + proj);
        }
        // proj4's x_0/y_0 are metres (of the ellipsoid's length unit); CF's offsets are in the coordinates' units.
        numbers.put("false_easting", new double[] {projection.getFalseEasting() * ellipsoidScale / metresPerUnit});
        numbers.put("false_northing", new double[] {projection.getFalseNorthing() * ellipsoidScale / metresPerUnit});
        Ellipsoid e = projection.getEllipsoid();
        double a = e.getA() * ellipsoidScale;
        if (e.getEccentricitySquared() == 0) {
            numbers.put("earth_radius", new double[] {a});
        } else {
            numbers.put("semi_major_axis", new double[] {a});
            numbers.put("inverse_flattening", new double[] {1 / (1 - Math.sqrt(1 - e.getEccentricitySquared()))});
        }
        return new GridMapping("projection", Map.of("grid_mapping_name", name, "proj4_params", definition), numbers);
    }

    /** proj4j keeps angles in radians: 60 comes back as 59.99999999999999 without rounding (to 1e-10 degrees). */
    private static double degrees(double fromRadians) {
        return Math.rint(fromRadians * 1e10) / 1e10;
    }

    /** proj4j 1.3.0 ignores {@code +R} (a sphere's radius) and falls back to WGS84: state the sphere as a = b. */
    private static String forProj4j(Map<String, String> given) {
        StringBuilder s = new StringBuilder();
        given.forEach((key, value) -> {
            if (key.equals("R") && !given.containsKey("a")) {
                s.append(" +a=").append(value).append(" +b=").append(value);
            } else {
                s.append(" +").append(key).append(value.isEmpty() ? "" : "=" + value);
            }
        });
        return s.toString().trim();
    }

    /** {@code +key=value} tokens (a bare {@code +key} has an empty value), in order. */
    private static Map<String, String> tokens(String proj4) {
        Map<String, String> params = new LinkedHashMap<>();
        for (String token : proj4.split("\\s+")) {
            String t = token.startsWith("+") ? token.substring(1) : token;
            int eq = t.indexOf('=');
            if (!t.isEmpty()) {
                params.put(eq < 0 ? t : t.substring(0, eq), eq < 0 ? "" : t.substring(eq + 1));
            }
        }
        return params;
    }
}
