package io.gridcast.jobs.report;

import static io.gridcast.jobs.report.Html.esc;
import static io.gridcast.jobs.report.Html.format;

import io.gridcast.ingest.AtomicFiles;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.jobs.batch.RunSettings;
import io.gridcast.jobs.report.MetricTable.Score;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.verification.MetricRow;
import io.gridcast.models.verification.Metrics.Orientation;
import io.gridcast.models.verification.Metrics;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * A run's verification report in {@code reports/<run>/}: {@code metrics.csv} and {@code metrics.json} (one score
 * a row) and {@code index.html}, one self-contained page (images embedded, no scripts or fonts fetched): a
 * summary of the best model per region and lead with its skill against persistence, charts of every score
 * against lead time with one line per model, maps of the wettest test cases, every score as a table, and the
 * definitions.
 */
public final class Report {

    /** Leads drawn in a map case at most, spread from the first to the last. */
    static final int MAP_LEADS = 4;

    private Report() {
    }

    /** @param split the block verified: {@code test}, or {@code validation} while settings are chosen */
    public static Path write(Path dir, RunSettings settings, String split, FrameCatalog.Description data,
                             List<ModelMetadata> models, List<MetricRow> rows, List<MapCase> cases) {
        Path staging = AtomicFiles.stagingFor(dir);
        try {
            Files.createDirectories(staging);
            MetricsFiles.writeCsv(staging.resolve("metrics.csv"), rows);
            MetricsFiles.writeJson(staging.resolve("metrics.json"), rows);
            Files.writeString(staging.resolve("index.html"), html(settings, split, data, models, rows, cases),
                    StandardCharsets.UTF_8);
            AtomicFiles.replaceDirectory(staging, dir);
            return dir;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write report " + dir, e);
        }
    }

