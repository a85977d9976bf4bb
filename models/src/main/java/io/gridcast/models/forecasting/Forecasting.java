package io.gridcast.models.forecasting;

import io.gridcast.features.LatestInputs;
import io.gridcast.ingest.write.Forecast;
import io.gridcast.ingest.write.ForecastWriter;
import io.gridcast.models.EnsembleNowcaster;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.registry.ModelMetadata;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.Map;
import org.nd4j.linalg.api.ndarray.INDArray;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFile;

/**
 * Runs a model variant on the newest frames of a region and writes the lead grids as a CF NetCDF forecast
 * file, {@code <dir>/<region>_<variant>_<reference time>.nc}; an ensemble's members with a realization dimension,
 * and its probabilities of exceeding the thresholds beside them.
 */
public final class Forecasting {

    private static final DateTimeFormatter MINUTES = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'")
            .withZone(ZoneOffset.UTC);
    private static final DateTimeFormatter SECONDS = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'")
            .withZone(ZoneOffset.UTC);
    private static final Pattern FILE_NAME = Pattern.compile(".+_([0-9]{8}T[0-9]{4}([0-9]{2})?Z)\\.nc");

    private Forecasting() {
    }

    /** The file {@link #forecast} writes for {@code metadata}'s region and variant at {@code reference}. */
    private static Path file(Path dir, ModelMetadata metadata, Instant reference) {
        return dir.resolve(fileName(metadata.region(), metadata.variant(), reference));
    }

