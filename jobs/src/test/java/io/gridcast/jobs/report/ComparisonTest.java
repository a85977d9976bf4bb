package io.gridcast.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.models.verification.MetricRow;
import java.util.List;
import org.junit.jupiter.api.Test;

class ComparisonTest {

    static MetricTable run(double rmse, double csi, double bias) {
        return new MetricTable(List.of(
                new MetricRow("west", "convlstm", 5, "rmse", null, rmse),
                new MetricRow("west", "convlstm", 5, "bias", null, bias),
                new MetricRow("west", "convlstm", 5, "csi", 2.0, csi)));
    }

    @Test
    void differencesAreColouredByEachScoresOrientation() {
        // B: lower RMSE (better), lower CSI (worse), bias further from 0 (worse)
        String html = Comparison.html("A", "B", run(2.0, 0.5, 0.1), run(1.5, 0.4, -0.3));

        assertThat(html).contains("<td class=better>-0.500</td>", "<td class=worse>-0.100</td>",
                "<td class=worse>-0.400</td>");
        // the summary counts 1 better and 2 worse for convlstm
        assertThat(html).contains("<td class=l>convlstm</td><td>1</td><td class=worse>2</td><td>0</td><td>0</td>");
        assertThat(html).contains("<img class=chart", "data-integrity=\"pending\"");
    }

    @Test
    void aScoreInOneRunOnlyIsMarked() {
        MetricTable b = new MetricTable(List.of(new MetricRow("west", "convlstm", 5, "rmse", null, 1.0)));

        assertThat(Comparison.html("A", "B", run(2.0, 0.5, 0.1), b)).contains("only in A");
    }
}
