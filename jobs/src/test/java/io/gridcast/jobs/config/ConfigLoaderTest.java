package io.gridcast.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.RegionGrid;
import io.gridcast.features.SplitPeriod;
import io.gridcast.features.TransformSpec;
import io.gridcast.ingest.catalog.FrameIngest;
import io.gridcast.ingest.read.ReaderSpec;
import io.gridcast.ingest.statics.StaticLayerSpec;
import io.gridcast.ingest.synth.SyntheticArchive;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.Perturbation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

    static final Path DEMO = Path.of(System.getProperty("gridcast.home", ".."), "conf", "demo.yml");

    @TempDir
    Path dir;

    private Path demoWith(String from, String to) throws IOException {
        String yaml = Files.readString(DEMO);
        assertThat(yaml).contains(from);
        Path file = dir.resolve("edited.yml");
        Files.writeString(file, yaml.replace(from, to));
        return file;
    }

    @Test
    void theDemoConfigurationBindsWithItsDefaults() {
        GridcastConfig config = ConfigLoader.load(DEMO);

        assertThat(config.regionList()).extracting(r -> r.name()).containsExactly("west", "east");
        assertThat(config.modelSpecs()).extracting(m -> m.type()).containsExactly("persistence", "advection", "convlstm", "cnnlstm");
        assertThat(config.windowSpec().in()).isEqualTo(4);
        assertThat(config.sparkMaster()).isEqualTo("local[*]");
        assertThat(config.thresholds("rain_rate")).containsExactly(0.5, 2.0, 10.0);
        assertThat(config.fssScales("rain_rate")).containsExactly(1, 5, 9);
        assertThat(config.mapCases()).isEqualTo(2);
        assertThat(config.reportSplit()).as("verified on the test block unless told").isEqualTo("test");
        assertThat(config.fssScales("snow_depth")).as("an unconfigured variable").isEmpty();
        assertThat(config.units("rain_rate")).isEqualTo("mm h-1");
        assertThat(config.units("precipitation")).isEqualTo("kg m-2");
        assertThat(config.units("snow_depth")).as("an unconfigured variable: files need only agree").isNull();
    }

    @Test
    void theKnmiConfigurationNamesItsImporterAndUnits() {
        GridcastConfig config = ConfigLoader.load(DEMO.resolveSibling("knmi.yml"));

        assertThat(config.reader()).isEqualTo(ReaderSpec.of("knmi-hdf5"));
        assertThat(config.pattern()).isEqualTo("*.h5");
        assertThat(config.input().variable()).isEqualTo("accumulated_precipitation");
        assertThat(config.units("accumulated_precipitation")).isEqualTo("mm");
        assertThat(config.region("west").xMin()).isEqualTo(288.0);
    }

    @Test
    void wholeNumberThresholdsBindAsNumbers() throws IOException {
        Path file = demoWith("thresholds: [0.5, 2.0, 10.0]", "thresholds: [1, 5, \"10 mm/h\"]");

        assertThat(ConfigLoader.load(file).thresholds("rain_rate")).containsExactly(1.0, 5.0, 10.0);
    }

    @Test
    void readerSettingsAreFlattenedAndCheckedByTheReader() throws IOException {
        assertThat(ConfigLoader.load(DEMO).reader()).isEqualTo(ReaderSpec.of("cf-netcdf"));

        Path withOptions = demoWith("  reader: cf-netcdf ", "  options: {zr: {a: 200, b: 1.6}}\n  reader: cf-netcdf ");
        assertThatThrownBy(() -> ConfigLoader.load(withOptions))
                .as("the CF reader has no settings: named, not ignored")
                .hasMessageContaining("input.options: expected a reader and settings it knows: input.options [zr.a, zr.b]: "
                        + "reader 'cf-netcdf' has no settings");

        Path unknown = demoWith("  reader: cf-netcdf ", "  reader: netcdf ");
        assertThatThrownBy(() -> ConfigLoader.load(unknown)).hasMessageContaining("input.reader: expected a reader and "
                + "settings it knows: unknown frame reader 'netcdf'; known readers: cf-netcdf, grib, knmi-hdf5, odim-hdf5");

        Path zr = demoWith("  reader: cf-netcdf ", "  options: {zr: {a: 200, b: 1.6}}\n  reader: odim-hdf5 ");
        assertThat(ConfigLoader.load(zr).reader()).isEqualTo(ReaderSpec.of("odim-hdf5", Map.of("zr.a", "200", "zr.b", "1.6")));
        Path typo = demoWith("  reader: cf-netcdf ", "  options: {zr: {a: 200, beta: 1.6}}\n  reader: odim-hdf5 ");
        assertThatThrownBy(() -> ConfigLoader.load(typo)).hasMessageContaining("input.options [zr.beta]: reader "
                + "'odim-hdf5' knows only zr.a and zr.b");
    }

    @Test
    void theOperaConfigurationNamesItsImporterQuantityAndUnits() {
        GridcastConfig config = ConfigLoader.load(DEMO.resolveSibling("opera.yml"));

        assertThat(config.reader()).isEqualTo(ReaderSpec.of("odim-hdf5"));
        assertThat(config.pattern()).isEqualTo("*.hdf");
        assertThat(config.input().variable()).isEqualTo("RATE");
        assertThat(config.units("RATE")).isEqualTo("mm/h");
        assertThat(config.region("benelux").lonLat()).as("a box in longitude/latitude").isTrue();
        assertThat(config.region("benelux").xMin()).isEqualTo(2.5);
        assertThat(config.windowSpec().periods()).hasSize(3);
    }

    @Test
    void theDemoConfigurationsWindowsAndTransformsBind() throws IOException {
        GridcastConfig config = ConfigLoader.load(DEMO);

        assertThat(config.windowSpec().stride()).isEqualTo(1);
        assertThat(config.windowSpec().maxMissing()).isEqualTo(0.5);
        assertThat(config.windowSpec().periods()).isEmpty();
        assertThat(config.transform("rain_rate").method()).isEqualTo("standardise");
        assertThat(config.inputs("rain_rate")).containsExactly("rain_rate");

        Path db = demoWith("    # transform: db\n    # rain_threshold: 0.1", "    transform: db\n    rain_threshold: 0.1");
        assertThat(ConfigLoader.load(db).transform("precipitation")).isEqualTo(new TransformSpec("db", 0.1));
    }

    @Test
    void explicitSplitPeriodsBindAndReplaceTheFractions() throws IOException {
        Path file = demoWith("  train: 0.7 ", "  splits: {train: [2020-10-31T00:00:00Z, 2020-10-31T07:00:00Z],"
                + " validation: [2020-10-31T08:00:00Z, 2020-10-31T10:00:00Z],"
                + " test: [2020-10-31T11:00:00Z, 2020-10-31T13:00:00Z]}\n  #");
        String yaml = Files.readString(file).replace("  validation: 0.15 ", "  #");
        Files.writeString(file, yaml);

        assertThat(ConfigLoader.load(file).windowSpec().periods()).extracting(SplitPeriod::name)
                .containsExactly("train", "validation", "test");
        Files.writeString(file, yaml.replace("2020-10-31T10:00:00Z]", "yesterday]"));
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": windows.splits.validation: expected ISO"
                + " times like 2020-10-31T00:00:00Z, got [2020-10-31T08:00:00Z, yesterday]");
    }

    @Test
    void badWindowAndTransformKeysNameTheKey() throws IOException {
        Path transform = demoWith("transform: standardise", "transform: log");
        assertThatThrownBy(() -> ConfigLoader.load(transform)).hasMessage(transform
                + ": variables.rain_rate.transform: expected one of [db, min-max, none, standardise], got 'log'");
        Path db = demoWith("transform: standardise", "transform: db");
        assertThatThrownBy(() -> ConfigLoader.load(db)).hasMessage(db + ": variables.rain_rate: expected a positive"
                + " rain_threshold for the db transform, got 0.0");
        Path augment = demoWith("augment: []", "augment: [rot90, shear]");
        assertThatThrownBy(() -> ConfigLoader.load(augment)).hasMessageContaining("windows: expected windows.augment:"
                + " unknown augmentation 'shear'");
        Path inputs = demoWith("  # inputs: [rain_rate, air_temperature]", "  inputs: [air_temperature, rain_rate]");
        assertThatThrownBy(() -> ConfigLoader.load(inputs).inputs("rain_rate")).hasMessageContaining(
                "windows.inputs: expected the forecast variable 'rain_rate' first, got [air_temperature, rain_rate]");
    }

    @Test
    void trainingKeysBindToTheModelSpec() throws IOException {
        Path file = demoWith("lr_schedule: {type: cosine, min_rate: 0.0002}",
                "lr_schedule: {type: plateau, factor: 0.25, patience: 3}\n    patience: 5\n    min_delta: 0.001\n"
                        + "    checkpoint_every: 2");
        var cnnlstm = ConfigLoader.load(file).modelSpecs().get(3);

        assertThat(cnnlstm.lrSchedule())
                .isEqualTo(new io.gridcast.models.nowcasts.LearningRateSchedule("plateau", 0.25, 3, 0));
        assertThat(cnnlstm.patience()).isEqualTo(5);
        assertThat(cnnlstm.minDelta()).isEqualTo(0.001);
        assertThat(cnnlstm.checkpointEvery()).isEqualTo(2);
        var convlstm = ConfigLoader.load(DEMO).modelSpecs().get(2);
        assertThat(convlstm.lrSchedule().isConstant()).isTrue();
        assertThat(convlstm.patience()).as("never stop early unless configured").isZero();
        assertThat(convlstm.checkpointEvery()).isEqualTo(1);
    }

    @Test
    void gridcastMaxEpochsCapsEveryModelsEpochs() {
        GridcastConfig bom = ConfigLoader.load(DEMO.resolveSibling("bom.yml"));

        assertThat(bom.modelSpecs(null)).extracting(m -> m.epochs()).containsExactly(3, 3, 20, 10, 10);
        assertThat(bom.modelSpecs("1")).extracting(m -> m.epochs()).containsExactly(1, 1, 1, 1, 1);
        assertThat(bom.modelSpecs("12")).as("a cap, never more epochs").extracting(m -> m.epochs())
                .containsExactly(3, 3, 12, 10, 10);
        assertThatThrownBy(() -> bom.modelSpecs("0")).hasMessage("environment variable GRIDCAST_MAX_EPOCHS: expected "
                + "a whole number of epochs, 1 or more, got '0'");
        assertThatThrownBy(() -> bom.modelSpecs("few")).hasMessageContaining("got 'few'");
    }

    @Test
    void theBalancedLossIsForAConvLstmOnPrecipitation() throws IOException {
        String convlstm = "    type: convlstm       # Shi et al. 2015 encoder-forecaster\n";
        Path balanced = demoWith(convlstm, convlstm + "    loss: balanced\n");
        assertThat(ConfigLoader.load(balanced).modelSpecs().get(2).loss()).isEqualTo("balanced");

        Path kelvin = Files.writeString(dir.resolve("kelvin.yml"),
                Files.readString(balanced).replace("units: mm h-1", "units: K"));
        assertThatThrownBy(() -> ConfigLoader.load(kelvin)).hasMessageContaining(kelvin + ": models[2].loss: expected"
                + " precipitation units in variables.rain_rate.units for 'balanced'").hasMessageContaining("units 'K'");
        Path cnnlstm = demoWith("    type: cnnlstm", "    type: cnnlstm\n    loss: mae");
        assertThatThrownBy(() -> ConfigLoader.load(cnnlstm)).hasMessageContaining(
                "models[3].loss: expected no loss for type 'cnnlstm' (only convlstm has a configurable loss), got 'mae'");
    }

    @Test
    void residualAndPostprocessAreReadAndChecked() throws IOException {
        String convlstm = "    type: convlstm       # Shi et al. 2015 encoder-forecaster\n";
        Path matched = demoWith(convlstm, convlstm + "    postprocess: probability-matching\n");
        var spec = ConfigLoader.load(matched).modelSpecs().get(2);
        assertThat(spec.residual()).as("demo.yml's convlstm").isTrue();
        assertThat(spec.postprocess()).isEqualTo("probability-matching");
        assertThat(ConfigLoader.load(DEMO).modelSpecs().get(2).postprocess()).isEqualTo("none");

        Path unknown = demoWith(convlstm, convlstm + "    postprocess: sharpen\n");
        assertThatThrownBy(() -> ConfigLoader.load(unknown)).hasMessageContaining(unknown + ": models[2].postprocess:"
                + " expected one of [none, probability-matching, probability-matching-mean], got 'sharpen'");
        Path cnnlstm = demoWith("    type: cnnlstm", "    type: cnnlstm\n    residual: false");
        assertThatThrownBy(() -> ConfigLoader.load(cnnlstm)).hasMessageContaining(
                "models[3].residual: expected no residual key for type 'cnnlstm'");
    }

    @Test
    void ensembleMembersAndPerturbationAreReadAndChecked() throws IOException {
        String advection = "    type: advection      #";
        Path ensemble = demoWith(advection, "    type: advection-ensemble\n    perturbation: {noise: 0.5}\n    #");
        var spec = ConfigLoader.load(ensemble).modelSpecs().get(1);
        assertThat(spec.members()).as("an advection-ensemble's default").isEqualTo(20);
        Perturbation d = Perturbation.DEFAULT;
        assertThat(spec.perturbation()).isEqualTo(new Perturbation(d.motion(), 0.5, d.scale(), d.inflow(),
                d.newRain(), d.rainScale()));
        assertThat(ConfigLoader.load(DEMO).modelSpecs().get(2).members()).as("a convlstm's default").isEqualTo(1);
        Path convlstm = demoWith("    type: convlstm ", "    members: 8\n    type: convlstm ");
        assertThat(ConfigLoader.load(convlstm).modelSpecs().get(2).members()).isEqualTo(8);

        Path one = demoWith(advection, "    type: advection-ensemble\n    members: 1\n    #");
        assertThatThrownBy(() -> ConfigLoader.load(one)).hasMessageContaining(one + ": models[1].members: expected 2"
                + " or more forecasts for type 'advection-ensemble', got 1");
        Path negative = demoWith(advection, "    type: advection-ensemble\n    perturbation: {motion: -1}\n    #");
        assertThatThrownBy(() -> ConfigLoader.load(negative)).hasMessageContaining("models[1].perturbation: expected"
                + " perturbation motion, noise, scale and rain_scale of 0 or more, got -1.0");

        Path drawn = demoWith(advection, "    type: advection-ensemble\n    perturbation: {inflow: dry, new_rain: 0.01,"
                + " rain_scale: 4}\n    #");
        assertThat(ConfigLoader.load(drawn).modelSpecs().get(1).perturbation()).isEqualTo(new Perturbation(
                d.motion(), d.noise(), d.scale(), Perturbation.DRY, 0.01, 4));
        Path wet = demoWith(advection, "    type: advection-ensemble\n    perturbation: {inflow: wet}\n    #");
        assertThatThrownBy(() -> ConfigLoader.load(wet)).hasMessageContaining("models[1].perturbation: expected"
                + " perturbation inflow 'dry' or 'recent', got 'wet'");
        Path often = demoWith(advection, "    type: advection-ensemble\n    perturbation: {new_rain: 2}\n    #");
        assertThatThrownBy(() -> ConfigLoader.load(often)).hasMessageContaining("models[1].perturbation: expected"
                + " perturbation new_rain, a share of cells per time step, from 0 to 1, got 2.0");
        Path network = demoWith("    type: convlstm ", "    members: 8\n    perturbation: {inflow: recent}\n"
                + "    type: convlstm ");
        assertThatThrownBy(() -> ConfigLoader.load(network)).hasMessageContaining("models[2].perturbation.inflow:"
                + " expected no inflow key for type 'convlstm'");
    }

    @Test
    void anUnknownScheduleOrForecastModelNamesItsKey() throws IOException {
        Path schedule = demoWith("type: cosine,", "type: cyclic,");
        assertThatThrownBy(() -> ConfigLoader.load(schedule)).hasMessageContaining(
                "models[3].lr_schedule.type: expected one of [constant, cosine, plateau], got 'cyclic'");
        Path forecast = demoWith("model: all", "model: unet@20260101T000000Z");
        assertThatThrownBy(() -> ConfigLoader.load(forecast)).hasMessageContaining("forecast.model: expected all, best,"
                + " or one of the configured variants").hasMessageContaining("got 'unet@20260101T000000Z'");
    }

    @Test
    void liveFeedKeysHaveDefaultsAndNameTheKeyOfABadValue() throws IOException {
        GridcastConfig defaults = ConfigLoader.load(DEMO);
        assertThat(defaults.maxDataAge(Duration.ofMinutes(10))).as("three time steps").contains(Duration.ofMinutes(30));
        assertThat(defaults.arrival()).isEqualTo(FrameIngest.Arrival.DEFAULT);

        Path set = demoWith("model: all", "model: all\n  max_data_age: PT1H");
        assertThat(ConfigLoader.load(set).maxDataAge(Duration.ofMinutes(10))).contains(Duration.ofHours(1));
        Path off = demoWith("model: all", "model: all\n  max_data_age: off");
        assertThat(ConfigLoader.load(off).maxDataAge(Duration.ofMinutes(10))).isEmpty();
        Path settle = demoWith("  reader: cf-netcdf", "  reader: cf-netcdf\n  settle_time: PT10S\n"
                + "  temporary_names: [\"*.inprogress\"]");
        assertThat(ConfigLoader.load(settle).arrival()).isEqualTo(new FrameIngest.Arrival(Duration.ofSeconds(10),
                List.of("*.inprogress")));

        Path badAge = demoWith("model: all", "model: all\n  max_data_age: 30 minutes");
        assertThatThrownBy(() -> ConfigLoader.load(badAge)).hasMessageContaining("forecast.max_data_age: expected an"
                + " ISO-8601 duration of 0 or more such as PT30M or off, got '30 minutes'");
        Path badSettle = demoWith("  reader: cf-netcdf", "  reader: cf-netcdf\n  settle_time: -PT1S");
        assertThatThrownBy(() -> ConfigLoader.load(badSettle)).hasMessageContaining("input.settle_time: expected an"
                + " ISO-8601 duration of 0 or more such as PT30M, got '-PT1S'");
    }

    @Test
    void anFssScaleBelowOneCellNamesItsKey() throws IOException {
        Path file = demoWith("fss_scales: [1, 5, 9]\n  precipitation", "fss_scales: [0, 5]\n  precipitation");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file
                + ": variables.rain_rate.fss_scales: expected box widths in cells, each 1 or more, got [0, 5]");
    }

    @Test
    void aRegionOutsideTheDataGridNamesTheFileTheKeyAndTheGridsExtent() throws IOException {
        Path file = demoWith("box: {x_min: 0, x_max: 32,", "box: {x_min: 0, x_max: 48,");
        GridcastConfig config = ConfigLoader.load(file);

        assertThat(ConfigLoader.check(file, () -> config.regionGrid("west", SyntheticArchive.grid(64))).grid().x().size())
                .as("32 km of 1-km cells").isEqualTo(32);
        assertThatThrownBy(() -> ConfigLoader.check(file, () -> config.regionGrid("east", SyntheticArchive.grid(64))))
                .hasMessage(file + ": regions[1].box: expected a box inside the data grid's extent x [-31.5, 31.5]"
                        + " y [-31.5, 31.5] km (cell centres), got x [0.0, 48.0] y [-16.0, 16.0] for region 'east'");
    }

    @Test
    void aRegionBoxInLongitudeAndLatitudeIsFoundThroughTheGridsProjection() throws IOException {
        Path file = demoWith("box: {x_min: 0, x_max: 32, y_min: -16, y_max: 16}",
                "box: {lon_min: 10, lon_max: 10.2, lat_min: 49.9, lat_max: 50.1}");
        GridcastConfig config = ConfigLoader.load(file);

        RegionGrid east = ConfigLoader.check(file, () -> config.regionGrid("east", SyntheticArchive.grid(64)));
        assertThat(east.grid().x().values()[0]).as("from 10E, the projection's central meridian").isEqualTo(0.5);
        assertThat(east.width()).isEqualTo(15);
        assertThatThrownBy(() -> ConfigLoader.check(file, () -> config.regionGrid("east", SyntheticArchive.grid(16))))
                .hasMessageStartingWith(file + ": regions[1].box: expected a box inside the data grid; region 'east': "
                        + "box lon [10.0, 10.2] lat [49.9, 50.1] is not inside the data grid 16x16");
    }

    @Test
    void aRegionBoxMixingGridAndLongitudeLatitudeKeysIsAnErrorNamingTheKey() throws IOException {
        Path file = demoWith("box: {x_min: 0, x_max: 32, y_min: -16, y_max: 16}",
                "box: {x_min: 0, x_max: 32, lat_min: 49.9, lat_max: 50.1}");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageStartingWith(file + ": regions[1].box: expected "
                + "either x_min, x_max, y_min, y_max (grid coordinates) or lon_min, lon_max, lat_min, lat_max (degrees), "
                + "not both");
        Path partial = demoWith("box: {x_min: 0, x_max: 32, y_min: -16, y_max: 16}", "box: {lon_min: 10, lon_max: 10.2, lat_min: 49.9}");
        assertThatThrownBy(() -> ConfigLoader.load(partial)).hasMessage(partial + ": regions[1].box.lat_max: expected "
                + "a value (the key is missing)");
    }

    @Test
    void thresholdsWithUnitsAreConvertedToTheVariablesUnits() throws IOException {
        Path file = demoWith("thresholds: [0.5, 2.0, 10.0]", "thresholds: [0.5, \"2 mm/h\", \"2.7778e-6 m s-1\"]");

        assertThat(ConfigLoader.load(file).thresholds("rain_rate")).as("a bare number is in mm h-1 already")
                .hasSize(3).startsWith(0.5, 2.0);
        assertThat(ConfigLoader.load(file).thresholds("rain_rate").get(2)).isCloseTo(10.0, within(1e-3));
        Path db = demoWith("transform: standardise", "transform: db\n    rain_threshold: \"0.1 mm/h\"");
        assertThat(ConfigLoader.load(db).transform("rain_rate")).isEqualTo(new TransformSpec("db", 0.1));
    }

    @Test
    void theRankHistogramsMinimumIsAValueInTheVariablesUnitsAndUnsetCountsEveryCell() throws IOException {
        Path file = demoWith("transform: standardise", "transform: standardise\n    rank_histogram_min: \"0.1 mm/h\"");
        assertThat(ConfigLoader.load(file).rankHistogramMin("rain_rate")).isCloseTo(0.1, within(1e-9));
        assertThat(ConfigLoader.load(file).rankHistogramMin("precipitation")).isEqualTo(Double.NEGATIVE_INFINITY);

        Path wrong = demoWith("transform: standardise", "transform: standardise\n    rank_histogram_min: 0.1 K");
        assertThatThrownBy(() -> ConfigLoader.load(wrong)).hasMessage(wrong + ": variables.rain_rate.rank_histogram_min:"
                + " expected a value in units convertible to variables.rain_rate.units 'mm h-1', got '0.1 K'");
    }

    @Test
    void aThresholdInTheWrongUnitsNamesTheFileTheKeyAndTheExpectedUnits() throws IOException {
        Path file = demoWith("thresholds: [0.1, 0.5, 1.0]", "thresholds: [0.1, \"0.5 mm/h\", 1.0]");
        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": variables.precipitation.thresholds[1]:"
                + " expected a value in units convertible to variables.precipitation.units 'kg m-2', got '0.5 mm/h'");

        Path db = demoWith("transform: standardise", "transform: db\n    rain_threshold: 0.1 K");
        assertThatThrownBy(() -> ConfigLoader.load(db)).hasMessage(db + ": variables.rain_rate.rain_threshold:"
                + " expected a value in units convertible to variables.rain_rate.units 'mm h-1', got '0.1 K'");

        Path noUnits = demoWith("    units: mm h-1\n    transform: standardise\n    thresholds: [0.5, 2.0, 10.0]",
                "    thresholds: [0.5, \"1 mm/h\"]");
        assertThatThrownBy(() -> ConfigLoader.load(noUnits)).hasMessage(noUnits + ": variables.rain_rate.thresholds[1]:"
                + " expected a bare number, or set variables.rain_rate.units to give '1.0 mm/h' in other units");
    }

    @Test
    void aNegativeNumberOfMapCasesIsRefused() throws IOException {
        Path file = demoWith("map_cases: 2", "map_cases: -1");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ": report.map_cases: expected 0 or more cases, got -1");
    }

    @Test
    void theReportVerifiesTheValidationBlockWhenTold() throws IOException {
        Path validation = demoWith("map_cases: 2", "map_cases: 2\n  split: validation");
        assertThat(ConfigLoader.load(validation).reportSplit()).isEqualTo("validation");

        Path file = demoWith("map_cases: 2", "map_cases: 2\n  split: training");
        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ": report.split: expected one of [test, validation], got 'training'");
    }

    @Test
    void anUnknownKeyNamesTheFileTheKeyAndTheKnownKeys() throws IOException {
        Path file = demoWith("cell_size: 1.0\n  - name: east", "cell_sise: 1.0\n  - name: east");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageStartingWith(file + ": unknown key 'regions[0].cell_sise'; expected one of: box, cell_size, name");
    }

    @Test
    void aMissingFileIsNamed() {
        Path missing = dir.resolve("nope.yml");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).hasMessage(missing + ": configuration file not found");
    }

    @Test
    void anUnknownModelTypeListsTheKnownOnes() throws IOException {
        Path file = demoWith("type: cnnlstm ", "type: unet ");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessageContaining("models[3].type: expected one of [advection, advection-ensemble, cnnlstm, convlstm, onnx, persistence], got 'unet'");
    }

    /** The demo with an ONNX variant added after its four: {@code block} holds its keys after name and type. */
    private Path demoWithOnnx(String block) throws IOException {
        return demoWith("    seed: 42\n\n# Which", "    seed: 42\n  - name: torch\n    type: onnx\n" + block
                + "\n# Which");
    }

    @Test
    void anOnnxVariantNamesItsFileLayoutLeadsAndItsOwnTransform() throws IOException {
        Path model = Files.write(dir.resolve("convlstm.onnx"), new byte[] {1});
        Path file = demoWithOnnx("    file: " + model + "\n    layout: {input: NTCHW, output: NTHW}\n    leads: 6\n"
                + "    transforms:\n      rain_rate: {method: db, rain_threshold: 0.1, mean: -12.5, std: 7.5}\n");

        ModelSpec spec = ConfigLoader.load(file).modelSpecs().get(4);

        assertThat(spec.type()).isEqualTo("onnx");
        assertThat(spec.onnx().file()).isEqualTo(model.toRealPath().toString());
        assertThat(spec.onnx().inputLayout()).isEqualTo("NTCHW");
        assertThat(spec.onnx().outputLayout()).isEqualTo("NTHW");
        assertThat(spec.onnx().leads()).isEqualTo(6);
        ChannelTransform rain = spec.onnx().transforms().get("rain_rate");
        assertThat(rain.method()).isEqualTo("db");
        assertThat(rain.rainThreshold()).isEqualTo(0.1);
        assertThat(rain.statistics().mean()).isEqualTo(-12.5);
        assertThat(rain.forward(1f)).as("10 log10(1) = 0 dB, standardised").isEqualTo((float) (12.5 / 7.5));
    }

    @Test
    void anOnnxVariantsMistakesNameTheirKeys() throws IOException {
        Path model = Files.write(dir.resolve("m.onnx"), new byte[] {1});
        String layout = "    layout: {input: NTCHW, output: NTHW}\n";
        Path missing = dir.resolve("absent.onnx");
        assertThatThrownBy(() -> ConfigLoader.load(demoWithOnnx("    file: " + missing + "\n" + layout
                + "    leads: 4\n"))).hasMessageEndingWith(
                "models[4].file: expected an ONNX model file, got " + missing + " (no such file)");
        assertThatThrownBy(() -> ConfigLoader.load(demoWithOnnx(layout + "    leads: 4\n")))
                .hasMessageEndingWith("models[4].file: expected a value (the key is missing)");
        assertThatThrownBy(() -> ConfigLoader.load(demoWithOnnx("    file: " + model + "\n" + layout
                + "    leads: 3\n"))).hasMessageEndingWith("models[4].leads: expected at least windows.out = 4 leads,"
                + " got 3");
        assertThatThrownBy(() -> ConfigLoader.load(demoWithOnnx("    file: " + model + "\n"
                + "    layout: {input: NTXHW, output: NTHW}\n    leads: 4\n")))
                .hasMessageContaining("models[4]: expected layout.input: the input's axes in order")
                .hasMessageContaining("got 'NTXHW'");
        assertThatThrownBy(() -> ConfigLoader.load(demoWithOnnx("    file: " + model + "\n" + layout
                + "    leads: 4\n    transforms:\n      rain_rate: {method: standardise, mean: 0.3}\n")))
                .hasMessageEndingWith("models[4].transforms.rain_rate.std: expected a value (the key is missing)");
        assertThatThrownBy(() -> ConfigLoader.load(demoWith("type: persistence\n",
                "type: persistence\n    file: " + model + "\n")))
                .hasMessageEndingWith("models[0].file: expected no file for type 'persistence' (only type onnx runs a"
                        + " model file)");
    }

    @Test
    void anOnnxFileOutsideTheInputRootIsRefused() throws IOException {
        Path root = Files.createDirectories(dir.resolve("archive"));
        Path model = Files.write(dir.resolve("m.onnx"), new byte[] {1});
        Path file = demoWithOnnx("    file: " + model + "\n    layout: {input: NTCHW, output: NTHW}\n    leads: 4\n");
        Files.writeString(file, Files.readString(file) + "roots:\n  input: " + root + "\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining("models[4].file: expected a path"
                + " inside roots.input (" + root.toRealPath() + "), got " + model);
    }

    @Test
    void aValueOfTheWrongKindNamesItsKey() throws IOException {
        Path file = demoWith("in: 4 ", "in: four ");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageContaining(file + ": windows.in:");
    }

    @Test
    void anUnknownRegionNameListsTheConfiguredOnes() {
        assertThatThrownBy(() -> ConfigLoader.load(DEMO).region("north"))
                .hasMessageContaining("a region named 'north'; configured: [west, east]");
    }

    /** The demo configuration with {@code layers} (YAML list items) as its top-level static_layers. */
    private Path demoWithStaticLayers(String layers) throws IOException {
        return demoWith("\nregions:\n", "\nstatic_layers:\n" + layers + "\nregions:\n");
    }

    private Path elevationFile() throws IOException {
        return SyntheticArchive.write(dir.resolve("synth"), new SyntheticArchive.Spec(1, 16, 1L, Duration.ofMinutes(5),
                Instant.parse("2026-01-01T00:00:00Z"))).elevation();
    }

    @Test
    void staticLayersApplyToEveryRegionUnlessARegionListsItsOwn() throws IOException {
        Path elevation = elevationFile();
        Path file = demoWithStaticLayers("  - {name: elevation, file: " + elevation + ", variable: elevation}\n"
                + "  - {name: slope, derived_from: elevation}");
        String yaml = Files.readString(file).replace("    cell_size: 1.0\n\nwindows:", "    cell_size: 1.0\n"
                + "    static_layers:\n      - {name: terrain, file: " + elevation + ", variable: elevation, method: area-mean}\n\nwindows:");
        Files.writeString(file, yaml);

        GridcastConfig config = ConfigLoader.load(file);

        assertThat(config.staticLayers("west")).containsExactly(StaticLayerSpec.continuous("elevation", elevation, "elevation"),
                StaticLayerSpec.derived("slope", "elevation"));
        assertThat(config.staticLayersKey("west")).isEqualTo("static_layers");
        assertThat(config.staticLayers("east")).containsExactly(
                StaticLayerSpec.continuous("terrain", elevation, "elevation").withMethod("area-mean"));
        assertThat(config.staticLayersKey("east")).isEqualTo("regions[1].static_layers");
        assertThat(ConfigLoader.load(DEMO).staticLayers("west")).as("none configured").isEmpty();
    }

    @Test
    void aStaticLayerWithAMissingFileVariableOrMethodNamesTheKeyAndTheFile() throws IOException {
        Path elevation = elevationFile();
        Path missing = demoWithStaticLayers("  - {name: elevation, file: " + dir.resolve("etopo.nc") + ", variable: ROSE}");
        assertThatThrownBy(() -> ConfigLoader.load(missing)).hasMessage(missing + ": static_layers[0].file: expected an "
                + "existing NetCDF file, " + dir.resolve("etopo.nc") + " does not exist");

        Path variable = demoWithStaticLayers("  - {name: elevation, file: " + elevation + ", variable: ROSE}");
        assertThatThrownBy(() -> ConfigLoader.load(variable)).hasMessageStartingWith(variable + ": static_layers[0].variable: "
                + "expected a variable of " + elevation + ", it has no 'ROSE'; it has ");

        Path method = demoWithStaticLayers("  - {name: land_sea, file: " + elevation + ", variable: elevation, categorical: true, method: bilinear}");
        assertThatThrownBy(() -> ConfigLoader.load(method)).hasMessageContaining(method + ": static_layers[0].method: "
                + "expected nearest or majority for the categorical layer 'land_sea'");

        Path unknownKey = demoWithStaticLayers("  - {name: elevation, file: " + elevation + ", varible: elevation}");
        assertThatThrownBy(() -> ConfigLoader.load(unknownKey)).hasMessageStartingWith(unknownKey
                + ": unknown key 'static_layers[0].varible'; expected one of: categorical, derived_from, file, fill_missing, "
                + "method, name, units, variable");
    }

    @Test
    void schedulesTakeSixFieldCronFiveFieldCronAndMacros() throws IOException {
        Path file = demoWith("report:\n", "schedules:\n  - {job: forecast, cron: \"0 */10 * * * *\"}\n"
                + "  - {job: ingest, cron: \"*/10 * * * *\"}\n  - {job: train, cron: \"@weekly\"}\nreport:\n");

        var entries = ConfigLoader.load(file).scheduleEntries();

        assertThat(entries).extracting(e -> e.job()).containsExactly("forecast", "ingest", "train");
        var noon = java.time.ZonedDateTime.parse("2026-01-07T12:00:00Z");
        assertThat(entries.get(0).cron().next(noon)).isEqualTo("2026-01-07T12:10:00Z");
        assertThat(entries.get(1).cron().next(noon)).as("five fields: second 0").isEqualTo("2026-01-07T12:10:00Z");
        assertThat(entries.get(2).cron().next(noon)).as("@weekly: Sunday midnight").isEqualTo("2026-01-11T00:00:00Z");
    }

    @Test
    void anInvalidCronNamesFileKeyAndTheExpectedForm() throws IOException {
        Path file = demoWith("report:\n", "schedules:\n  - {job: forecast, cron: \"0 */10 * * *\"}\n"
                + "  - {job: forecast, cron: \"every ten minutes\"}\nreport:\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessageStartingWith(file + ": schedules[1].cron: expected a "
                + "cron expression in UTC of six fields (second minute hour day-of-month month day-of-week, e.g. "
                + "'0 */10 * * * *'), five (minute first) or a macro (@hourly, @daily, @weekly, ...), got 'every ten minutes'");
    }

    @Test
    void aScheduledJobMustExist() throws IOException {
        Path file = demoWith("report:\n", "schedules:\n  - {job: retrain, cron: \"@daily\"}\nreport:\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file
                + ": schedules[0].job: expected one of [ingest, train, forecast, report, cycle], got 'retrain'");
    }

    @Test
    void anInputFolderEscapingItsRootIsRefused() throws IOException {
        Path root = dir.resolve("archives");
        Path file = demoWith("  dir: null ", "  dir: " + root.resolve("../elsewhere") + " ");
        Files.writeString(file, Files.readString(file) + "roots:\n  input: " + root + "\n  work: " + dir.resolve("work") + "\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": input.dir: expected a path inside "
                + "roots.input (" + root + "), got " + root.resolve("../elsewhere") + " (" + dir.resolve("elsewhere") + ")");

        Files.writeString(file, Files.readString(file).replace(root.resolve("../elsewhere").toString(), root.resolve("radar").toString()));
        GridcastConfig inside = ConfigLoader.load(file);
        assertThat(inside.confineWork(dir.resolve("work/../work/demo"), "--out")).isEqualTo(dir.resolve("work/demo"));
        assertThatThrownBy(() -> inside.confineWork(Path.of("/tmp"), "--out"))
                .hasMessage("--out: expected a path inside roots.work (" + dir.resolve("work") + "), got /tmp");
    }

    @Test
    void aStaticLayerOrArchiveLinkedFromOutsideItsRootIsRefused() throws IOException {
        Path root = Files.createDirectories(dir.resolve("archives"));
        Path outside = Files.createDirectories(dir.resolve("private"));
        Files.writeString(outside.resolve("elevation.nc"), "not for gridcast");
        // Inside the root by name, outside by the file system: a link to a folder elsewhere.
        Files.createSymbolicLink(root.resolve("static"), outside);
        Path file = demoWith("regions:", "static_layers:\n  - {name: elevation, file: " + root.resolve("static/elevation.nc")
                + ", variable: z}\nregions:");
        Files.writeString(file, Files.readString(file) + "roots:\n  input: " + root + "\n");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file + ": static_layers[0].file: expected a path "
                + "inside roots.input (" + root + "), got " + root.resolve("static/elevation.nc") + " ("
                + outside.resolve("elevation.nc") + ")");

        Files.writeString(file, Files.readString(file).replace("static_layers:\n  - {name: elevation, file: "
                + root.resolve("static/elevation.nc") + ", variable: z}\n", "").replace("  dir: null ", "  dir: "
                + root.resolve("static") + " "));
        assertThatThrownBy(() -> ConfigLoader.load(file)).as("an archive folder that is a link out of the root")
                .hasMessage(file + ": input.dir: expected a path inside roots.input (" + root + "), got "
                        + root.resolve("static") + " (" + outside + ")");
    }
}
