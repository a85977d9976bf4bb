package io.gridcast.jobs.batch;

import io.gridcast.features.Region;
import io.gridcast.jobs.config.ConfigLoader;
import io.gridcast.jobs.config.GridcastConfig;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.format.DateTimeFormatter;
import java.util.List;
import org.springframework.batch.core.JobParameters;
import org.springframework.batch.core.JobParametersBuilder;

/**
 * What one job run works on, carried entirely by its (identifying) job parameters so that the job repository
 * records it and a rerun with the same parameters is the same JobInstance.
 *
 * @param configFile the YAML configuration
 * @param inputDir   the archive folder ({@code --input}, else the configuration's {@code input.dir})
 * @param variable   the variable to read ({@code --variable}, else {@code input.variable})
 * @param workDir    where catalog, models, forecasts and reports go
 * @param run        the run's name, used for its report folder
 * @param regions    the configured regions to work on; empty for all of them
 * @param model      the forecast job's model selector ({@code --model}); empty for the configuration's
 *                   {@code forecast.model}
 * @param pattern    the glob on file names ({@code --pattern}); empty for the configuration's {@code input.pattern}
 * @param reader     the reader by name ({@code --reader}); empty for the configuration's {@code input.reader}
 */
public record RunSettings(Path configFile, Path inputDir, String variable, Path workDir, String run,
                          List<String> regions, String model, String pattern, String reader) {

    public static final DateTimeFormatter RUN_NAME = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'");

    public static String newRunName() {
        return RUN_NAME.format(ZonedDateTime.now(ZoneOffset.UTC));
    }

    public RunSettings withRun(String name) {
        return new RunSettings(configFile, inputDir, variable, workDir, name, regions, model, pattern, reader);
    }

    public JobParameters toJobParameters() {
        return new JobParametersBuilder()
                .addString("config", configFile.toAbsolutePath().normalize().toString())
                .addString("input", inputDir == null ? "" : inputDir.toAbsolutePath().normalize().toString())
                .addString("variable", variable)
                .addString("work", workDir.toAbsolutePath().normalize().toString())
                .addString("run", run)
                .addString("regions", String.join(",", regions))
                .addString("model", model == null ? "" : model)
                .addString("pattern", pattern == null ? "" : pattern)
                .addString("reader", reader == null ? "" : reader)
                .toJobParameters();
    }

    public static RunSettings from(JobParameters parameters) {
        String input = parameters.getString("input");
        return new RunSettings(Path.of(parameters.getString("config")), input == null || input.isEmpty() ? null : Path.of(input),
                parameters.getString("variable"), Path.of(parameters.getString("work")), parameters.getString("run"),
                regionList(parameters.getString("regions")), parameters.getString("model", ""),
                parameters.getString("pattern", ""), parameters.getString("reader", ""));
    }

    /** Which trained models the forecast job runs: {@code --model}, else {@code forecast.model}, else all. */
    public String forecastModel(GridcastConfig config) {
        return model == null || model.isEmpty() ? config.forecastModel() : model;
    }

    private static List<String> regionList(String joined) {
        return joined == null || joined.isEmpty() ? List.of() : List.of(joined.split(","));
    }

    /** The regions this run works on, in configuration order; an unknown name is a configuration error. */
    public List<Region> regions(GridcastConfig config) {
        regions.forEach(config::region);
        return config.regionList().stream().filter(r -> regions.isEmpty() || regions.contains(r.name())).toList();
    }

    /** The configuration with this run's {@code --pattern} and {@code --reader}, if given, in place of its own. */
    public GridcastConfig config() {
        GridcastConfig config = ConfigLoader.load(configFile);
        return ConfigLoader.check(configFile, () -> config.withInput(pattern, reader));
    }

    /** The input folder; a job that reads the archive cannot run without one. */
    public Path requireInput() {
        if (inputDir == null) {
            throw new IllegalArgumentException("no input folder: give --input DIR or set input.dir in " + configFile);
        }
        return inputDir;
    }

    public Path catalogDir() {
        return catalogDir(variable);
    }

    /** The frame catalog of any input variable: {@code <work>/catalog/<variable>}. */
    public Path catalogDir(String inputVariable) {
        return workDir.resolve("catalog").resolve(inputVariable);
    }

    /** The window shards of each region: {@code <work>/features/<variable>/<region>}. */
    public Path featuresDir() {
        return workDir.resolve("features").resolve(variable);
    }

    /** Static layers regridded onto data grids, one small NetCDF file per layer and grid. */
    public Path staticDir() {
        return workDir.resolve("static");
    }

    public Path modelsDir() {
        return workDir.resolve("models").resolve(variable);
    }

    public Path forecastsDir() {
        return workDir.resolve("forecasts");
    }

    public Path reportDir() {
        return workDir.resolve("reports").resolve(run);
    }
}
