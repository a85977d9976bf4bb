package io.gridcast.ingest.grid;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

/** proj4 strings as CF grid mappings: attributes, units, and the strings refused. */
class Proj4MappingTest {

    @Test
    void operasLambertAzimuthalBecomesItsCfMapping() {
        String opera = "+proj=laea +lat_0=55.0 +lon_0=10.0 +x_0=1950000.0 +y_0=-2100000.0 +units=m +ellps=WGS84";
        Proj4Mapping p = Proj4Mapping.parse(opera);
        GridMapping m = p.gridMapping();
        assertThat(p.units()).isEqualTo("m");
        assertThat(m.mappingName()).isEqualTo("lambert_azimuthal_equal_area");
        assertThat(m.textAttributes().get("proj4_params")).isEqualTo(opera);
        assertThat(m.numberAttributes().get("latitude_of_projection_origin")).containsExactly(55.0);
        assertThat(m.numberAttributes().get("longitude_of_projection_origin")).containsExactly(10.0);
        assertThat(m.numberAttributes().get("false_easting")).containsExactly(1950000.0);
        assertThat(m.numberAttributes().get("false_northing")).containsExactly(-2100000.0);
        assertThat(m.numberAttributes().get("semi_major_axis")).containsExactly(6378137.0);
    }

    @Test
    void unitsAndEllipsoidsInKilometresMakeKilometreAxes() {
        Proj4Mapping knmi = Proj4Mapping.parse("+proj=stere +lat_0=90 +lon_0=0.0 +lat_ts=60.0 +a=6378.137 +b=6356.752 +x_0=0 +y_0=0");
        assertThat(knmi.units()).isEqualTo("km");
        assertThat(knmi.gridMapping().numberAttributes().get("semi_major_axis")).containsExactly(6378137.0);
        assertThat(knmi.gridMapping().numberAttributes().get("standard_parallel")).containsExactly(60.0);

        Proj4Mapping km = Proj4Mapping.parse("+proj=tmerc +lon_0=9 +k_0=0.9996 +x_0=500000 +ellps=WGS84 +units=km");
        assertThat(km.units()).isEqualTo("km");
        // x_0 is metres in proj4; CF's false easting is in the axes' units.
        assertThat(km.gridMapping().numberAttributes().get("false_easting")).containsExactly(500.0);
        assertThat(km.gridMapping().numberAttributes().get("scale_factor_at_central_meridian")).containsExactly(0.9996);
    }

    @Test
    void aSphereHasAnEarthRadiusAndOneStandardParallelStaysOne() {
        GridMapping m = Proj4Mapping.parse("+proj=lcc +lat_1=25 +lat_0=25 +lon_0=-95 +R=6371229").gridMapping();
        assertThat(m.numberAttributes().get("earth_radius")).containsExactly(6371229.0);
        assertThat(m.numberAttributes()).doesNotContainKey("semi_major_axis");
        assertThat(m.numberAttributes().get("standard_parallel")).containsExactly(25.0);
    }

    @Test
    void stereographicIsPolarOnlyAtAPole() {
        assertThat(Proj4Mapping.parse("+proj=stere +lat_0=-90 +lon_0=140 +lat_ts=-71 +ellps=WGS84").gridMapping()
                .mappingName()).isEqualTo("polar_stereographic");
        assertThat(Proj4Mapping.parse("+proj=stere +lat_0=46.95 +lon_0=8 +k_0=1 +R=6371000").gridMapping()
                .mappingName()).isEqualTo("stereographic");
    }

    @Test
    void latitudeLongitudeHasNoMapping() {
        Proj4Mapping p = Proj4Mapping.parse("+proj=longlat +ellps=WGS84");
        assertThat(p.geographic()).isTrue();
        assertThat(p.gridMapping()).isNull();
        assertThat(p.project(5.0, 52.0)).containsExactly(5.0, 52.0);
    }

    @Test
    void unsupportedStringsAreNamedWithWhatIsSupported() {
        assertThatThrownBy(() -> Proj4Mapping.parse("+proj=merc +lon_0=10")).isInstanceOf(IllegalArgumentException.class)
                .hasMessage("proj4 string '+proj=merc +lon_0=10' has projection 'merc'; supported: laea, stere, aea, "
                        + "lcc, tmerc, longlat (+proj=...)");
        assertThatThrownBy(() -> Proj4Mapping.parse("+proj=stere +lat_0=-90 +lon_0=140 +k_0=0.994 +R=6371229"))
                .hasMessageContaining("k_0=0.994").hasMessageContaining("expected the latitude of true scale (+lat_ts)");
        assertThatThrownBy(() -> Proj4Mapping.parse("+proj=laea +lat_0=55 +lon_0=10 +units=ft").units())
                .hasMessageContaining("expected metres or kilometres");
    }
}
