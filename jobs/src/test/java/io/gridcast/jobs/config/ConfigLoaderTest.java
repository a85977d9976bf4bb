package io.gridcast.jobs.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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
        assertThat(config.fssScales("snow_depth")).as("an unconfigured variable").isEmpty();
    }

    @Test
    void trainingKeysBindToTheModelSpec() throws IOException {
        Path file = demoWith("lr_schedule: {type: cosine, min_rate: 0.0002}",
                "lr_schedule: {type: plateau, factor: 0.25, patience: 3}\n    patience: 5\n    min_delta: 0.001\n"
                        + "    checkpoint_every: 2");
        var cnnlstm = ConfigLoader.load(file).modelSpecs().get(3);

        assertThat(cnnlstm.lrSchedule()).isEqualTo(new io.gridcast.models.LearningRateSchedule("plateau", 0.25, 3, 0));
        assertThat(cnnlstm.patience()).isEqualTo(5);
        assertThat(cnnlstm.minDelta()).isEqualTo(0.001);
        assertThat(cnnlstm.checkpointEvery()).isEqualTo(2);
        var convlstm = ConfigLoader.load(DEMO).modelSpecs().get(2);
        assertThat(convlstm.lrSchedule().isConstant()).isTrue();
        assertThat(convlstm.patience()).as("never stop early unless configured").isZero();
        assertThat(convlstm.checkpointEvery()).isEqualTo(1);
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
    void splitPeriodsAreIsoInstantsThatDoNotOverlap() throws IOException {
        String periods = "  splits:\n"
                + "    train: {from: \"2026-01-01T00:00:00Z\", to: \"2026-01-01T12:00:00Z\"}\n"
                + "    validation: {from: \"2026-01-01T12:00:00Z\", to: \"2026-01-01T15:00:00Z\"}\n"
                + "    test: {from: \"2026-01-01T15:00:00Z\", to: \"2026-01-02T00:00:00Z\"}\n";
        Path ok = demoWith("  cache_frames: 4096", periods + "  cache_frames: 4096");
        assertThat(ConfigLoader.load(ok).windowSpec().periods().get("validation"))
                .isEqualTo(new io.gridcast.features.WindowPlan.Period(java.time.Instant.parse("2026-01-01T12:00:00Z"),
                        java.time.Instant.parse("2026-01-01T15:00:00Z")));
        Path notIso = demoWith("  cache_frames: 4096", periods.replace("2026-01-01T15:00:00Z\", to", "15:00\", to")
                + "  cache_frames: 4096");
        assertThatThrownBy(() -> ConfigLoader.load(notIso)).hasMessageContaining("windows.splits.test: expected"
                + " ISO-8601 instants such as 2020-10-31T08:00:00Z, got from '15:00'");
        Path overlap = demoWith("  cache_frames: 4096", periods.replace("to: \"2026-01-01T12:00:00Z\"",
                "to: \"2026-01-01T13:00:00Z\"") + "  cache_frames: 4096");
        assertThatThrownBy(() -> ConfigLoader.load(overlap)).hasMessageContaining("windows.splits: expected the train"
                + " period 2026-01-01T00:00:00Z..2026-01-01T13:00:00Z overlaps the validation period");
    }

    @Test
    void anFssScaleBelowOneCellNamesItsKey() throws IOException {
        Path file = demoWith("fss_scales: [1, 5, 9]\n  precipitation", "fss_scales: [0, 5]\n  precipitation");

        assertThatThrownBy(() -> ConfigLoader.load(file)).hasMessage(file
                + ": variables.rain_rate.fss_scales: expected box widths in cells, each 1 or more, got [0, 5]");
    }

    @Test
    void aNegativeNumberOfMapCasesIsRefused() throws IOException {
        Path file = demoWith("map_cases: 2", "map_cases: -1");

        assertThatThrownBy(() -> ConfigLoader.load(file))
                .hasMessage(file + ": report.map_cases: expected 0 or more cases, got -1");
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
                .hasMessageContaining("models[3].type: expected one of [advection, cnnlstm, convlstm, persistence], got 'unet'");
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
}
