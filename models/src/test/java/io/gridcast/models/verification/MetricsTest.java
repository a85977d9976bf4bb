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

        // 7 continuous + 2 thresholds x (6 categorical + 2 FSS scales)
        assertThat(rows).hasSize(7 + 2 * (6 + 2));
        assertThat(rows).filteredOn(r -> r.metric().equals("fss_3") && r.threshold() == 1.0)
                .singleElement().extracting(MetricRow::value).isEqualTo(FssTest.fss(FssTest.FORECAST, FssTest.OBSERVED, 3));
        assertThat(rows).filteredOn(r -> r.metric().equals("ssim")).singleElement()
                .extracting(MetricRow::threshold).isNull();
    }

    @Test
    void aDeterministicForecastsCrpsIsItsMae() {
        LeadScores scores = LeadScoresTest.strip(2);
        scores.add(new float[] {1f, 4f}, new float[] {2f, 1f});

        List<MetricRow> rows = Metrics.rows("west", "advection", List.of(10L), List.of(scores));

        assertThat(rows).filteredOn(r -> r.metric().equals("crps")).singleElement()
                .extracting(MetricRow::value).isEqualTo(2.0); // (1 + 3) / 2
    }

    @Test
    void everyLeadOfAnEnsembleGetsItsScoresAndDiagramsAsRows() {
        EnsembleScores scores = EnsembleScoresTest.strip(4, 3, 1.0);
        scores.add(EnsembleScoresTest.byCell(new float[] {0, 0, 0, 0}, new float[] {1, 3, 0, 0}, new float[] {1, 1, 1, 1}),
                new float[] {0f, 2f, 0f});

        List<MetricRow> rows = Metrics.ensembleRows("west", "convlstm-ensemble", List.of(5L), List.of(scores));

        // 8 ensemble scores + 5 ranks; at 1.0: 6 probabilistic + 3 x 10 reliability bins + 2 x 3 ROC points
        assertThat(rows).hasSize(8 + 5 + 6 + 30 + 6);
        assertThat(rows).filteredOn(r -> r.threshold() == null).extracting(MetricRow::metric).containsExactly(
                "crps", "crps_fair", "ensemble_spread", "ensemble_mean_rmse", "spread_skill_ratio",
                "rank_histogram_cells", "rank_effective_cells", "rank_flatness_p",
                "rank_histogram_0", "rank_histogram_1", "rank_histogram_2", "rank_histogram_3", "rank_histogram_4");
        // probabilities 0, 0.5 and 1; the event observed only where 0.5 was forecast
        assertThat(rows).filteredOn(r -> r.metric().startsWith("roc_p")).extracting(MetricRow::metric).containsExactly(
                "roc_pod_p1", "roc_pofd_p1", "roc_pod_p0.5", "roc_pofd_p0.5", "roc_pod_p0", "roc_pofd_p0");
        assertThat(rows).filteredOn(r -> r.metric().equals("roc_pod_p0.5")).singleElement()
                .extracting(MetricRow::value).isEqualTo(1.0);
        assertThat(rows).filteredOn(r -> r.metric().equals("reliability_cells_5")).singleElement()
                .extracting(MetricRow::value).isEqualTo(1.0);
        assertThat(rows).filteredOn(r -> r.metric().equals("reliability_observed_3")).singleElement()
                .extracting(MetricRow::value).matches(v -> v.isNaN(), "an empty bin");
        for (MetricRow row : rows) {
            Metrics.Metric<?> metric = Metrics.find(row.metric()).orElseThrow();
            if (row.threshold() != null) {
                @SuppressWarnings("unchecked")
                Metrics.Metric<ProbabilityScores> m = (Metrics.Metric<ProbabilityScores>) metric;
                double found = m.score().applyAsDouble(scores.probabilities().get(0));
                assertThat(Double.compare(found, row.value())).as(row.metric() + ": " + found).isZero(); // NaN too
            }
        }
    }

    @Test
    void everyScoreNameIsFoundWithItsOrientation() {
        assertThat(Metrics.find("rmse")).get().extracting(Metrics.Metric::orientation).isEqualTo(Orientation.LOWER);
        assertThat(Metrics.find("fss_5")).get().extracting(Metrics.Metric::orientation).isEqualTo(Orientation.HIGHER);
        assertThat(Metrics.find("frequency_bias")).get().extracting(Metrics.Metric::orientation).isEqualTo(Orientation.ONE);
        assertThat(Metrics.find("fss_0")).isEmpty();
        assertThat(Metrics.find("accuracy")).isEmpty();
        assertThat(Metrics.find("crps")).get().extracting(Metrics.Metric::orientation).isEqualTo(Orientation.LOWER);
        assertThat(Metrics.find("brier_skill_score")).get().extracting(Metrics.Metric::orientation)
                .isEqualTo(Orientation.HIGHER);
        assertThat(Metrics.find("spread_skill_ratio")).get().extracting(Metrics.Metric::orientation)
                .isEqualTo(Orientation.ONE);
        for (String point : List.of("rank_histogram_0", "rank_histogram_12", "reliability_observed_9",
                "reliability_forecast_0", "reliability_cells_4", "roc_pod_p0.25", "roc_pofd_p1", "roc_pod_p0.3333")) {
            assertThat(Metrics.find(point)).as(point).get().extracting(Metrics.Metric::orientation)
                    .isEqualTo(Orientation.NONE);
        }
        for (String unknown : List.of("rank_histogram_01", "reliability_observed_10", "roc_pod_p0.50", "roc_pod_0.5",
                "roc_pod_p1.5")) {
            assertThat(Metrics.find(unknown)).as(unknown).isEmpty();
        }
        assertThat(Metrics.find("reliability_observed_3")).get().extracting(Metrics.Metric::label).isEqualTo(
                "reliability diagram: observed frequency of the cells forecast with probabilities 0.3 to below 0.4");
    }

    @Test
    void betterFollowsTheOrientation() {
        assertThat(Orientation.LOWER.compare(1, 2)).isPositive();
        assertThat(Orientation.HIGHER.compare(1, 2)).isNegative();
        assertThat(Orientation.ZERO.compare(-0.5, 1)).isPositive();
        assertThat(Orientation.ONE.compare(0.9, 1.2)).isPositive();
        assertThat(Orientation.HIGHER.compare(Double.NaN, 0)).as("a missing score is worst").isNegative();
        assertThat(Orientation.NONE.compare(0.2, 0.7)).as("a diagram's point").isZero();
    }

    @Test
    void skillAgainstAReference() {
        assertThat(Orientation.LOWER.skill(2, 8)).contains(0.75); // 1 - MSE / MSE_ref
        assertThat(Orientation.HIGHER.skill(0.6, 0.2)).get().matches(s -> Math.abs(s - 0.5) < 1e-12); // (0.6 - 0.2) / (1 - 0.2)
        assertThat(Orientation.HIGHER.skill(0.6, 1.0)).get().matches(s -> s.isNaN());
        assertThat(Orientation.ZERO.skill(0.1, 0.3)).isEmpty();
        assertThat(Orientation.NONE.skill(0.1, 0.3)).isEmpty();
    }
}
