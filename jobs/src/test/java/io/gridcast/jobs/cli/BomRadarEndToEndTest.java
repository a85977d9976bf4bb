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
import java.util.stream.Stream;
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

    /**
     * The last {@code frames} BOM files as another service might name them ({@code .cdf}), linked into a folder
     * of their own: what a new user brings.
     */
    private Path lastFramesAsCdf(int frames) throws IOException {
        Path archive = Files.createDirectories(work.resolve("archive"));
        List<Path> all;
        try (Stream<Path> listing = Files.list(BOM)) {
            all = listing.filter(p -> p.getFileName().toString().endsWith(".nc")).sorted().toList();
        }
        for (Path file : all.subList(all.size() - frames, all.size())) {
            Files.createSymbolicLink(archive.resolve(file.getFileName().toString().replace(".nc", ".cdf")), file);
        }
        return archive;
    }

    @Test
    void sixtyOneFramesOfCdfFilesRunUnchangedWithBlocksThatFit() throws IOException {
        assumeTrue(Files.isDirectory(BOM), "skipped: " + BOM + " is absent (the shared data set is not beside this clone)");
        Path archive = lastFramesAsCdf(61);

        CycleEndToEndTest.Outcome run = gridcast("demo", "--config", TINY.toString(), "--out", work.toString(),
                "--input", archive.toString(), "--variable", "precipitation", "--pattern", "*.cdf",
                "--reader", "cf-netcdf");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.err()).doesNotContain("not trained");
        assertThat(run.out()).contains("gridcast: ingest: 61 files: 61 accepted (61 frames), 0 quarantined");
        // Every variant of both regions forecasts and is scored.
        assertThat(files(work.resolve("forecasts"), ".nc")).hasSize(8);
        String metrics = Files.readString(files(work.resolve("reports"), "metrics.csv").get(0));
        for (String model : List.of("persistence", "advection", "convlstm", "cnnlstm")) {
            assertThat(metrics).contains("west," + model + ",10,mse", "east," + model + ",10,mse");
        }
        // With 0.7 / 0.15 of 61 frames the validation block holds no window of 3 + 3: blocks that fit, and why.
        String metadata = Files.readString(files(work.resolve("models/precipitation/west/convlstm"), "metadata.json")
                .get(0));
        assertThat(metadata).contains("blocks fitted to the archive's 61 frames, because with the configured shares"
                + " (train 0.7, validation 0.15) the validation block");
        assertThat(Files.readString(files(work.resolve("reports"), "index.html").get(0)))
                .contains("chosen by: blocks fitted to the archive's 61 frames");
    }

    @Test
    void anArchiveTooShortToTrainOnStillForecastsAndScoresTheBaselinesAndSaysWhyOnce() throws IOException {
        assumeTrue(Files.isDirectory(BOM), "skipped: " + BOM + " is absent (the shared data set is not beside this clone)");
        Path archive = lastFramesAsCdf(20);

        CycleEndToEndTest.Outcome run = gridcast("demo", "--config", TINY.toString(), "--out", work.toString(),
                "--input", archive.toString(), "--variable", "precipitation", "--pattern", "*.cdf");

        assertThat(run.status()).as(run.err()).isZero();
        // One line for the four untrained partitions: the reason and what to change.
        assertThat(run.err().lines().filter(l -> l.contains("not trained"))).singleElement().asString()
                .startsWith("gridcast: train: not trained: west/convlstm, west/cnnlstm, east/convlstm, east/cnnlstm:"
                        + " no training: ")
                .contains("needs at least 6 consecutive usable frames", "30 frames in all",
                        "use fewer windows.in or windows.out, or a longer archive");
        assertThat(files(work.resolve("forecasts"), ".nc")).extracting(p -> p.getParent().getFileName().toString())
                .containsExactlyInAnyOrder("persistence", "advection", "persistence", "advection");
        String metrics = Files.readString(files(work.resolve("reports"), "metrics.csv").get(0));
        assertThat(metrics).contains("west,persistence,10,mse", "east,advection,10,mse").doesNotContain("convlstm");
    }
}
