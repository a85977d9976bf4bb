package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.nc2.NetcdfFile;

/** The whole cycle through the command line, on a small synthetic archive: every stage real. */
class CycleEndToEndTest {

    static final Path TINY = Path.of("src/test/resources/tiny.yml");

    @TempDir
    Path work;

    record Outcome(int status, String out, String err) {
    }

    static Outcome gridcast(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        int status = Gridcast.execute(new PrintWriter(out, true), new PrintWriter(err, true), args);
        return new Outcome(status, out.toString(), err.toString());
    }

    static List<Path> files(Path dir, String suffix) throws IOException {
        try (Stream<Path> walk = Files.walk(dir)) {
            return walk.filter(p -> p.getFileName().toString().endsWith(suffix)).sorted().toList();
        }
    }

    @Test
    void demoWritesForecastsForEveryRegionAndModelAndAReport() throws IOException {
        Outcome run = gridcast("demo", "--config", TINY.toString(), "--out", work.toString(), "--frames", "80");

        assertThat(run.status()).as(run.err()).isZero();
        List<Path> forecasts = files(work.resolve("forecasts"), ".nc");
        assertThat(forecasts).hasSize(6);
        for (String region : List.of("west", "east")) {
            for (String model : List.of("persistence", "convlstm", "cnnlstm")) {
                assertThat(work.resolve("forecasts").resolve(region).resolve(model)).isDirectoryContaining("glob:**.nc");
            }
        }
        try (NetcdfFile nc = NetcdfFile.open(forecasts.get(0).toString())) {
            assertThat(nc.findGlobalAttribute("Conventions").getStringValue()).isEqualTo("CF-1.8");
            assertThat(nc.findVariable("forecast_reference_time")).isNotNull();
            assertThat(nc.findVariable("forecast_period").getShape()).containsExactly(3);
            assertThat(nc.findVariable("rain_rate").findAttribute("grid_mapping").getStringValue()).isEqualTo("proj");
        }
        assertThat(files(work, ".tmp")).isEmpty();

        Path report = files(work.resolve("reports"), "metrics.csv").get(0);
        List<String> lines = Files.readAllLines(report);
        assertThat(lines.get(0)).isEqualTo("region,model,lead_minutes,metric,threshold,value");
        // 2 regions x 3 models x 3 leads x (mse, mae, csi at 2 thresholds)
        assertThat(lines).hasSize(1 + 2 * 3 * 3 * 4);
        assertThat(lines).anyMatch(l -> l.startsWith("east,convlstm,15,csi,2.0,"));
        assertThat(report.resolveSibling("index.html")).content().contains("Region west", "skill vs persistence");
    }

    @Test
    void aMissingInputFolderIsOneClearMessage() {
        Outcome run = gridcast("run", "ingest", "--config", TINY.toString(), "--out", work.toString(),
                "--input", work.resolve("nowhere").toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("gridcast: input folder " + work.resolve("nowhere")
                + " does not exist or is not a folder");
    }

    @Test
    void aFolderWithoutTheVariableFailsTheJobNamingIt() throws IOException {
        Path archive = work.resolve("archive");
        gridcast("synth", "--out", archive.toString(), "--frames", "3", "--size", "16");

        Outcome run = gridcast("run", "ingest", "--config", TINY.toString(), "--out", work.toString(),
                "--input", archive.toString(), "--variable", "snow_depth");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("gridcast: job 'ingest' failed:", "no usable frames of variable 'snow_depth'");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    @Test
    void anUnknownRegionListsTheConfiguredOnes() {
        Outcome run = gridcast("run", "forecast", "--config", TINY.toString(), "--out", work.toString(),
                "--region", "north");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err().strip())
                .isEqualTo("gridcast: --region: expected a region named 'north'; configured: [west, east]");
    }

    @Test
    void aConfigurationErrorIsOneLineAndExitCode2() throws IOException {
        Path bad = work.resolve("bad.yml");
        Files.writeString(bad, Files.readString(TINY).replace("windows:", "windowz:"));

        Outcome run = gridcast("run", "report", "--config", bad.toString(), "--out", work.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err()).startsWith("gridcast: " + bad + ": unknown key 'windowz'");
    }
}
