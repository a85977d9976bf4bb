package io.gridcast.models.verification;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.models.verification.Metrics.Orientation;
import java.util.List;
import org.junit.jupiter.api.Test;

class MetricsTest {

    @Test
    void everyLeadGetsEveryRegisteredScoreWithFssScalesInTheName() {
        LeadScores scores = new LeadScores(List.of(1.0, 5.0), List.of(1, 3), 3, 3);
        scores.add(FssTest.FORECAST, FssTest.OBSERVED);

        List<MetricRow> rows = Metrics.rows("west", "persistence", List.of(5L), List.of(scores));

        // 6 continuous + 2 thresholds x (6 categorical + 2 FSS scales)
        assertThat(rows).hasSize(6 + 2 * (6 + 2));
        assertThat(rows).filteredOn(r -> r.metric().equals("fss_3") && r.threshold() == 1.0)
                .singleElement().extracting(MetricRow::value).isEqualTo(FssTest.fss(FssTest.FORECAST, FssTest.OBSERVED, 3));
        assertThat(rows).filteredOn(r -> r.metric().equals("ssim")).singleElement()
                .extracting(MetricRow::threshold).isNull();
    }

    @Test
    void everyScoreNameIsFoundWithItsOrientation() {
        assertThat(Metrics.find("rmse")).get().extracting(Metrics.Metric::orientation).isEqualTo(Orientation.LOWER);
        assertThat(Metrics.find("fss_5")).get().extracting(Metrics.Metric::orientation).isEqualTo(Orientation.HIGHER);
        assertThat(Metrics.find("frequency_bias")).get().extracting(Metrics.Metric::orientation).isEqualTo(Orientation.ONE);
        assertThat(Metrics.find("fss_0")).isEmpty();
        assertThat(Metrics.find("accuracy")).isEmpty();
    }

    @Test
    void betterFollowsTheOrientation() {
        assertThat(Orientation.LOWER.compare(1, 2)).isPositive();
        assertThat(Orientation.HIGHER.compare(1, 2)).isNegative();
        assertThat(Orientation.ZERO.compare(-0.5, 1)).isPositive();
        assertThat(Orientation.ONE.compare(0.9, 1.2)).isPositive();
        assertThat(Orientation.HIGHER.compare(Double.NaN, 0)).as("a missing score is worst").isNegative();
    }

    @Test
    void skillAgainstAReference() {
        assertThat(Orientation.LOWER.skill(2, 8)).contains(0.75); // 1 - MSE / MSE_ref
        assertThat(Orientation.HIGHER.skill(0.6, 0.2)).get().matches(s -> Math.abs(s - 0.5) < 1e-12); // (0.6 - 0.2) / (1 - 0.2)
        assertThat(Orientation.HIGHER.skill(0.6, 1.0)).get().matches(s -> s.isNaN());
        assertThat(Orientation.ZERO.skill(0.1, 0.3)).isEmpty();
    }
}
