package io.gridcast.ingest.statics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.Proj4Mapping;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import ucar.unidata.geoloc.ProjectionImpl;
import ucar.unidata.geoloc.ProjectionPoint;

/**
 * A proj4 string's CF grid mapping ({@link Proj4Mapping}) is the same projection: a point projected by proj4j from
 * the string and by NetCDF-Java's CF builder from the mapping (as other CF software reads forecast files) agree to
 * a metre, and with PROJ's own figures for the string.
 */
class Proj4MappingProjectionTest {

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            +proj=laea +lat_0=52 +lon_0=10 +x_0=4321000 +y_0=3210000 +R=6371000 | 4.9 | 52.4 | 3975316.341027 | 3266625.951703
            +proj=stere +lat_0=90 +lon_0=0.0 +lat_ts=60.0 +a=6378.137 +b=6356.752 +x_0=0 +y_0=0 | 4.9 | 52.4 | 346.783112 | -4045.049967
            +proj=stere +lat_0=90 +lon_0=10 +lat_ts=60 +ellps=WGS84 +x_0=100000 | 4.9 | 52.4 | -260900.847657 | -4043814.704420
            +proj=stere +lat_0=-90 +lon_0=140 +lat_ts=-71 +ellps=WGS84 | 145 | -70 | 191262.776106 | 2186143.534461
            +proj=stere +lat_0=46.95 +lon_0=8.0 +k_0=1 +R=6371000 +units=km | 7.0 | 47.3 | -75.407448 | 39.400608
            +proj=aea +lat_1=-18 +lat_2=-36 +lat_0=-27.7 +lon_0=153.2 +ellps=GRS80 +units=km | 153.5 | -27.4 | 29.306986 | 33.621239
            +proj=lcc +lat_1=49 +lat_2=44 +lat_0=46.5 +lon_0=3 +x_0=700000 +y_0=6600000 +ellps=GRS80 | 4.9 | 52.4 | 829895.331672 | 7258308.731549
            +proj=lcc +lat_1=25 +lat_0=25 +lon_0=-95 +R=6371229 +units=km | -97.5 | 35.2 | -230.908799 | 1142.530985
            +proj=tmerc +lat_0=49 +lon_0=-2 +k=0.9996012717 +x_0=400000 +y_0=-100000 +ellps=airy | -1.3 | 52.4 | 447621.006926 | 278270.995504
            +proj=tmerc +lat_0=0 +lon_0=9 +k_0=0.9996 +x_0=500000 +ellps=WGS84 +units=km | 7.2 | 50.1 | 371.270768 | 5551.300755
            """)
    void netcdfJavaProjectsTheMappingAsProj4jProjectsTheString(String proj4, double lon, double lat, double projX,
                                                               double projY) {
        Proj4Mapping p = Proj4Mapping.parse(proj4);
        ProjectionImpl cf = GridLocations.projection(p.gridMapping(), p.units());
        double[] expected = p.project(lon, lat);
        // PROJ 9.1.1 (pyproj) on the same string, for a check independent of proj4j.
        assertThat(expected[0]).as("proj4j x").isCloseTo(projX, within(1 / p.metresPerUnit()));
        assertThat(expected[1]).as("proj4j y").isCloseTo(projY, within(1 / p.metresPerUnit()));
        ProjectionPoint actual = cf.latLonToProj(lat, lon);
        double kmPerUnit = p.metresPerUnit() / 1000;
        assertThat(actual.getX() / kmPerUnit).as("x").isCloseTo(expected[0], within(1 / p.metresPerUnit()));
        assertThat(actual.getY() / kmPerUnit).as("y").isCloseTo(expected[1], within(1 / p.metresPerUnit()));
    }

    /**
     * NetCDF-Java 4.5.5 projects Lambert azimuthal equal-area on a sphere only, 1.1 km off OPERA's WGS84 grid at
     * Amsterdam: static layers are placed with the proj4 string the mapping keeps instead.
     */
    @Test
    void ellipsoidalLambertAzimuthalIsAppliedFromTheProj4String() {
        Proj4Mapping p = Proj4Mapping.parse("+proj=laea +lat_0=55.0 +lon_0=10.0 +x_0=1950000.0 +y_0=-2100000.0 +units=m +ellps=WGS84");
        double[] expected = p.project(4.9, 52.4);
        // PROJ 9.1.1 (pyproj): 1603137.133, -2376835.349.
        assertThat(expected[0]).isCloseTo(1603137.133, within(0.01));
        assertThat(expected[1]).isCloseTo(-2376835.349, within(0.01));
        ProjectionPoint spherical = GridLocations.projection(p.gridMapping(), "m").latLonToProj(52.4, 4.9);
        assertThat(Math.abs(spherical.getX() * 1000 - expected[0])).isGreaterThan(1000);

        Grid grid = new Grid(new Axis("y", "projection_y_coordinate", "km", new double[] {-1000, -1002}),
                new Axis("x", "projection_x_coordinate", "km", new double[] {1000, 1002}), p.gridMapping());
        GridLocations locations = new GridLocations(grid);
        double[] yx = locations.gridCoordinates(52.4, 4.9);
        assertThat(yx[1] * 1000).isCloseTo(expected[0], within(0.01));
        assertThat(yx[0] * 1000).isCloseTo(expected[1], within(0.01));
        double[] latLon = locations.latLon(yx[0], yx[1]);
        assertThat(latLon[0]).isCloseTo(52.4, within(1e-7));
        assertThat(latLon[1]).isCloseTo(4.9, within(1e-7));
    }
}
