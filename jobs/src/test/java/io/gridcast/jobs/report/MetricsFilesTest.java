package io.gridcast.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.models.verification.MetricRow;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class MetricsFilesTest {

    static final List<MetricRow> ROWS = List.of(
            new MetricRow("west", "convlstm", 5, "rmse", null, 1.25),
            new MetricRow("west", "convlstm", 5, "fss_3", 2.0, 0.5),
            new MetricRow("west", "convlstm", 5, "csi", 10.0, Double.NaN));

    @TempDir
    Path dir;

    @Test
    void csvKeepsItsSixColumnsWithFssScaleInTheMetricName() throws IOException {
        MetricsFiles.writeCsv(dir.resolve("metrics.csv"), ROWS);

        assertThat(Files.readAllLines(dir.resolve("metrics.csv"))).containsExactly(
                "region,model,lead_minutes,metric,threshold,value",
                "west,convlstm,5,rmse,,1.25",
                "west,convlstm,5,fss_3,2.0,0.5",
                "west,convlstm,5,csi,10.0,NaN");
    }

    @Test
    void jsonHasTheSameFieldsWithNullForUndefinedAndReadsBack() throws IOException {
        MetricsFiles.writeJson(dir.resolve("metrics.json"), ROWS);

        String json = Files.readString(dir.resolve("metrics.json"));
        assertThat(json).contains("\"lead_minutes\" : 5", "\"threshold\" : null", "\"value\" : null").doesNotContain("NaN");
        List<MetricRow> back = MetricsFiles.read(dir);
        assertThat(back.subList(0, 2)).isEqualTo(ROWS.subList(0, 2));
        assertThat(back.get(2).value()).isNaN();
    }

    @Test
    void aMissingRunNamesTheFolderAndTheRunsThere() throws IOException {
        Path run = dir.resolve("20260101T000000Z");
        Files.createDirectories(run);
        MetricsFiles.writeJson(run.resolve("metrics.json"), ROWS);

        assertThatThrownBy(() -> MetricsFiles.read(dir.resolve("nope")))
                .hasMessage("no report folder " + dir.resolve("nope") + "; runs with a report there: [20260101T000000Z]");
    }

    @Test
    void aFolderWithoutMetricsJsonOrWithAnotherJsonIsNamed() throws IOException {
        Path run = Files.createDirectories(dir.resolve("half"));
        assertThatThrownBy(() -> MetricsFiles.read(run)).hasMessageStartingWith(run.resolve("metrics.json") + " not found");

        Files.writeString(run.resolve("metrics.json"), "{\"rows\": 3}");
        assertThatThrownBy(() -> MetricsFiles.read(run)).hasMessageStartingWith(run.resolve("metrics.json")
                + ": not a metrics.json of gridcast (an array of {region, model, lead_minutes, metric, threshold, value})");
    }

    @Test
    void anUnknownMetricNamesTheFileAndRow() throws IOException {
        MetricsFiles.writeJson(dir.resolve("metrics.json"), List.of(ROWS.get(0),
                new MetricRow("west", "convlstm", 5, "accuracy", null, 0.9)));

        assertThatThrownBy(() -> MetricsFiles.read(dir)).hasMessageStartingWith(dir.resolve("metrics.json")
                + ": row 2: unknown metric 'accuracy'; expected one of [mse, rmse, mae, bias, pearson, ssim, crps, csi, pod, "
                + "far, ets, hss, frequency_bias, crps_fair,")
                .hasMessageContainingAll("brier_skill_score", "fss_<scale>", "rank_histogram_<rank>",
                        "reliability_observed_<bin>", "roc_pod_p<probability>");
    }
}