    /**
     * Whether this version of the model has already written its forecast for {@code reference} in {@code dir}: an
     * ensemble's probabilities too (written after its members), so a crash between the two is made good.
     */
    public static boolean written(Path dir, ModelMetadata metadata, Instant reference, List<Double> thresholds)
            throws IOException {
        Path file = file(dir, metadata, reference);
        if (!Files.isRegularFile(file)
                || metadata.spec().members() > 1 && !thresholds.isEmpty() && !Files.isRegularFile(probabilities(file))) {
            return false;
        }
        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            Attribute version = nc.findGlobalAttribute("model_version");
            return version != null && metadata.version().equals(version.getStringValue());
        }
    }

    /** The probability file beside an ensemble's members file. */
    private static Path probabilities(Path members) {
        return members.resolveSibling(members.getFileName().toString().replace(".nc", "_probability.nc"));
    }

    /**
     * Writes the forecast from the newest frames and returns its file. An ensemble ({@link EnsembleNowcaster})
     * writes its members, made and written one at a time, and beside them, when {@code thresholds} are configured,
     * {@code <region>_<variant>_<reference time>_probability.nc}: the fraction of members at or above each threshold.
     *
     * @param thresholds event thresholds in the variable's units, for an ensemble's probabilities
     */
    public static Path forecast(LatestInputs latest, ModelMetadata metadata, Nowcaster model, Path dir,
                                List<Double> thresholds) throws IOException {
        Duration step = Duration.ofSeconds(metadata.stepSeconds());
        INDArray inputs = latest.inputs();
        Instant reference = latest.reference();
        List<Duration> leads = new ArrayList<>();
        for (int k = 0; k < metadata.out(); k++) {
            leads.add(step.multipliedBy(k + 1L));
        }
        Path file = file(dir, metadata, reference);
        if (!(model instanceof EnsembleNowcaster ensemble)) {
            INDArray predicted = model.predict(inputs);
            float[][] values = new float[metadata.out()][];
            for (int k = 0; k < metadata.out(); k++) {
                values[k] = physical(predicted, 0, k, metadata);
            }
            return ForecastWriter.write(file, forecast(metadata, reference, leads, values, "nowcast"));
        }
        Exceedances exceedances = new Exceedances(ensemble, inputs, metadata, thresholds);
        ForecastWriter.writeEnsemble(file, forecast(metadata, reference, leads, null,
                ensemble.members() + "-member ensemble nowcast"), exceedances);
        if (!thresholds.isEmpty()) {
            ForecastWriter.writeProbabilities(probabilities(file), forecast(metadata, reference, leads, null,
                    "probability nowcast from " + ensemble.members() + " members"), thresholds,
                    exceedances.probabilities());
        }
        return file;
    }

    private static Forecast forecast(ModelMetadata metadata, Instant reference, List<Duration> leads,
                                     float[][] values, String what) {
        return new Forecast(metadata.grid(), metadata.variable(),
                metadata.units(), metadata.standardName(), metadata.variable() + " nowcast by " + metadata.variant(),
                reference, leads, values,
                "gridcast " + metadata.variant() + " " + what + " of " + metadata.variable() + " for region "
                        + metadata.region(),
                "gridcast " + metadata.spec().type() + " model '" + metadata.variant() + "' trained "
                        + metadata.trainedAt(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS) + " gridcast forecast from " + metadata.in()
                        + " frames ending " + reference,
                Map.of("region", metadata.region(), "model", metadata.variant(), "model_type", metadata.spec().type(),
                        "model_version", metadata.version()));
    }

    /**
     * An ensemble's members in physical units, made when the writer asks for them, counting as they pass how many
     * are at or above each threshold in each cell: the probabilities need no member kept.
     */
    private static final class Exceedances implements ForecastWriter.Members {

        private final EnsembleNowcaster ensemble;
        private final EnsembleNowcaster.Members members;
        private final ModelMetadata metadata;
        private final List<Double> thresholds;
        /** [threshold][lead][cell]: members at or above; -1 once a member is missing there. */
        private final int[][][] counts;

        Exceedances(EnsembleNowcaster ensemble, INDArray inputs, ModelMetadata metadata, List<Double> thresholds) {
            this.ensemble = ensemble;
            this.members = ensemble.of(inputs);
            this.metadata = metadata;
            this.thresholds = thresholds;
            this.counts = new int[thresholds.size()][metadata.out()][metadata.grid().cells()];
        }

        @Override
        public int count() {
            return ensemble.members();
        }

        @Override
        public float[][] member(int m) {
            INDArray predicted = members.member(m);
            float[][] values = new float[metadata.out()][];
            for (int k = 0; k < metadata.out(); k++) {
                values[k] = physical(predicted, 0, k, metadata);
                for (int t = 0; t < thresholds.size(); t++) {
                    int[] count = counts[t][k];
                    double threshold = thresholds.get(t);
                    for (int i = 0; i < count.length; i++) {
                        if (Float.isNaN(values[k][i])) {
                            count[i] = -1;
                        } else if (count[i] >= 0 && values[k][i] >= threshold) {
                            count[i]++;
                        }
                    }
                }
            }
            return values;
        }

        /** {@code [threshold][lead][cell]}: the fraction of members at or above; NaN where a member was missing. */
        float[][][] probabilities() {
            float[][][] p = new float[counts.length][metadata.out()][];
            for (int t = 0; t < counts.length; t++) {
                for (int k = 0; k < metadata.out(); k++) {
                    p[t][k] = new float[counts[t][k].length];
                    for (int i = 0; i < p[t][k].length; i++) {
                        int c = counts[t][k][i];
                        p[t][k][i] = c < 0 ? Float.NaN : (float) c / ensemble.members();
                    }
                }
            }
            return p;
        }
    }

    /**
     * The name of the file {@link #forecast} writes for {@code region}, {@code variant} and {@code reference}: the
     * reference time to the minute ({@code yyyyMMddTHHmmZ}), or to the second when it has seconds, so that frames
     * less than a minute apart, or timed at odd seconds, never share a file.
     */
    public static String fileName(String region, String variant, Instant reference) {
        DateTimeFormatter stamp = reference.getEpochSecond() % 60 == 0 ? MINUTES : SECONDS;
        return region + "_" + variant + "_" + stamp.format(reference) + ".nc";
    }

    /** The reference time in the name of a file {@link #forecast} wrote; empty for any other file. */
    public static Optional<Instant> referenceTime(Path file) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        if (!m.matches()) {
            return Optional.empty();
        }
        return Optional.of(Instant.from((m.group(2) == null ? MINUTES : SECONDS).parse(m.group(1))));
    }

    /** Lead {@code k} of batch item {@code b}, back in physical units. */
    static float[] physical(INDArray predicted, int b, int k, ModelMetadata metadata) {
        float[] values = predicted.get(org.nd4j.linalg.indexing.NDArrayIndex.point(b),
                org.nd4j.linalg.indexing.NDArrayIndex.point(k)).dup().data().asFloat();
        for (int i = 0; i < values.length; i++) {
            values[i] = metadata.target().inverse(values[i]);
        }
        return values;
    }
}
