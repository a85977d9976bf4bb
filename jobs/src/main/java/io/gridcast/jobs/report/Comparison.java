package io.gridcast.jobs.report;

import static io.gridcast.jobs.report.Html.esc;
import static io.gridcast.jobs.report.Html.format;

import io.gridcast.ingest.AtomicFiles;
import io.gridcast.jobs.report.MetricTable.Score;
import io.gridcast.models.verification.MetricRow;
import io.gridcast.models.verification.Metrics.Orientation;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * Two runs' reports side by side ({@code gridcast report --compare A B}): for each region, model, lead and
 * score, run A, run B and B - A, green where B is better and red where it is worse by the score's orientation;
 * charts of the headline scores with A solid and B dashed; a count of better and worse scores per model.
 */
public final class Comparison {

    private Comparison() {
    }

    /** The comparison folder of runs {@code a} and {@code b} under {@code reports}. */
    public static Path dir(Path reports, String a, String b) {
        return reports.resolve("compare-" + a + "-vs-" + b);
    }

    /** Reads both runs' {@code metrics.json} and writes {@code compare-A-vs-B/index.html}; returns the page. */
    public static Path write(Path reports, String a, String b) {
        List<MetricRow> rowsA = MetricsFiles.read(reports.resolve(a));
        List<MetricRow> rowsB = MetricsFiles.read(reports.resolve(b));
        Path dir = dir(reports, a, b);
        Path staging = AtomicFiles.stagingFor(dir);
        try {
            Files.createDirectories(staging);
            Files.writeString(staging.resolve("index.html"), html(a, b, new MetricTable(rowsA), new MetricTable(rowsB)),
                    StandardCharsets.UTF_8);
            AtomicFiles.replaceDirectory(staging, dir);
            return dir.resolve("index.html");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write comparison " + dir, e);
        }
    }

    static String html(String a, String b, MetricTable runA, MetricTable runB) {
        StringBuilder h = new StringBuilder(Html.head("gridcast comparison " + a + " vs " + b));
        h.append("<h1>gridcast comparison</h1><p class=meta>Run A <b>").append(esc(a)).append("</b> against run B <b>")
                .append(esc(b)).append("</b>, written ").append(Instant.now().truncatedTo(ChronoUnit.SECONDS))
                .append(". Each cell: A, B and B &minus; A; <span class=better>&nbsp;green&nbsp;</span> where B is better, "
                        + "<span class=worse>&nbsp;red&nbsp;</span> where B is worse (lower is better for errors, "
                        + "higher for skill scores, nearer 0 or 1 for biases).</p>");
        h.append(Html.INTEGRITY_CHECK);
        Set<String> regions = new LinkedHashSet<>(runA.regions());
        regions.addAll(runB.regions());
        h.append(tally(regions, runA, runB));
        for (String region : regions) {
            h.append("<h2>Region ").append(esc(region)).append("</h2>");
            List<Score> headline = Report.headline(runA.regions().contains(region) ? runA : runB, region);
            h.append("<div class=charts>");
            headline.forEach(s -> h.append(chart(region, s, a, b, runA, runB)));
            h.append("</div>");
            List<Score> scores = union(runA.scores(region), runB.scores(region));
            headline.forEach(s -> h.append(table(region, s, runA, runB)));
            h.append("<details><summary>Every other score of region ").append(esc(region)).append("</summary>");
            scores.stream().filter(s -> !headline.contains(s)).forEach(s -> h.append(table(region, s, runA, runB)));
            h.append("</details>");
        }
        return h.append("</body></html>\n").toString();
    }

    private static <T> List<T> union(List<T> first, List<T> second) {
        Set<T> all = new LinkedHashSet<>(first);
        all.addAll(second);
        return new ArrayList<>(all);
    }

