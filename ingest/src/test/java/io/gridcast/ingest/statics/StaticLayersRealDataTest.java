package io.gridcast.ingest.statics;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.SharedData;
import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import io.gridcast.ingest.read.FrameReaders;
import io.gridcast.ingest.read.FrameSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The real static layers of the shared data folder on the three real data grids: KNMI radar (polar
 * stereographic), BOM radar (Albers) and ERA5 (latitude/longitude). Checks are geography anyone can confirm.
 */
class StaticLayersRealDataTest {

    private static final Logger log = LoggerFactory.getLogger(StaticLayersRealDataTest.class);

    /**
     * The KNMI radar composite's grid, from the parameters in its HDF5 attributes: proj4
     * {@code +proj=stere +lat_0=90 +lon_0=0.0 +lat_ts=60.0 +a=6378.137 +b=6356.752}, 700 columns from x = 0 km
     * and 765 rows from y = -3650 km southward (geo_row_offset), 1-km pixels, corners at the upper left.
     */
    static Grid knmiGrid() {
        double[] x = new double[700];
        double[] y = new double[765];
        for (int i = 0; i < x.length; i++) {
            x[i] = i + 0.5;
        }
        for (int j = 0; j < y.length; j++) {
            y[j] = -3650 - j - 0.5;
        }
        GridMapping stereographic = new GridMapping("projection",
                Map.of("grid_mapping_name", "polar_stereographic"),
                Map.of("straight_vertical_longitude_from_pole", new double[] {0.0},
                        "latitude_of_projection_origin", new double[] {90.0},
                        "standard_parallel", new double[] {60.0},
                        "false_easting", new double[] {0.0},
                        "false_northing", new double[] {0.0},
                        "semi_major_axis", new double[] {6378137.0},
                        "semi_minor_axis", new double[] {6356752.0}));
        return new Grid(new Axis("y", "projection_y_coordinate", "km", y),
                new Axis("x", "projection_x_coordinate", "km", x), stereographic);
    }

    /** The value of the cell whose centre is nearest a latitude/longitude. */
    private static float at(StaticField f, double lat, double lon) {
        double[] yx = new GridLocations(f.grid()).gridCoordinates(lat, lon);
        int j = (int) Math.rint(SourceLayer.fractionalIndex(f.grid().y().values(), yx[0]));
        int i = (int) Math.rint(SourceLayer.fractionalIndex(f.grid().x().values(), yx[1]));
        assertThat(j).as("row of %s N %s E", lat, lon).isBetween(0, f.grid().ny() - 1);
        assertThat(i).as("column of %s N %s E", lat, lon).isBetween(0, f.grid().nx() - 1);
        return f.at(j, i);
    }

    private static Set<Float> distinct(StaticField f) {
        Set<Float> values = new HashSet<>();
        for (float v : f.values()) {
            if (!Float.isNaN(v)) {
                values.add(v);
            }
        }
        return values;
    }

    @Test
    void knmiGridMatchesTheCornersStatedInTheRadarFiles() {
        SharedData.require("radar/knmi-20100826");
        GridLocations knmi = new GridLocations(knmiGrid());
        // geo_product_corners: lower left 0E 49.362N, upper left 0E 55.974N, upper right 10.856E 55.389N.
        assertThat(knmi.latLon(-3650, 0)).containsExactly(new double[] {55.974, 0.0}, within(0.01));
        assertThat(knmi.latLon(-4415, 0)).containsExactly(new double[] {49.362, 0.0}, within(0.01));
        assertThat(knmi.latLon(-3650, 700)).containsExactly(new double[] {55.389, 10.856}, within(0.01));
    }

