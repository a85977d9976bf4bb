package io.gridcast.jobs.report;

import io.gridcast.models.verification.MetricRow;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/** Report rows indexed for drawing: regions, models and scores in the order they came, leads ascending. */
final class MetricTable {

    /** A score as reported: a metric, at a threshold for event scores (null otherwise). */
    record Score(String metric, Double threshold) {
    }

    private record Key(String region, String model, long lead, Score score) {
    }

    private final Map<Key, Double> values = new HashMap<>();
    private final Set<String> regions = new LinkedHashSet<>();
    private final Map<String, Set<String>> models = new HashMap<>();
    private final Map<String, Set<Long>> leads = new HashMap<>();
    private final Map<String, Set<Score>> scores = new HashMap<>();

    MetricTable(List<MetricRow> rows) {
        for (MetricRow r : rows) {
            Score score = new Score(r.metric(), r.threshold());
            values.put(new Key(r.region(), r.model(), r.leadMinutes(), score), r.value());
            regions.add(r.region());
            models.computeIfAbsent(r.region(), k -> new LinkedHashSet<>()).add(r.model());
            leads.computeIfAbsent(r.region(), k -> new TreeSet<>()).add(r.leadMinutes());
            scores.computeIfAbsent(r.region(), k -> new LinkedHashSet<>()).add(score);
        }
    }

    List<String> regions() {
        return List.copyOf(regions);
    }

    List<String> models(String region) {
        return List.copyOf(models.getOrDefault(region, Set.of()));
    }

    List<Long> leads(String region) {
        return List.copyOf(leads.getOrDefault(region, Set.of()));
    }

    List<Score> scores(String region) {
        return List.copyOf(scores.getOrDefault(region, Set.of()));
    }

    /** The thresholds of the region's event scores, ascending. */
    List<Double> thresholds(String region) {
        return new ArrayList<>(new TreeSet<>(scores(region).stream().map(Score::threshold).filter(Objects::nonNull).toList()));
    }

    /** The value, or null when the row is absent (NaN when present but undefined). */
    Double value(String region, String model, long lead, Score score) {
        return values.get(new Key(region, model, lead, score));
    }

    /** The values at each of the region's leads; NaN where absent. */
    double[] series(String region, String model, Score score) {
        return leads(region).stream().mapToDouble(lead -> {
            Double v = value(region, model, lead, score);
            return v == null ? Double.NaN : v;
        }).toArray();
    }
}