    /** How many (lead, score) pairs got better, worse or stayed, per region and model; rows in only one run counted apart. */
    private static String tally(Set<String> regions, MetricTable runA, MetricTable runB) {
        StringBuilder t = new StringBuilder("<h2>Summary</h2><table><tr><th class=l>region</th><th class=l>model</th>"
                + "<th>B better</th><th>B worse</th><th>unchanged</th><th>in one run only or undefined</th></tr>");
        for (String region : regions) {
            for (String model : union(runA.models(region), runB.models(region))) {
                int better = 0, worse = 0, same = 0, apart = 0;
                for (Score s : union(runA.scores(region), runB.scores(region))) {
                    for (long lead : union(runA.leads(region), runB.leads(region))) {
                        Double va = runA.value(region, model, lead, s);
                        Double vb = runB.value(region, model, lead, s);
                        if (va == null || vb == null || va.isNaN() || vb.isNaN()) {
                            apart++;
                            continue;
                        }
                        int c = Report.orientation(s.metric()).compare(vb, va);
                        if (c > 0) {
                            better++;
                        } else if (c < 0) {
                            worse++;
                        } else {
                            same++;
                        }
                    }
                }
                t.append("<tr><td class=l>").append(esc(region)).append("</td><td class=l>").append(esc(model))
                        .append("</td><td").append(better > worse ? " class=better>" : ">").append(better)
                        .append("</td><td").append(worse > better ? " class=worse>" : ">").append(worse)
                        .append("</td><td>").append(same).append("</td><td>").append(apart).append("</td></tr>");
            }
        }
        return t.append("</table>").toString();
    }

    private static String chart(String region, Score score, String a, String b, MetricTable runA, MetricTable runB) {
        List<String> models = union(runA.models(region), runB.models(region));
        List<Charts.Line> lines = new ArrayList<>();
        for (int i = 0; i < models.size(); i++) {
            String model = models.get(i);
            lines.add(new Charts.Line(model + " A", Charts.colour(model, i), false, leads(runA, region),
                    runA.series(region, model, score)));
            lines.add(new Charts.Line(model + " B", Charts.colour(model, i), true, leads(runB, region),
                    runB.series(region, model, score)));
        }
        String title = Report.title(score, "").strip() + " (A solid, B dashed)";
        byte[] png = Charts.png(title, score.metric(), lines);
        return png.length == 0 ? "" : "<img class=chart alt=\"" + esc(title + ", region " + region) + "\" src=\""
                + Html.png(png) + "\">";
    }

    private static double[] leads(MetricTable run, String region) {
        return run.leads(region).stream().mapToDouble(Long::doubleValue).toArray();
    }

    private static String table(String region, Score score, MetricTable runA, MetricTable runB) {
        Orientation orientation = Report.orientation(score.metric());
        List<String> models = union(runA.models(region), runB.models(region));
        StringBuilder t = new StringBuilder("<h4>").append(esc(Report.title(score, "").strip()))
                .append("</h4><table><tr><th rowspan=2>lead (min)</th>");
        models.forEach(m -> t.append("<th colspan=3>").append(esc(m)).append("</th>"));
        t.append("</tr><tr>");
        models.forEach(m -> t.append("<th>A</th><th>B</th><th>B &minus; A</th>"));
        t.append("</tr>");
        for (long lead : union(runA.leads(region), runB.leads(region))) {
            t.append("<tr><td>").append(lead).append("</td>");
            for (String m : models) {
                Double va = runA.value(region, m, lead, score);
                Double vb = runB.value(region, m, lead, score);
                t.append("<td>").append(va == null ? "&mdash;" : format(va)).append("</td><td>")
                        .append(vb == null ? "&mdash;" : format(vb)).append("</td>");
                if (va == null || vb == null || va.isNaN() || vb.isNaN()) {
                    t.append("<td class=muted>").append(va == null ? "only in B" : vb == null ? "only in A" : "n/a")
                            .append("</td>");
                } else {
                    int c = orientation.compare(vb, va);
                    t.append(c > 0 ? "<td class=better>" : c < 0 ? "<td class=worse>" : "<td class=muted>")
                            .append(va.equals(vb) ? "=" : String.format("%+.3g", vb - va)).append("</td>");
                }
            }
            t.append("</tr>");
        }
        return t.append("</table>").toString();
    }
}