    @Test
    void gtopo30AndTheLandSeaMaskOnTheKnmiRadarGrid() throws Exception {
        Path gtopo = SharedData.require("static/gtopo30-3e9e-50n54n.nc");
        Path landsea = SharedData.require("static/landsea.nc");
        // GTOPO30 marks the sea as missing: as 0 m, the coast interpolates between land and sea level.
        List<StaticField> fields = StaticLayers.load(List.of(
                StaticLayerSpec.continuous("elevation", gtopo, "z").withUnits("m").withFillMissing(0.0),
                StaticLayerSpec.categorical("land_sea", landsea, "LSMASK"),
                StaticLayerSpec.derived("slope", "elevation")), knmiGrid(), null);
        StaticField z = fields.get(0);
        StaticField mask = fields.get(1);
        StaticField slope = fields.get(2);
        log.info("KNMI grid: {}; {}; coverage {} / {}", z.provenance(), mask.provenance(), z.coverage(), mask.coverage());

        assertThat(z.units()).isEqualTo("m");
        assertThat(at(z, 52.37, 4.90)).as("Amsterdam").isBetween(-10f, 10f);
        assertThat(at(z, 51.92, 4.48)).as("Rotterdam").isBetween(-10f, 10f);
        assertThat(at(z, 53.5, 3.5)).as("North Sea (missing in GTOPO30, filled as 0 m)").isEqualTo(0f);
        assertThat(at(z, 50.25, 5.9)).as("Ardennes").isGreaterThan(350f);
        assertThat(at(z, 51.2, 8.4)).as("Sauerland").isGreaterThan(400f);
        assertThat(at(z, 55.0, 5.0)).as("outside GTOPO30's 3..9E 50..54N tile").isNaN();
        assertThat(z.coverage()).as("the tile covers part of the radar grid").isBetween(0.3, 0.7);

        assertThat(distinct(mask)).as("only classes present in the source").isSubsetOf(0f, 1f, 2f, 3f, 4f).contains(0f, 1f);
        assertThat(mask.coverage()).isEqualTo(1.0);
        assertThat(at(mask, 54.5, 3.0)).as("North Sea").isEqualTo(0f);
        assertThat(at(mask, 52.1, 5.5)).as("Utrecht province").isEqualTo(1f);
        assertThat(at(mask, 50.5, 8.0)).as("Germany").isEqualTo(1f);

        float polder = at(slope, 52.55, 5.7);
        float ardennes = at(slope, 50.4, 6.0);
        log.info("slope: Flevopolder {}, Ardennes {}", polder, ardennes);
        assertThat(polder).as("the flat Flevopolder (dikes and ditches aside)").isLessThan(0.01f);
        assertThat(ardennes).as("Ardennes hills").isGreaterThan(3 * polder);
    }

    @Test
    void etopo20AcrossItsModuloAxisOnTheBomRadarGrid() throws Exception {
        Path bom = SharedData.require("radar/bom-brisbane-20201031");
        Path etopo = SharedData.require("static/etopo20.cdf");
        Path first;
        try (Stream<Path> files = Files.list(bom)) {
            first = files.filter(p -> p.toString().endsWith(".nc")).sorted().findFirst().orElseThrow();
        }
        Grid grid;
        try (FrameSource source = FrameReaders.byName("cf-netcdf").open(first, "precipitation")) {
            grid = source.grid();
        }
        List<StaticField> fields = StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", etopo, "ROSE"),
                StaticLayerSpec.derived("aspect", "elevation")), grid, null);
        StaticField z = fields.get(0);
        log.info("BOM grid: {}", z.provenance());

        assertThat(z.units()).isEqualTo("m");
        assertThat(z.provenance()).contains("bilinear");
        assertThat(z.coverage()).isEqualTo(1.0);
        assertThat(at(z, -27.3, 152.6)).as("the ranges west of Brisbane").isGreaterThan(50f);
        assertThat(at(z, -28.3, 152.6)).as("the Scenic Rim").isGreaterThan(200f);
        assertThat(at(z, -27.5, 154.4)).as("the Tasman Sea").isLessThan(0f);
        float aspect = fields.get(1).values()[0];
        assertThat(aspect).isBetween(0f, 360f);
    }

    @Test
    void etopo20AndTheLandSeaMaskOnTheEra5Grid() throws Exception {
        Path era5 = SharedData.require("reanalysis/era5-t2m-uk-201903.nc");
        Path etopo = SharedData.require("static/etopo20.cdf");
        Path landsea = SharedData.require("static/landsea.nc");
        Grid grid;
        try (FrameSource source = FrameReaders.byName("cf-netcdf").open(era5, "t2m")) {
            grid = source.grid();
        }
        List<StaticField> fields = StaticLayers.load(List.of(StaticLayerSpec.continuous("elevation", etopo, "ROSE"),
                StaticLayerSpec.categorical("land_sea", landsea, "LSMASK"), StaticLayerSpec.derived("slope", "elevation")),
                grid, null);
        StaticField z = fields.get(0);
        StaticField mask = fields.get(1);
        StaticField slope = fields.get(2);
        log.info("ERA5 grid: {}; {}", z.provenance(), mask.provenance());

        assertThat(z.coverage()).isEqualTo(1.0);
        float highlands = at(z, 57.0, -4.5);
        float midlands = at(z, 52.5, -1.5);
        assertThat(highlands).as("Scottish Highlands").isGreaterThan(300f).isGreaterThan(midlands);
        assertThat(midlands).as("English Midlands").isBetween(20f, 250f);
        assertThat(at(z, 56.0, 1.0)).as("North Sea").isLessThan(0f);
        assertThat(at(mask, 56.0, 1.0)).as("North Sea").isEqualTo(0f);
        assertThat(at(mask, 52.5, -1.5)).as("English Midlands").isEqualTo(1f);
        assertThat(distinct(mask)).isSubsetOf(0f, 1f, 2f, 3f, 4f);
        assertThat(at(slope, 57.0, -4.5)).isGreaterThan(at(slope, 52.5, -1.5));
    }
}
