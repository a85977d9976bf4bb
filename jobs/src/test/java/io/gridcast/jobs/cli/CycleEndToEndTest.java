package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.nc2.NetcdfFile;

/**
 * The whole cycle through the command line, on a small synthetic archive, every stage real; then the
 * forecast files as the tools meteorologists use see them, and the errors a user meets first.
 */
class CycleEndToEndTest {

    static final Path TINY = Path.of("src/test/resources/tiny.yml");

    @TempDir
    static Path demo;

    static Outcome demoRun;

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

    @BeforeAll
    static void runTheDemo() {
        demoRun = gridcast("demo", "--config", TINY.toString(), "--out", demo.toString(), "--frames", "80");
    }

    static Path aForecast() throws IOException {
        assertThat(demoRun.status()).as(demoRun.err()).isZero();
        return demo.resolve("forecasts/east/convlstm").toFile().listFiles()[0].toPath();
    }

    /** Runs an installed tool, or skips the calling test with a message if it is not installed. */
    static String tool(String... command) throws IOException, InterruptedException {
        boolean installed = command[0].contains("/") ? Files.isExecutable(Path.of(command[0]))
                : Stream.of(System.getenv("PATH").split(":")).anyMatch(d -> Files.isExecutable(Path.of(d, command[0])));
        assumeTrue(installed, "skipped: " + command[0] + " is not installed (.ci/run installs it)");
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        assertThat(p.waitFor()).as(output).isZero();
        return output;
    }

    @Test
    void demoWritesAForecastForEveryRegionAndModel() throws IOException {
        assertThat(demoRun.status()).as(demoRun.err()).isZero();
        assertThat(files(demo.resolve("forecasts"), ".nc")).hasSize(8);
        for (String region : List.of("west", "east")) {
            for (String model : List.of("persistence", "advection", "convlstm", "cnnlstm")) {
                assertThat(demo.resolve("forecasts").resolve(region).resolve(model))
                        .isDirectoryContaining("glob:**/" + region + "_" + model + "_20260101T0635Z.nc");
            }
        }
        assertThat(files(demo, ".tmp")).as("no temporary file is left behind").isEmpty();
        assertThat(demoRun.out()).contains("gridcast: job 'cycle' completed",
                "gridcast: ingest: 80 files: 80 accepted (80 frames), 0 quarantined; 0 gap(s); 80 read");
    }

    @Test
    void forecastFilesAreCfWithTheInputProjection() throws IOException {
        try (NetcdfFile nc = NetcdfFile.open(aForecast().toString())) {
            assertThat(nc.findGlobalAttribute("Conventions").getStringValue()).isEqualTo("CF-1.8");
            assertThat(nc.findVariable("forecast_reference_time").findAttribute("standard_name").getStringValue())
                    .isEqualTo("forecast_reference_time");
            assertThat(nc.findVariable("forecast_period").read().getDouble(2)).isEqualTo(15.0);
            assertThat(nc.findVariable("rain_rate").findAttribute("grid_mapping").getStringValue()).isEqualTo("proj");
            assertThat(nc.findVariable("proj").findAttribute("grid_mapping_name").getStringValue())
                    .isEqualTo("albers_conical_equal_area");
        }
    }

    /** The demo run's report folder, {@code reports/<run>}. */
    static Path reportDir() throws IOException {
        assertThat(demoRun.status()).as(demoRun.err()).isZero();
        return files(demo.resolve("reports"), "metrics.json").get(0).getParent();
    }

