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
}
