package io.gridcast.jobs.cli;

import static io.gridcast.jobs.cli.CycleEndToEndTest.files;
import static io.gridcast.jobs.cli.CycleEndToEndTest.gridcast;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.jobs.cli.CycleEndToEndTest.Outcome;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import ucar.ma2.Array;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

/**
 * The cycle with ensemble variants (an advection ensemble and a perturbed ConvLSTM) on a small synthetic archive:
 * their scores in the report, their members and probabilities as CF files.
 */
class EnsembleEndToEndTest {

    static final Path CONFIG = Path.of("src/test/resources/ensemble.yml");

    @TempDir
    static Path demo;

    static Outcome run;

    @BeforeAll
    static void runTheDemo() {
        run = gridcast("demo", "--config", CONFIG.toString(), "--out", demo.toString(), "--frames", "80");
    }

    private static Path reportDir() throws IOException {
        assertThat(run.status()).as(run.err()).isZero();
        return files(demo.resolve("reports"), "metrics.json").get(0).getParent();
    }

    @Test
    void anEnsembleVariantHasItsEnsembleScoresAndOneCrpsPerLead() throws IOException {
        List<String> lines = Files.readAllLines(reportDir().resolve("metrics.csv"));
        for (int lead : new int[] {5, 10, 15}) {
            String prefix = "all,advection-ensemble," + lead + ",";
            assertThat(lines.stream().filter(l -> l.startsWith(prefix + "crps,"))).hasSize(1);
            assertThat(lines).anyMatch(l -> l.startsWith(prefix + "crps_fair,,"))
                    .anyMatch(l -> l.startsWith(prefix + "spread_skill_ratio,,"))
                    .anyMatch(l -> l.startsWith(prefix + "rank_histogram_6,,"))
                    .noneMatch(l -> l.startsWith(prefix + "rank_histogram_7,"))
                    .anyMatch(l -> l.startsWith(prefix + "rank_effective_cells,,"))
                    .anyMatch(l -> l.startsWith(prefix + "rank_flatness_p,,"))
                    .anyMatch(l -> l.startsWith(prefix + "brier,2.0,"))
                    .anyMatch(l -> l.startsWith(prefix + "reliability_observed_9,0.5,"))
                    .anyMatch(l -> l.startsWith(prefix + "roc_area,0.5,"))
                    // the ensemble mean's deterministic scores stand beside them
                    .anyMatch(l -> l.startsWith(prefix + "mse,,"))
                    .anyMatch(l -> l.startsWith(prefix + "csi,0.5,"));
            assertThat(lines).anyMatch(l -> l.startsWith("all,convlstm," + lead + ",rank_histogram_3,,"));
            // a deterministic variant has no ensemble scores, and its CRPS is its MAE
            assertThat(lines).noneMatch(l -> l.startsWith("all,persistence," + lead + ",brier,"));
            String mae = lines.stream().filter(l -> l.startsWith("all,persistence," + lead + ",mae,,")).findFirst()
                    .orElseThrow();
            assertThat(lines).contains(mae.replace(",mae,", ",crps,"));
        }
        // the ensemble's CRPS is its members', not its mean's MAE
        String ensembleMae = lines.stream().filter(l -> l.startsWith("all,advection-ensemble,15,mae,,")).findFirst()
                .orElseThrow();
        assertThat(lines).doesNotContain(ensembleMae.replace(",mae,", ",crps,"));
    }

    @Test
    void theReportDrawsTheEnsemblesDiagramsAndLeadsWithTheirScores() throws IOException {
        String html = Files.readString(reportDir().resolve("index.html"));
        assertThat(html).contains("Ensemble diagrams", "alt=\"Rank histogram, +5 min\"", "alt=\"Rank histogram, +15 min\"",
                "alt=\"Reliability \u2265 2 mm h-1, +15 min\"", "alt=\"ROC \u2265 0.5 mm h-1, +5 min\"",
                "<th>CRPS</th>", "<th>BRIER \u2265 0.5 mm h-1</th>", "<th>ROC AREA \u2265 2 mm h-1</th>");
        // a diagram's points are not charted against lead time
        assertThat(html).doesNotContain("alt=\"RANK HISTOGRAM 0 against lead time", "alt=\"ROC POD P");
    }

    @Test
    void anEnsembleForecastHasItsMembersAndItsProbabilitiesBeside() throws IOException {
        assertThat(run.status()).as(run.err()).isZero();
        Path dir = demo.resolve("forecasts/all/advection-ensemble");
        List<Path> written = files(dir, ".nc");
        assertThat(written).hasSize(2);
        Path members = written.stream().filter(p -> !p.toString().endsWith("_probability.nc")).findFirst().orElseThrow();
        Path probability = Path.of(members.toString().replace(".nc", "_probability.nc"));
        try (NetcdfFile nc = NetcdfFile.open(members.toString())) {
            Variable rain = nc.findVariable("rain_rate");
            assertThat(rain.getDimensionsString()).isEqualTo("time realization y x");
            assertThat(rain.getShape()).containsExactly(3, 6, 16, 16);
            Array values = rain.read();
            float[][] memberSums = new float[6][1];
            for (int i = 0; i < values.getSize(); i++) {
                memberSums[(int) (i / 256 % 6)][0] += values.getFloat(i);
            }
            assertThat(memberSums[0][0]).as("members differ").isNotEqualTo(memberSums[1][0]);
        }
        try (NetcdfFile nc = NetcdfFile.open(probability.toString())) {
            Variable p = nc.findVariable("probability_of_rainfall_rate_above_threshold");
            assertThat(p.getShape()).containsExactly(3, 2, 16, 16);
            Array values = p.read();
            boolean between = false;
            for (int i = 0; i < values.getSize(); i++) {
                float v = values.getFloat(i);
                assertThat(v).isBetween(0f, 1f);
                // sixths: the share of six members
                assertThat(v * 6).isCloseTo(Math.round(v * 6), org.assertj.core.api.Assertions.within(1e-4f));
                between |= v > 0 && v < 1;
            }
            assertThat(between).as("some cells uncertain").isTrue();
        }
        assertThat(files(demo.resolve("forecasts/all/convlstm"), ".nc")).hasSize(2);
        assertThat(files(demo.resolve("forecasts/all/persistence"), ".nc")).hasSize(1);
    }

    @Test
    void probabilitiesLostBetweenTheTwoFilesAreWrittenAgainByTheNextForecast(@TempDir Path conf) throws IOException {
        assertThat(run.status()).as(run.err()).isZero();
        Path dir = demo.resolve("forecasts/all/advection-ensemble");
        Path probability = files(dir, "_probability.nc").get(0);
        // A crash after the members file and before the probabilities: the slot's forecast is not complete.
        Files.delete(probability);
        // The synthetic archive is in 2026's first hours: no stale-data refusal for this forecast.
        Path config = Files.writeString(conf.resolve("ensemble.yml"),
                Files.readString(CONFIG) + "\nforecast:\n  max_data_age: \"off\"\n");

        Outcome forecast = gridcast("run", "forecast", "--config", config.toString(), "--out", demo.toString());

        assertThat(forecast.status()).as(forecast.err()).isZero();
        assertThat(probability).isRegularFile();
        assertThat(files(dir, ".nc")).hasSize(2);
    }
}