    @Test
    void theReportHasEveryScoreOfEveryRegionModelAndLead() throws IOException {
        List<String> lines = Files.readAllLines(reportDir().resolve("metrics.csv"));
        assertThat(lines.get(0)).isEqualTo("region,model,lead_minutes,metric,threshold,value");
        // 2 regions x 4 models x 3 leads x (7 field scores + 2 thresholds x (6 event scores + FSS at 2 scales))
        assertThat(lines).hasSize(1 + 2 * 4 * 3 * (7 + 2 * (6 + 2)));
        assertThat(lines).anyMatch(l -> l.startsWith("east,convlstm,15,csi,2.0,"));
        assertThat(lines).anyMatch(l -> l.startsWith("west,persistence,5,fss_3,0.5,"));
        assertThat(lines).anyMatch(l -> l.startsWith("west,cnnlstm,10,ssim,,"));
        // a deterministic forecast's CRPS is its MAE, so every variant is in a CRPS comparison
        String mae = lines.stream().filter(l -> l.startsWith("east,advection,10,mae,,")).findFirst().orElseThrow();
        assertThat(lines).contains(mae.replace(",mae,", ",crps,"));
        assertThat(reportDir().resolve("metrics.json")).content().contains("\"lead_minutes\" : 15", "\"metric\" : \"fss_1\"");
        assertThat(reportDir().resolve("index.html")).content().contains("Region west", "skill against persistence",
                "Maps: test case from");
    }

    /**
     * The report as a reader sees it: real headless Chromium loads the file offline; the page's own check
     * marks {@code data-integrity="ok"} once every image decoded and no script error was raised.
     */
    @Test
    void theReportOpensInHeadlessChromiumWithChartsAndMaps() throws Exception {
        Path page = reportDir().resolve("index.html");
        String source = Files.readString(page);
        String dom = tool("chromium", "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                "--disable-background-networking", "--disable-component-update", "--disable-sync",
                "--user-data-dir=" + Files.createTempDirectory(work, "chromium"), "--virtual-time-budget=10000",
                "--dump-dom", page.toUri().toString());

        assertThat(dom).contains("data-integrity=\"ok\"");
        long charts = count(dom, "<img class=\"chart\" alt=\"[^\"]*\" width=\"\\d+\" height=\"\\d+\" src=\"data:image/png;base64,");
        assertThat(charts).isEqualTo(count(source, "<img class=chart ")).isGreaterThanOrEqualTo(2 * 6);
        // 1 case per region (tiny.yml's map_cases) x (observed + 4 models) x 3 leads
        assertThat(count(dom, "<img class=\"map\" alt=\"[^\"]*\" src=\"data:image/png;base64,")).isEqualTo(2 * 5 * 3);
        assertThat(source).as("self-contained").doesNotContain("http://", "https://", "<link");
    }

    @Test
    void theReportNamesEachModelsSplitPeriodsAndSkippedWindows() throws IOException {
        String source = Files.readString(reportDir().resolve("index.html"));

        for (String split : List.of("train", "validation", "test")) {
            assertThat(source).containsPattern(split + " 2026-01-01T\\d\\d:\\d\\d:00Z \u2013 2026-01-01T\\d\\d:\\d\\d:00Z \\(\\d+ windows\\)");
        }
        // the buffers between the time blocks: windows whose frames would reach into the next split
        assertThat(source).containsPattern("skipped: \\d+ split boundary");
    }

    static long count(String text, String regex) {
        return java.util.regex.Pattern.compile(regex).matcher(text).results().count();
    }

    @Test
    void twoRunsSideBySideShowWhichScoresGotWorse() throws IOException {
        Path reports = work.resolve("reports");
        copy(reportDir(), reports.resolve("before"));
        copy(reportDir(), reports.resolve("after"));
        // the "after" run's ConvLSTM has an RMSE of 100 at every lead in the east
        Path json = reports.resolve("after/metrics.json");
        Files.writeString(json, Files.readString(json).replaceAll(
                "(\"region\" : \"east\",\\s+\"model\" : \"convlstm\",\\s+\"lead_minutes\" : \\d+,\\s+\"metric\" : \"rmse\",\\s+\"threshold\" : null,\\s+\"value\" : )[-0-9.Ee]+",
                "$1100.0"));

        Outcome run = gridcast("report", "--compare", "before", "after", "--out", work.toString());

        assertThat(run.status()).as(run.err()).isZero();
        Path page = reports.resolve("compare-before-vs-after/index.html");
        assertThat(run.out().strip()).isEqualTo("gridcast: comparison of before and after in " + page);
        String html = Files.readString(page);
        assertThat(count(html, "<td class=worse>\\+")).as("the three raised RMSEs").isEqualTo(3);
        assertThat(html).doesNotContain("<td class=better>");
    }

