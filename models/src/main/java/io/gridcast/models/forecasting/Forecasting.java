package io.gridcast.models.forecasting;

import io.gridcast.features.LatestInputs;
import io.gridcast.ingest.write.Forecast;
import io.gridcast.ingest.write.ForecastWriter;
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
 * file, {@code <dir>/<region>_<variant>_<reference time>.nc}.
 */
public final class Forecasting {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmm'Z'").withZone(ZoneOffset.UTC);
    private static final Pattern FILE_NAME = Pattern.compile(".+_([0-9]{8}T[0-9]{4}Z)\\.nc");

    private Forecasting() {
    }

    /** The file {@link #forecast} writes for {@code metadata}'s region and variant at {@code reference}. */
    private static Path file(Path dir, ModelMetadata metadata, Instant reference) {
        return dir.resolve(fileName(metadata.region(), metadata.variant(), reference));
    }

    /** Whether this version of the model has already written its forecast for {@code reference} in {@code dir}. */
    public static boolean written(Path dir, ModelMetadata metadata, Instant reference) throws IOException {
        Path file = file(dir, metadata, reference);
        if (!Files.isRegularFile(file)) {
            return false;
        }
        try (NetcdfFile nc = NetcdfFile.open(file.toString())) {
            Attribute version = nc.findGlobalAttribute("model_version");
            return version != null && metadata.version().equals(version.getStringValue());
        }
    }

    public static Path forecast(LatestInputs latest, ModelMetadata metadata, Nowcaster model, Path dir)
            throws IOException {
        Duration step = Duration.ofSeconds(metadata.stepSeconds());
        INDArray predicted = model.predict(latest.inputs());
        Instant reference = latest.reference();
        List<Duration> leads = new ArrayList<>();
        float[][] values = new float[metadata.out()][];
        for (int k = 0; k < metadata.out(); k++) {
            leads.add(step.multipliedBy(k + 1L));
            values[k] = physical(predicted, 0, k, metadata);
        }
        Forecast forecast = new Forecast(metadata.grid(), metadata.variable(),
                metadata.units(), metadata.standardName(), metadata.variable() + " nowcast by " + metadata.variant(),
                reference, leads, values,
                "gridcast " + metadata.variant() + " nowcast of " + metadata.variable() + " for region " + metadata.region(),
                "gridcast " + metadata.spec().type() + " model '" + metadata.variant() + "' trained "
                        + metadata.trainedAt(),
                Instant.now().truncatedTo(ChronoUnit.SECONDS) + " gridcast forecast from " + metadata.in() + " frames ending " + reference,
                Map.of("region", metadata.region(), "model", metadata.variant(), "model_type", metadata.spec().type(),
                        "model_version", metadata.version()));
        return ForecastWriter.write(file(dir, metadata, reference), forecast);
    }

    /** The name of the file {@link #forecast} writes for {@code region}, {@code variant} and {@code reference}. */
    public static String fileName(String region, String variant, Instant reference) {
        return region + "_" + variant + "_" + STAMP.format(reference) + ".nc";
    }

    /** The reference time in the name of a file {@link #forecast} wrote; empty for any other file. */
    public static Optional<Instant> referenceTime(Path file) {
        Matcher m = FILE_NAME.matcher(file.getFileName().toString());
        return m.matches() ? Optional.of(Instant.from(STAMP.parse(m.group(1)))) : Optional.empty();
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
