package io.gridcast.models.verification;

/** One score as reported: the metrics.csv row {@code region,model,lead_minutes,metric,threshold,value}. */
public record MetricRow(String region, String model, long leadMinutes, String metric, Double threshold, double value) {
}
