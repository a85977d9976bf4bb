package io.gridcast.jobs.report;

import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.gridcast.models.verification.MetricRow;
import io.gridcast.models.verification.Metrics;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;

/**
 * A run's scores for notebooks: {@code metrics.csv} and {@code metrics.json}, both with the fields
 * {@code region,model,lead_minutes,metric,threshold,value}. An undefined score is {@code NaN} in the CSV and
 * {@code null} in the JSON (JSON has no NaN); a score without a threshold has an empty or null threshold.
 */
public final class MetricsFiles {

    static final String[] COLUMNS = {"region", "model", "lead_minutes", "metric", "threshold", "value"};

    private static final ObjectMapper JSON = new ObjectMapper()
            .setPropertyNamingStrategy(PropertyNamingStrategies.SNAKE_CASE)
            .enable(SerializationFeature.INDENT_OUTPUT);

    /** One row as JSON: the CSV's fields, NaN as null. */
    record JsonRow(String region, String model, long leadMinutes, String metric, Double threshold, Double value) {
    }

    private MetricsFiles() {
    }

    /** The folders under {@code reports} that hold a metrics.json, by name. */
    static List<String> runs(Path reports) {
        try (Stream<Path> entries = Files.list(reports)) {
            return entries.filter(d -> Files.isRegularFile(d.resolve("metrics.json")))
                    .map(d -> d.getFileName().toString()).sorted().toList();
        } catch (IOException e) {
            return List.of();
        }
    }

    static void writeCsv(Path file, List<MetricRow> rows) throws IOException {
        CsvSchema.Builder schema = CsvSchema.builder().setUseHeader(true);
        for (String column : COLUMNS) {
            schema.addColumn(column);
        }
        try (SequenceWriter writer = new CsvMapper().writer(schema.build()).writeValues(file.toFile())) {
            for (MetricRow r : rows) {
                writer.write(new Object[] {r.region(), r.model(), r.leadMinutes(), r.metric(),
                        r.threshold() == null ? "" : r.threshold(), r.value()});
            }
        }
    }

    static void writeJson(Path file, List<MetricRow> rows) throws IOException {
        JSON.writeValue(file.toFile(), rows.stream().map(r -> new JsonRow(r.region(), r.model(), r.leadMinutes(),
                r.metric(), r.threshold(), Double.isNaN(r.value()) ? null : r.value())).toList());
    }

    /** The rows of {@code reports/<run>/metrics.json}; a missing or unreadable file is a clear error naming it. */
    public static List<MetricRow> read(Path runDir) {
        Path file = runDir.resolve("metrics.json");
        if (!Files.isDirectory(runDir)) {
            throw new IllegalArgumentException("no report folder " + runDir + "; runs with a report there: "
                    + runs(runDir.toAbsolutePath().getParent()));
        }
        if (!Files.isRegularFile(file)) {
            throw new IllegalArgumentException(file + " not found: " + runDir
                    + " holds no complete report (the report job writes reports/<run>/metrics.json)");
        }
        try {
            List<JsonRow> rows = JSON.readValue(file.toFile(), new TypeReference<List<JsonRow>>() { });
            for (int i = 0; i < rows.size(); i++) {
                String metric = rows.get(i).metric();
                if (metric == null || Metrics.find(metric).isEmpty()) {
                    throw new IllegalArgumentException(file + ": row " + (i + 1) + ": unknown metric '" + metric
                            + "'; expected one of " + Metrics.names());
                }
            }
            return rows.stream().map(r -> new MetricRow(r.region(), r.model(), r.leadMinutes(), r.metric(),
                    r.threshold(), r.value() == null ? Double.NaN : r.value())).toList();
        } catch (IOException e) {
            throw new IllegalArgumentException(file + ": not a metrics.json of gridcast (an array of {"
                    + String.join(", ", COLUMNS) + "}): " + e.getMessage(), e);
        }
    }
}
