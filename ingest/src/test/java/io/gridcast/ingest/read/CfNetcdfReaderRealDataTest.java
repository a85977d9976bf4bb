package io.gridcast.ingest.read;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.SharedData;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.LocalDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The two real archives in the shared data folder: BOM radar (NetCDF-4, scalar time) and ERA5 (NetCDF-3). */
class CfNetcdfReaderRealDataTest {

    private static final Logger log = LoggerFactory.getLogger(CfNetcdfReaderRealDataTest.class);

    private final FrameReader reader = FrameReaders.byName("cf-netcdf");

    @Test
    void bomRadarFileHasScalarTimeAlbersGridAndPackedPrecipitation() throws Exception {
        Path file = SharedData.require("radar/bom-brisbane-20201031").resolve("66_20201031_120000.prcp-c10.nc");
        try (FrameSource src = reader.open(file, "precipitation")) {
            assertThat(src.times()).containsExactly(Instant.parse("2020-10-31T12:00:00Z"));
            assertThat(src.units()).isEqualTo("kg m-2");
            assertThat(src.standardName()).isEqualTo("precipitation_amount");

            Grid g = src.grid();
            assertThat(g.ny()).isEqualTo(512);
            assertThat(g.nx()).isEqualTo(512);
            assertThat(g.y().name()).isEqualTo("y");
            assertThat(g.y().standardName()).isEqualTo("projection_y_coordinate");
            assertThat(g.y().units()).isEqualTo("km");
            assertThat(g.y().values()[0]).as("y runs north to south").isGreaterThan(g.y().values()[511]);
            assertThat(g.x().values()[0]).isLessThan(g.x().values()[511]);
            assertThat(g.x().spacing()).isCloseTo(0.5, within(1e-9));
            assertThat(g.mapping().variable()).isEqualTo("proj");
            assertThat(g.mapping().mappingName()).isEqualTo("albers_conical_equal_area");
            assertThat(g.mapping().numberAttributes().get("standard_parallel")).containsExactly(-26.2, -29.3);
            assertThat(g.mapping().numberAttributes().get("longitude_of_central_meridian")).containsExactly(153.24);

            Frame f = src.frame(0);
            assertThat(f.time()).isEqualTo(Instant.parse("2020-10-31T12:00:00Z"));
            assertThat(f.variable()).isEqualTo("precipitation");
            double max = 0;
            for (float v : f.values()) {
                assertThat(v).isNotNaN().isGreaterThanOrEqualTo(0f);
                assertThat(v / 0.05).as("packed in steps of 0.05").isCloseTo(Math.rint(v / 0.05), within(1e-3));
                max = Math.max(max, v);
            }
            assertThat(max).as("it rained in Brisbane at noon UTC").isGreaterThan(0);
        }
    }

    /** The whole day: every file opens, times run every 10 minutes without gaps; logs the read rate. */
    @Test
    void bomRadarDayReadsAsContiguousTenMinuteFrames() throws Exception {
        Path dir = SharedData.require("radar/bom-brisbane-20201031");
        List<Path> files;
        try (Stream<Path> s = Files.list(dir)) {
            files = s.filter(p -> p.toString().endsWith(".nc")).sorted().toList();
        }
        assertThat(files).hasSize(144);
        readDay(files); // warm-up: JIT, NetCDF-Java's static initialisation
        long t0 = System.nanoTime();
        List<Instant> times = readDay(files);
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.info("BOM day: {} frames of 512x512 in {} s = {} frames/s (warm)", files.size(),
                String.format("%.2f", seconds), String.format("%.0f", files.size() / seconds));
        for (int i = 0; i < times.size(); i++) {
            assertThat(times.get(i)).isEqualTo(Instant.parse("2020-10-31T00:00:00Z").plus(Duration.ofMinutes(10L * i)));
            assertThat(times.get(i)).isEqualTo(timeInName(files.get(i)));
        }
    }