    private static void copy(Path from, Path to) throws IOException {
        Files.createDirectories(to);
        for (String name : List.of("metrics.json", "metrics.csv")) {
            Files.copy(from.resolve(name), to.resolve(name));
        }
    }

    @Test
    void statusShowsWhatOperatorsWatchAndChecksForecastsAreThereAndFresh() throws IOException {
        assertThat(demoRun.status()).as(demoRun.err()).isZero();

        Outcome json = gridcast("status", "--out", demo.toString(), "--json");
        assertThat(json.status()).as(json.err()).isZero();
        JsonNode health = new ObjectMapper().readTree(json.out());
        assertThat(health.get("jobs")).extracting(j -> j.get("job").asText()).contains("cycle");
        assertThat(health.get("jobs")).allSatisfy(j -> assertThat(j.get("lastSuccess").get("ended").asText())
                .endsWith("Z"));
        assertThat(health.get("partitions")).extracting(p -> p.get("job").asText() + " " + p.get("region").asText()
                + "/" + p.get("variant").asText()).contains("cycle west/convlstm", "cycle east/persistence");
        assertThat(health.get("data")).singleElement().satisfies(d -> {
            assertThat(d.get("variable").asText()).isEqualTo("rain_rate");
            assertThat(d.get("newestFrame").asText()).isEqualTo("2026-01-01T06:35:00Z");
        });
        assertThat(health.get("forecasts")).hasSize(8).allSatisfy(f -> assertThat(f.get("newestReferenceTime").asText())
                .isEqualTo("2026-01-01T06:35:00Z"));

        // The synthetic archive ends on 1 January 2026: fresh within ten years, stale within an hour.
        Outcome fresh = gridcast("status", "--out", demo.toString(), "--check", "--max-age", "P3650D");
        assertThat(fresh.status()).as(fresh.out() + fresh.err()).isZero();
        assertThat(fresh.out()).startsWith("gridcast: OK: 8 trained region x variant(s)");
        Outcome stale = gridcast("status", "--out", demo.toString(), "--check", "--max-age", "PT1H");
        assertThat(stale.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(stale.out()).startsWith("gridcast: CHECK FAILED: the newest forecast of east/advection is for "
                + "2026-01-01T06:35:00Z, ").containsPattern(", [0-9]+ days old \\(more than PT1H\\)")
                .contains("west/persistence");

        // Trained models without their forecasts: the east's are missing.
        for (String tree : List.of("models", "forecasts/west")) {
            try (Stream<Path> walk = Files.walk(demo.resolve(tree))) {
                for (Path p : walk.toList()) {
                    Path target = work.resolve(demo.relativize(p).toString());
                    if (Files.isDirectory(p)) {
                        Files.createDirectories(target);
                    } else {
                        Files.copy(p, target);
                    }
                }
            }
        }
        Outcome missing = gridcast("status", "--out", work.toString(), "--check", "--max-age", "P3650D");
        assertThat(missing.status()).isEqualTo(Status.UNHEALTHY);
        assertThat(missing.out()).contains("no forecast of east/advection", "no forecast of east/convlstm")
                .doesNotContain("west/");
    }

    @Test
    void statusShowsEachFailedPartitionsOwnReason() throws IOException {
        Outcome forecast = gridcast("run", "forecast", "--config", TINY.toString(), "--out", work.toString());
        assertThat(forecast.status()).isEqualTo(Gridcast.JOB_FAILED);

        Outcome status = gridcast("status", "--out", work.toString());
        assertThat(status.out()).contains("    step forecast-partition:west:convlstm FAILED: read 0, written 0, skipped 0\n"
                + "      failure: no frame catalog in " + work.resolve("catalog/rain_rate") + " (missing description.json):"
                + " run ingest first\n");
        JsonNode health = new ObjectMapper().readTree(gridcast("status", "--out", work.toString(), "--json").out());
        assertThat(health.get("partitions")).hasSize(8).allSatisfy(p -> assertThat(p.get("lastFailure")
                .get("message").asText()).contains("no frame catalog in "));
    }

    @Test
    void comparingWithAMissingRunNamesItsFolder() throws IOException {
        Outcome run = gridcast("report", "--compare", reportDir().getFileName().toString(), "nope", "--out", demo.toString());

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err().strip()).isEqualTo("gridcast: no report folder " + demo.resolve("reports/nope")
                + "; runs with a report there: [" + reportDir().getFileName() + "]");
    }

