package io.gridcast.jobs.cli;

import static io.gridcast.jobs.cli.CycleEndToEndTest.TINY;
import static io.gridcast.jobs.cli.CycleEndToEndTest.files;
import static io.gridcast.jobs.cli.CycleEndToEndTest.gridcast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.nc2.NetcdfFile;

/**
 * The cycle on a real radar day (BOM Brisbane, NetCDF-4, Albers, scalar time, packed shorts), unchanged but
 * for --input and --variable.
 */
class BomRadarEndToEndTest {

    static final Path BOM = Path.of(System.getProperty("gridcast.shared", "../../shared"), "data", "radar",
            "bom-brisbane-20201031");

    @TempDir
    Path work;

    @Test
    void theCycleRunsOnRealRadarAndKeepsItsProjection() throws IOException {
        assumeTrue(Files.isDirectory(BOM), "skipped: " + BOM + " is absent (the shared data set is not beside this clone)");

        CycleEndToEndTest.Outcome run = gridcast("demo", "--config", TINY.toString(), "--out", work.toString(),
                "--input", BOM.toString(), "--variable", "precipitation");

        assertThat(run.status()).as(run.err()).isZero();
        List<Path> forecasts = files(work.resolve("forecasts"), ".nc");
        assertThat(forecasts).hasSize(8);
        assertThat(forecasts.get(0).getFileName().toString()).endsWith("_20201031T2350Z.nc");
        try (NetcdfFile nc = NetcdfFile.open(forecasts.get(0).toString())) {
            assertThat(nc.findVariable("proj").findAttribute("grid_mapping_name").getStringValue())
                    .isEqualTo("albers_conical_equal_area");
            assertThat(nc.findVariable("precipitation").findAttribute("units").getStringValue()).isEqualTo("kg m-2");
            // 32 km at cell_size 2 km from 0.5 km radar cells
            assertThat(nc.findVariable("x").getShape()).containsExactly(16);
        }
        assertThat(files(work.resolve("reports"), "metrics.csv")).hasSize(1);
    }
}
