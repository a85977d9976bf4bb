package io.gridcast.jobs.report;

import com.fasterxml.jackson.databind.SequenceWriter;
import com.fasterxml.jackson.dataformat.csv.CsvMapper;
import com.fasterxml.jackson.dataformat.csv.CsvSchema;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.batch.RunSettings;
import io.gridcast.models.ModelMetadata;
import io.gridcast.models.verification.MetricRow;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * A run's verification report: {@code metrics.csv} (one score a row) and a self-contained {@code index.html}
 * with a table per region and score (leads down, model variants across, the best of each lead in bold, and
 * MSE skill against persistence where a persistence variant is configured).
 */
public final class Report {

    static final String[] COLUMNS = {"region", "model", "lead_minutes", "metric", "threshold", "value"};

    private Report() {
    }

    public static Path write(Path dir, RunSettings settings, FrameCatalog.Description data, List<ModelMetadata> models,
                             List<MetricRow> rows) {
        Path staging = AtomicFiles.stagingFor(dir);
        try {
            Files.createDirectories(staging);
            writeCsv(staging.resolve("metrics.csv"), rows);
            Files.writeString(staging.resolve("index.html"), html(settings, data, models, rows), StandardCharsets.UTF_8);
            AtomicFiles.replaceDirectory(staging, dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + dir, e);
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

    static String html(RunSettings settings, FrameCatalog.Description data, List<ModelMetadata> models,
                       List<MetricRow> rows) {
        StringBuilder h = new StringBuilder();
        h.append("<!DOCTYPE html><html lang=\"en\"><head><meta charset=\"utf-8\"><title>gridcast report ")
                .append(esc(settings.run())).append("</title><style>")
                .append("body{font-family:sans-serif;margin:2em;color:#222}table{border-collapse:collapse;margin:.5em 0 1.5em}")
                .append("td,th{border:1px solid #ccc;padding:.25em .6em;text-align:right}th{background:#f0f0f0}")
                .append("td.l,th.l{text-align:left}.best{font-weight:bold;background:#e6f4ea}.worse{color:#a50e0e}")
                .append("</style></head><body>");
        h.append("<h1>gridcast verification report</h1><p>Run <b>").append(esc(settings.run())).append("</b>, written ")
                .append(Instant.now()).append(". Variable <b>").append(esc(data.variable())).append("</b> (")
                .append(esc(data.units())).append(") from <code>").append(esc(data.inputDir()))
                .append("</code>. Scores over the held-out test windows, in physical units; ")
                .append("lower is better for MSE and MAE, higher for CSI.</p>");
        Set<String> regions = new LinkedHashSet<>();
        rows.forEach(r -> regions.add(r.region()));
        for (String region : regions) {
            h.append("<h2>Region ").append(esc(region)).append("</h2>");
            models.stream().filter(m -> m.region().equals(region)).findFirst().ifPresent(m -> h.append("<p>Grid ")
                    .append(m.grid().ny()).append(" x ").append(m.grid().nx()).append(" cells; ")
                    .append(m.in()).append(" input frames, leads every ").append(m.stepSeconds() / 60).append(" min. ")
                    .append(periods(m)).append("</p>"));
            h.append(modelTable(models, region));
            Map<String, Map<Long, Map<String, Double>>> byScore = new LinkedHashMap<>();
            for (MetricRow r : rows) {
                if (r.region().equals(region)) {
                    String score = r.metric() + (r.threshold() == null ? "" : " \u2265 " + r.threshold() + " " + data.units());
                    byScore.computeIfAbsent(score, k -> new LinkedHashMap<>())
                            .computeIfAbsent(r.leadMinutes(), k -> new LinkedHashMap<>()).put(r.model(), r.value());
                }
            }
            byScore.forEach((score, leads) -> h.append(scoreTable(score, leads, score.startsWith("csi"))));
        }
        h.append("<p>Every score is also in <a href=\"metrics.csv\">metrics.csv</a>.</p></body></html>\n");
        return h.toString();
    }

    private static String periods(ModelMetadata m) {
        StringBuilder s = new StringBuilder();
        for (ModelMetadata.Period p : m.periods()) {
            s.append(p.split()).append(" ").append(p.first()).append(" \u2013 ").append(p.last()).append(" (")
                    .append(p.windows()).append(" windows); ");
        }
        return s.toString();
    }

    private static String modelTable(List<ModelMetadata> models, String region) {
        StringBuilder t = new StringBuilder("<table><tr><th class=l>model</th><th class=l>type</th><th>epochs</th>"
                + "<th>validation MSE (normalised)</th><th class=l>trained</th></tr>");
        for (ModelMetadata m : models) {
            if (m.region().equals(region)) {
                t.append("<tr><td class=l>").append(esc(m.variant())).append("</td><td class=l>")
                        .append(esc(m.spec().type())).append("</td><td>").append(m.history().size()).append("</td><td>")
                        .append(format(m.validationMse())).append("</td><td class=l>").append(m.trainedAt())
                        .append("</td></tr>");
            }
        }
        return t.append("</table>").toString();
    }

    private static String scoreTable(String score, Map<Long, Map<String, Double>> leads, boolean higherIsBetter) {
        Set<String> variants = new LinkedHashSet<>();
        leads.values().forEach(m -> variants.addAll(m.keySet()));
        boolean skill = score.equals("mse") && variants.contains("persistence");
        StringBuilder t = new StringBuilder("<h3>").append(esc(score)).append("</h3><table><tr><th>lead (min)</th>");
        variants.forEach(v -> t.append("<th>").append(esc(v)).append("</th>"));
        if (skill) {
            variants.stream().filter(v -> !v.equals("persistence"))
                    .forEach(v -> t.append("<th>").append(esc(v)).append(" skill vs persistence</th>"));
        }
        t.append("</tr>");
        leads.forEach((lead, values) -> {
            Double best = values.values().stream().filter(v -> !v.isNaN())
                    .reduce(higherIsBetter ? Double::max : Double::min).orElse(null);
            t.append("<tr><td>").append(lead).append("</td>");
            for (String v : variants) {
                Double value = values.get(v);
                boolean isBest = value != null && Objects.equals(value, best);
                t.append(isBest ? "<td class=best>" : "<td>").append(value == null ? "" : format(value)).append("</td>");
            }
            if (skill) {
                double reference = values.get("persistence");
                variants.stream().filter(v -> !v.equals("persistence")).forEach(v -> {
                    double s = 1 - values.get(v) / reference;
                    t.append(s < 0 ? "<td class=worse>" : "<td>").append(String.format("%+.1f%%", 100 * s)).append("</td>");
                });
            }
            t.append("</tr>");
        });
        return t.append("</table>").toString();
    }

    private static String format(double v) {
        return Double.isNaN(v) ? "n/a" : String.format("%.4g", v);
    }

    private static String esc(String s) {
        return s == null ? "" : s.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
    }
}