    @Test
    void ncdumpShowsTheCfAttributes() throws Exception {
        String header = tool("ncdump", "-h", aForecast().toString());

        assertThat(header).contains("forecast_reference_time:standard_name = \"forecast_reference_time\"",
                "forecast_period:standard_name = \"forecast_period\"", "rain_rate:_FillValue",
                ":Conventions = \"CF-1.8\"", ":title", ":source", ":history");
    }

    @Test
    void cdoRecognisesTheProjectedGrid() throws Exception {
        String info = tool("cdo", "sinfon", aForecast().toString());

        // With lat(y, x) and lon(y, x) cdo places every cell itself (a curvilinear grid to it), mapping kept.
        assertThat(info).contains("curvilinear", "points=256 (16x16)", "lon : 10.01393 to 10.43418 degrees_east",
                "lat : 49.86452 to 50.13467 degrees_north", "mapping : albers_conical_equal_area",
                "ForecastRefTime =  2026-01-01T06:35:00");
    }

    @Test
    void xarrayDecodesValidReferenceAndLeadTimes() throws Exception {
        tool("/usr/bin/python3", "--version");
        String script = "import xarray as xr; d = xr.open_dataset('" + aForecast() + "');"
                + "print(d.time.values[0], d.forecast_reference_time.values, d.forecast_period.values[-1])";
        assumeTrue(new ProcessBuilder("/usr/bin/python3", "-c", "import xarray, netCDF4").start().waitFor() == 0,
                "skipped: Python's xarray and netCDF4 are not installed (.ci/run installs them)");
        String printed = tool("/usr/bin/python3", "-c", script);

        assertThat(printed.strip()).isEqualTo("2026-01-01T06:40:00.000000000 2026-01-01T06:35:00.000000000 900000000000 nanoseconds");
    }

    @Test
    void anUnknownReaderOnTheCommandLineIsOneClearMessage() {
        Outcome run = gridcast("run", "ingest", "--config", TINY.toString(), "--out", work.toString(),
                "--input", work.toString(), "--reader", "no-such-reader");

        assertThat(run.status()).isEqualTo(2);
        assertThat(run.err().strip()).startsWith("gridcast: " + TINY + ": --reader: expected a reader and settings it"
                + " knows: ").contains("unknown frame reader 'no-such-reader'");
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
    void aFolderWithoutTheVariableFailsTheJobNamingIt() {
        Path archive = work.resolve("archive");
        assertThat(gridcast("synth", "--out", archive.toString(), "--frames", "3", "--size", "16").status()).isZero();

        Outcome run = gridcast("run", "ingest", "--config", TINY.toString(), "--out", work.toString(),
                "--input", archive.resolve("rain_rate").toString(), "--variable", "snow_depth");

        assertThat(run.status()).isEqualTo(1);
        assertThat(run.err()).contains("gridcast: job 'ingest' failed:", "no usable frames of variable 'snow_depth'",
                "no variable 'snow_depth'");
        assertThat(run.err()).doesNotContain("\tat ");
    }

    /** As a user sees it: a separate JVM, the real console streams, the real exit code. */
    @Test
    void aFailedJobIsOneLineOnTheConsoleNotAStackTrace() throws Exception {
        List<String> command = new java.util.ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        command.addAll(java.lang.management.ManagementFactory.getRuntimeMXBean().getInputArguments());
        command.addAll(List.of("-cp", System.getProperty("java.class.path"), Gridcast.class.getName(),
                "run", "report", "--config", TINY.toString(), "--out", work.toString()));
        Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
        String console = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);

        assertThat(p.waitFor()).as(console).isEqualTo(1);
        assertThat(console).contains("gridcast: job 'report' failed: step 'report': no frame catalog in "
                + work.resolve("catalog/rain_rate") + " (missing description.json): run ingest first");
        assertThat(console).doesNotContain("\tat ", "Exception");
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