    private List<Instant> readDay(List<Path> files) throws UnusableFileException {
        Grid first = null;
        List<Instant> times = new ArrayList<>();
        for (Path p : files) {
            try (FrameSource src = reader.open(p, "precipitation")) {
                Frame f = src.frame(0);
                if (first == null) {
                    first = f.grid();
                }
                assertThat(f.grid().y()).isEqualTo(first.y());
                assertThat(f.grid().x()).isEqualTo(first.x());
                times.add(f.time());
            }
        }
        return times;
    }

    private static Instant timeInName(Path p) {
        String stamp = p.getFileName().toString().substring(3, 18); // 66_20201031_120000.prcp-c10.nc
        return LocalDateTime.parse(stamp, DateTimeFormatter.ofPattern("yyyyMMdd_HHmmss")).toInstant(ZoneOffset.UTC);
    }

    @Test
    void era5HasHourlyTimeAxisLatitudeNorthToSouthAndKelvin() throws Exception {
        Path file = SharedData.require("reanalysis/era5-t2m-uk-201903.nc");
        try (FrameSource src = reader.open(file, "t2m")) {
            List<Instant> times = src.times();
            assertThat(times).hasSize(744);
            for (int i = 0; i < times.size(); i++) {
                assertThat(times.get(i)).isEqualTo(Instant.parse("2019-03-01T00:00:00Z").plus(Duration.ofHours(i)));
            }
            Grid g = src.grid();
            assertThat(g.mapping()).as("plain latitude/longitude").isNull();
            assertThat(g.y().name()).isEqualTo("latitude");
            assertThat(g.y().standardName()).as("implied by degrees_north").isEqualTo("latitude");
            assertThat(g.y().values()[0]).isEqualTo(58.0);
            assertThat(g.y().values()[32]).isEqualTo(50.0);
            assertThat(g.x().values()[0]).isEqualTo(-10.0);
            assertThat(g.nx()).isEqualTo(49);
            assertThat(src.units()).isEqualTo("K");
            for (int i : new int[] {0, 371, 743}) {
                Frame f = src.frame(i);
                assertThat(f.time()).isEqualTo(times.get(i));
                for (float v : f.values()) {
                    assertThat(v).isBetween(230f, 300f);
                }
            }
        }
    }

    @Test
    void blocksOfBomAndEra5FramesEqualTheSameCellsOfTheWholeFrame() throws Exception {
        Path bom = SharedData.require("radar/bom-brisbane-20201031").resolve("66_20201031_120000.prcp-c10.nc");
        try (FrameSource src = reader.open(bom, "precipitation")) {
            BlockReads.assertEqualToCutsOfTheFrame(src, 0);
        }
        try (FrameSource src = reader.open(SharedData.require("reanalysis/era5-t2m-uk-201903.nc"), "t2m")) {
            BlockReads.assertEqualToCutsOfTheFrame(src, 0);
            BlockReads.assertEqualToCutsOfTheFrame(src, 743);
        }
    }

    @Test
    void era5TruncatedCopyIsRejected(@TempDir Path tmp) throws IOException {
        Path file = SharedData.require("reanalysis/era5-t2m-uk-201903.nc");
        byte[] all = Files.readAllBytes(file);
        Path cut = Files.write(tmp.resolve("era5-cut.nc"), Arrays.copyOf(all, all.length / 2));
        assertThatThrownBy(() -> reader.open(cut, "t2m"))
                .isInstanceOf(UnusableFileException.class)
                .hasMessageStartingWith(cut.toString())
                .hasMessageContaining("truncated");
    }

    @Test
    void bomTruncatedCopyIsRejected(@TempDir Path tmp) throws IOException {
        Path file = SharedData.require("radar/bom-brisbane-20201031").resolve("66_20201031_120000.prcp-c10.nc");
        byte[] all = Files.readAllBytes(file);
        Path cut = Files.write(tmp.resolve("bom-cut.nc"), Arrays.copyOf(all, all.length - 5000));
        assertThatThrownBy(() -> reader.open(cut, "precipitation"))
                .isInstanceOf(UnusableFileException.class)
                .hasMessageContaining("truncated");
    }
}
