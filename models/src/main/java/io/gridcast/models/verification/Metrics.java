package io.gridcast.models.verification;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * The metrics registry: each score's name and how it is read from accumulated {@link LeadScores} or
 * {@link Contingency} tables. Reports list exactly what is registered here.
 */
public final class Metrics {

    /** Scores of the whole field. */
    public static final Map<String, ToDoubleFunction<LeadScores>> CONTINUOUS;

    /** Scores of events at a threshold. */
    public static final Map<String, ToDoubleFunction<Contingency>> CATEGORICAL;

    static {
        Map<String, ToDoubleFunction<LeadScores>> continuous = new LinkedHashMap<>();
        continuous.put("mse", LeadScores::mse);
        continuous.put("mae", LeadScores::mae);
        CONTINUOUS = Collections.unmodifiableMap(continuous);
        Map<String, ToDoubleFunction<Contingency>> categorical = new LinkedHashMap<>();
        categorical.put("csi", Contingency::csi);
        CATEGORICAL = Collections.unmodifiableMap(categorical);
    }

    private Metrics() {
    }

    /** Every registered score of each lead, in report rows. */
    public static List<MetricRow> rows(String region, String model, List<Long> leadMinutes, List<LeadScores> leads) {
        List<MetricRow> rows = new ArrayList<>();
        for (int k = 0; k < leads.size(); k++) {
            LeadScores scores = leads.get(k);
            long lead = leadMinutes.get(k);
            CONTINUOUS.forEach((name, score) -> rows.add(new MetricRow(region, model, lead, name, null,
                    score.applyAsDouble(scores))));
            for (Contingency table : scores.contingencies()) {
                CATEGORICAL.forEach((name, score) -> rows.add(new MetricRow(region, model, lead, name,
                        table.threshold(), score.applyAsDouble(table))));
            }
        }
        return rows;
    }
}