    static String html(RunSettings settings, String split, FrameCatalog.Description data, List<ModelMetadata> models,
                       List<MetricRow> rows, List<MapCase> cases) {
        MetricTable table = new MetricTable(rows);
        String units = data.units();
        StringBuilder h = new StringBuilder(Html.head("gridcast report " + settings.run()));
        h.append("<h1>gridcast verification report</h1><p class=meta>Run <b>").append(esc(settings.run()))
                .append("</b>, written ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS)).append(". Variable <b>")
                .append(esc(data.variable())).append("</b> (").append(esc(units)).append(") from <code>")
                .append(esc(data.inputDir())).append("</code>. Scores over every held-out ").append(esc(split))
                .append(" window, in physical units. ")
                .append("Every score is also in <a href=\"metrics.csv\">metrics.csv</a> and <a href=\"metrics.json\">metrics.json</a>.</p>");
        h.append(Html.INTEGRITY_CHECK);
        h.append("<p>Regions: ");
        table.regions().forEach(r -> h.append("<a href=\"#region-").append(esc(r)).append("\">").append(esc(r)).append("</a> "));
        h.append("· <a href=\"#definitions\">definitions</a></p>");
        h.append(summary(table, units));
        for (String region : table.regions()) {
            h.append("<h2 id=\"region-").append(esc(region)).append("\">Region ").append(esc(region)).append("</h2>");
            h.append(modelTable(models, region));
            h.append(charts(table, region, units));
            cases.stream().filter(c -> c.region().equals(region)).forEach(c -> h.append(maps(c, split, units)));
            h.append("<details><summary>Every score of region ").append(esc(region)).append(" as a table</summary>");
            table.scores(region).forEach(score -> h.append(scoreTable(table, region, score, units)));
            h.append("</details>");
        }
        h.append(definitions(split));
        h.append("</body></html>\n");
        return h.toString();
    }

    /**
     * The scores the summary and a comparison lead with: RMSE and CRPS (every variant has one), then at every
     * threshold CSI, the widest FSS and, when a variant is an ensemble, the Brier score and the ROC area.
     */
    static List<Score> headline(MetricTable table, String region) {
        List<Score> headline = new ArrayList<>();
        headline.add(new Score("rmse", null));
        headline.add(new Score("crps", null));
        Optional<String> widestFss = table.scores(region).stream().map(Score::metric).filter(m -> m.startsWith(Metrics.FSS))
                .max((a, b) -> Integer.compare(scale(a), scale(b)));
        for (double t : table.thresholds(region)) {
            headline.add(new Score("csi", t));
            widestFss.ifPresent(m -> headline.add(new Score(m, t)));
            headline.add(new Score("brier", t));
            headline.add(new Score("roc_area", t));
        }
        return headline.stream().filter(table.scores(region)::contains).toList();
    }

    private static int scale(String fss) {
        return Integer.parseInt(fss.substring(Metrics.FSS.length()));
    }

    static String title(Score score, String units) {
        String name = score.metric().startsWith(Metrics.FSS)
                ? "FSS " + scale(score.metric()) + "\u00d7" + scale(score.metric()) + " cells"
                : score.metric().toUpperCase().replace('_', ' ');
        return name + (score.threshold() == null ? "" : " \u2265 " + Html.compact(score.threshold()) + " " + units);
    }

    static Orientation orientation(String metric) {
        return Metrics.find(metric).map(Metrics.Metric::orientation)
                .orElseThrow(() -> new IllegalArgumentException("unknown metric '" + metric + "'"));
    }

    private static String summary(MetricTable table, String units) {
        StringBuilder t = new StringBuilder("<h2>Summary: the best model per region and lead</h2><p>For each headline "
                + "score, the best model and its value; in brackets its skill against persistence, "
                + "(score &minus; persistence) / (perfect &minus; persistence): positive is better than persistence, "
                + "negative (red) worse.</p>");
        for (String region : table.regions()) {
            List<Score> headline = headline(table, region);
            t.append("<table><tr><th class=l>").append(esc(region)).append("</th>");
            headline.forEach(s -> t.append("<th>").append(esc(title(s, units))).append("</th>"));
            t.append("</tr>");
            for (long lead : table.leads(region)) {
                t.append("<tr><td class=l>+").append(lead).append(" min</td>");
                for (Score s : headline) {
                    t.append("<td>").append(best(table, region, lead, s)).append("</td>");
                }
                t.append("</tr>");
            }
            t.append("</table>");
        }
        return t.toString();
    }

    /** The best model's name and value, with its skill against persistence; tied models are all named. */
    private static String best(MetricTable table, String region, long lead, Score score) {
        Orientation orientation = orientation(score.metric());
        List<String> best = new ArrayList<>();
        for (String model : table.models(region)) {
            Double v = table.value(region, model, lead, score);
            if (v == null || v.isNaN()) {
                continue;
            }
            int c = best.isEmpty() ? 1 : orientation.compare(v, table.value(region, best.get(0), lead, score));
            if (c > 0) {
                best.clear();
            }
            if (c >= 0) {
                best.add(model);
            }
        }
        if (best.isEmpty()) {
            return "<span class=muted>n/a</span>";
        }
        double value = table.value(region, best.get(0), lead, score);
        StringBuilder cell = new StringBuilder(best.size() > 1 ? "<span class=muted>tie:</span> " : "")
                .append("<b>").append(esc(String.join(", ", best))).append("</b> ").append(format(value));
        Double reference = table.value(region, "persistence", lead, score);
        if (!best.contains("persistence") && reference != null) {
            orientation.skill(value, reference).filter(s -> !s.isNaN() && !s.isInfinite()).ifPresent(s -> cell
                    .append(s < 0 ? " <span class=neg>(" : " (").append(String.format("%+.0f%%", 100 * s))
                    .append(s < 0 ? ")</span>" : ")"));
        }
        return cell.toString();
    }

    private static String charts(MetricTable table, String region, String units) {
        StringBuilder h = new StringBuilder("<h3>Scores against lead time</h3><p class=meta>One line per model; "
                + "persistence dashed grey.</p><div class=charts>");
        List<Score> scores = table.scores(region).stream().filter(s -> !Metrics.isDiagramPoint(s.metric())).toList();
        scores.stream().filter(s -> s.threshold() == null).forEach(s -> h.append(chart(table, region, s, units)));
        h.append("</div>");
        for (double t : table.thresholds(region)) {
            h.append("<h4>Events \u2265 ").append(Html.compact(t)).append(" ").append(esc(units)).append("</h4><div class=charts>");
            scores.stream().filter(s -> Objects.equals(s.threshold(), t)).forEach(s -> h.append(chart(table, region, s, units)));
            h.append("</div>");
        }
        h.append(diagrams(table, region, units));
        return h.toString();
    }

    /**
     * The ensembles' diagrams at the shortest and the longest lead, one line per ensemble variant: the rank
     * histogram, and per threshold the reliability diagram and the ROC curve, each beside the diagonal of a perfect
     * (reliability) or a skill-less (ROC) forecast. Empty when no variant is an ensemble.
     */
    private static String diagrams(MetricTable table, String region, String units) {
        List<Long> leads = table.leads(region);
        List<String> ensembles = table.models(region).stream().filter(m -> table.value(region, m, leads.get(0),
                new Score(Metrics.RANK_HISTOGRAM + 0, null)) != null).toList();
        if (ensembles.isEmpty()) {
            return "";
        }
        StringBuilder h = new StringBuilder("<h3>Ensemble diagrams</h3><p class=meta>One line per ensemble variant. "
                + "A reliable ensemble's rank histogram is flat at 1 / (members + 1); its reliability diagram follows "
                + "the diagonal; a ROC curve above the diagonal discriminates events from non-events.</p>");
        List<String> all = table.models(region);
        for (long lead : new java.util.TreeSet<>(List.of(leads.get(0), leads.get(leads.size() - 1)))) {
            h.append("<h4>+").append(lead).append(" min</h4><div class=charts>");
            List<Charts.Line> ranks = new ArrayList<>();
            for (String model : ensembles) {
                List<double[]> points = new ArrayList<>();
                for (int r = 0; table.value(region, model, lead, new Score(Metrics.RANK_HISTOGRAM + r, null)) != null; r++) {
                    points.add(new double[] {r, table.value(region, model, lead, new Score(Metrics.RANK_HISTOGRAM + r, null))});
                }
                ranks.add(line(model, all.indexOf(model), points));
            }
            h.append(diagram("Rank histogram, +" + lead + " min", "members below the observation",
                    "fraction of cells", ranks));
            for (double t : table.thresholds(region)) {
                String event = " \u2265 " + Html.compact(t) + " " + units + ", +" + lead + " min";
                List<Charts.Line> reliability = new ArrayList<>(List.of(diagonal("perfect reliability")));
                List<Charts.Line> roc = new ArrayList<>(List.of(diagonal("no skill")));
                for (String model : ensembles) {
                    List<double[]> bins = new ArrayList<>();
                    for (int k = 0; k < 10; k++) {
                        Double p = table.value(region, model, lead, new Score("reliability_forecast_" + k, t));
                        Double o = table.value(region, model, lead, new Score("reliability_observed_" + k, t));
                        if (p != null && o != null && !p.isNaN() && !o.isNaN()) {
                            bins.add(new double[] {p, o});
                        }
                    }
                    reliability.add(line(model, all.indexOf(model), bins));
                    List<double[]> curve = new ArrayList<>(List.of(new double[] {0, 0}, new double[] {1, 1}));
                    for (Score s : table.scores(region)) {
                        if (Objects.equals(s.threshold(), t) && s.metric().startsWith("roc_pod_p")) {
                            Double pod = table.value(region, model, lead, s);
                            Double pofd = table.value(region, model, lead,
                                    new Score(s.metric().replace("roc_pod_p", "roc_pofd_p"), t));
                            if (pod != null && pofd != null && !pod.isNaN() && !pofd.isNaN()) {
                                curve.add(new double[] {pofd, pod});
                            }
                        }
                    }
                    curve.sort(java.util.Comparator.<double[]>comparingDouble(p -> p[0]).thenComparingDouble(p -> p[1]));
                    roc.add(line(model, all.indexOf(model), curve));
                }
                h.append(diagram("Reliability" + event, "forecast probability", "observed frequency", reliability));
                h.append(diagram("ROC" + event, "probability of false detection", "probability of detection", roc));
            }
            h.append("</div>");
        }
        return h.toString();
    }

    private static Charts.Line line(String model, int index, List<double[]> points) {
        return new Charts.Line(model, Charts.colour(model, index), false,
                points.stream().mapToDouble(p -> p[0]).toArray(), points.stream().mapToDouble(p -> p[1]).toArray());
    }

    private static Charts.Line diagonal(String name) {
        return new Charts.Line(name, Charts.PERSISTENCE, true, new double[] {0, 1}, new double[] {0, 1});
    }

    private static String diagram(String title, String xTitle, String yTitle, List<Charts.Line> lines) {
        byte[] png = Charts.png(title, xTitle, yTitle, lines);
        if (png.length == 0) {
            return "<p class=muted style=\"width:" + Charts.WIDTH + "px\">" + esc(title) + ": no points.</p>";
        }
        return "<img class=chart alt=\"" + esc(title) + "\" width=" + Charts.WIDTH + " height=" + Charts.HEIGHT
                + " src=\"" + Html.png(png) + "\">";
    }

    private static String chart(MetricTable table, String region, Score score, String units) {
        List<String> models = table.models(region);
        double[] leads = table.leads(region).stream().mapToDouble(Long::doubleValue).toArray();
        List<Charts.Line> lines = IntStream.range(0, models.size()).mapToObj(i -> new Charts.Line(models.get(i),
                Charts.colour(models.get(i), i), models.get(i).equals("persistence"), leads,
                table.series(region, models.get(i), score))).toList();
        String title = title(score, units);
        byte[] png = Charts.png(title, yTitle(score.metric(), units), lines);
        if (png.length == 0) {
            return "<p class=muted style=\"width:" + Charts.WIDTH + "px\">" + esc(title)
                    + ": undefined at every lead (no events observed or forecast).</p>";
        }
        return "<img class=chart alt=\"" + esc(title + " against lead time, region " + region) + "\" width="
                + Charts.WIDTH + " height=" + Charts.HEIGHT + " src=\"" + Html.png(png) + "\">";
    }

    private static String yTitle(String metric, String units) {
        return switch (metric) {
            case "mse" -> "(" + units + ")\u00b2";
            case "rmse", "mae", "bias" -> units;
            default -> metric;
        };
    }

    private static String maps(MapCase c, String split, String units) {
        int n = c.leadMinutes().size();
        List<Integer> shown = n <= MAP_LEADS ? IntStream.range(0, n).boxed().toList()
                : IntStream.range(0, MAP_LEADS).mapToObj(i -> i * (n - 1) / (MAP_LEADS - 1)).toList();
        double max = 0;
        for (int k : shown) {
            max = Math.max(max, max(c.observed().get(k)));
            for (List<float[]> forecast : c.forecasts().values()) {
                max = Math.max(max, max(forecast.get(k)));
            }
        }
        double scaleMax = FieldMaps.niceMax(max);
        StringBuilder h = new StringBuilder("<h3>Maps: ").append(esc(split)).append(" case from ").append(c.reference())
                .append("</h3><p class=meta>Observed frames and each model's forecast made at ").append(c.reference())
                .append(", north up, one colour scale; grey cells are missing.</p><table class=maps><tr><th></th>");
        shown.forEach(k -> h.append("<th>+").append(c.leadMinutes().get(k)).append(" min</th>"));
        h.append("</tr>").append(mapRow("observed", c, c.observed(), shown, scaleMax));
        c.forecasts().forEach((model, fields) -> h.append(mapRow(model, c, fields, shown, scaleMax)));
        h.append("</table><div class=colourbar><img class=legend alt=\"colour scale\" width=300 height=14 src=\"")
                .append(Html.png(FieldMaps.colourBar(scaleMax, 300, 14))).append("\"><div class=ticks>");
        for (int i = 0; i <= 4; i++) {
            h.append("<span>").append(Html.compact(scaleMax * i / 4)).append("</span>");
        }
        return h.append("</div><div>").append(esc(units))
                .append(" (below 1% of the top near-white)</div></div>").toString();
    }

    private static String mapRow(String name, MapCase c, List<float[]> fields, List<Integer> shown, double max) {
        StringBuilder row = new StringBuilder("<tr><th class=l>").append(esc(name)).append("</th>");
        for (int k : shown) {
            row.append("<td><img class=map alt=\"").append(esc(name + " +" + c.leadMinutes().get(k) + " min"))
                    .append("\" src=\"").append(Html.png(FieldMaps.png(fields.get(k), c.height(), c.width(), max, c.flipRows())))
                    .append("\"></td>");
        }
        return row.append("</tr>").toString();
    }

    private static double max(float[] field) {
        double max = 0;
        for (float v : field) {
            if (v > max) {
                max = v;
            }
        }
        return max;
    }

    private static String modelTable(List<ModelMetadata> models, String region) {
        StringBuilder t = new StringBuilder("<table><tr><th class=l>model</th><th class=l>type</th><th>epochs</th>"
                + "<th>validation MSE (normalised)</th><th class=l>trained</th><th class=l>periods and skipped windows</th></tr>");
        for (ModelMetadata m : models) {
            if (m.region().equals(region)) {
                t.append("<tr><td class=l>").append(esc(m.variant())).append("</td><td class=l>")
                        .append(esc(m.spec().type())).append("</td><td>").append(m.history().size()).append("</td><td>")
                        .append(format(m.validationMse())).append("</td><td class=l>").append(m.trainedAt())
                        .append("</td><td class=l>").append(periods(m)).append("</td></tr>");
            }
        }
        return t.append("</table>").toString();
    }

    private static String periods(ModelMetadata m) {
        StringBuilder s = new StringBuilder();
        for (ModelMetadata.Period p : m.periods()) {
            if (p.first() == null) {
                s.append(p.split()).append(": none<br>");
            } else {
                s.append(p.split()).append(" ").append(p.first()).append(" \u2013 ").append(p.last()).append(" (")
                        .append(p.windows()).append(" windows)<br>");
            }
        }
        // Metadata written before the choice was kept has none.
        if (m.splitChoice() != null) {
            s.append("chosen by: ").append(esc(m.splitChoice())).append("<br>");
        }
        // Metadata written before skip counts were kept has none.
        if (m.skippedWindows() != null) {
            s.append("skipped: ").append(m.skippedWindows().isEmpty() ? "none" : esc(m.skippedWindows().entrySet()
                    .stream().map(e -> e.getValue() + " " + e.getKey().replace('_', ' ')).collect(Collectors.joining(", "))));
        }
        return s.toString();
    }

    /** Leads down, models across, the best of each lead highlighted; MSE also as skill against persistence. */
    private static String scoreTable(MetricTable table, String region, Score score, String units) {
        List<String> models = table.models(region);
        Orientation orientation = orientation(score.metric());
        boolean skill = score.metric().equals("mse") && models.contains("persistence");
        StringBuilder t = new StringBuilder("<h4>").append(esc(title(score, units))).append("</h4><table><tr><th>lead (min)</th>");
        models.forEach(m -> t.append("<th>").append(esc(m)).append("</th>"));
        if (skill) {
            models.stream().filter(m -> !m.equals("persistence"))
                    .forEach(m -> t.append("<th>").append(esc(m)).append(" skill vs persistence</th>"));
        }
        t.append("</tr>");
        for (long lead : table.leads(region)) {
            double best = models.stream().map(m -> table.value(region, m, lead, score)).filter(Objects::nonNull)
                    .reduce((a, b) -> orientation.compare(a, b) >= 0 ? a : b).orElse(Double.NaN);
            t.append("<tr><td>").append(lead).append("</td>");
            for (String m : models) {
                Double v = table.value(region, m, lead, score);
                boolean isBest = v != null && !v.isNaN() && v == best;
                t.append(isBest ? "<td class=best>" : "<td>").append(v == null ? "" : format(v)).append("</td>");
            }
            if (skill) {
                double reference = table.value(region, "persistence", lead, score);
                models.stream().filter(m -> !m.equals("persistence")).forEach(m -> {
                    double s = 1 - table.value(region, m, lead, score) / reference;
                    t.append(s < 0 ? "<td class=neg>" : "<td>").append(String.format("%+.1f%%", 100 * s)).append("</td>");
                });
            }
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }

    private static String definitions(String split) {
        StringBuilder d = new StringBuilder("<h2 id=\"definitions\">Definitions</h2><p>Forecast f, observation o, over every "
                + "cell of every " + esc(split) + " case; cells missing in either are left out. Scores over many cases are "
                + "computed from sums accumulated over all cases (exact), not averaged per case, except SSIM.</p><dl>");
        Metrics.CONTINUOUS.forEach(m -> d.append("<dt>").append(m.name()).append("</dt><dd>").append(esc(m.label()))
                .append(", ").append(better(m.orientation())).append("</dd>"));
        Metrics.CATEGORICAL.forEach(m -> d.append("<dt>").append(m.name()).append("</dt><dd>").append(esc(m.label()))
                .append(" of events (value \u2265 threshold) from the contingency table summed over all cases, ")
                .append(better(m.orientation())).append("; n/a when undefined, e.g. with no events</dd>"));
        return d.append("<dt>fss_<i>s</i></dt><dd>fractions skill score of events in boxes of <i>s</i> x <i>s</i> "
                + "cells (zero beyond the grid edge), 1 &minus; &Sigma;(Pf &minus; Po)&sup2; / &Sigma;(Pf&sup2; + Po&sup2;) "
                + "over all cells and cases; higher is better, 1 perfect</dd></dl><p>SSIM is each case's mean over "
                + "7 x 7 windows (data range: the case's own), averaged over cases.</p>").toString();
    }

    private static String better(Orientation orientation) {
        return switch (orientation) {
            case LOWER -> "lower is better, 0 perfect";
            case HIGHER -> "higher is better, 1 perfect";
            case ZERO -> "0 is unbiased, positive too high";
            case ONE -> "1 is unbiased, above 1 too many events forecast";
            case NONE -> "no value better in itself";
        };
    }
}
