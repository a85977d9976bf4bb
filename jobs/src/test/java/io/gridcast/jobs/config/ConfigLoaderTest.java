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
        assertThat(config.units("rain_rate")).isEqualTo("mm h-1");
        assertThat(config.units("precipitation")).isEqualTo("kg m-2");
        assertThat(config.units("snow_depth")).as("an unconfigured variable: files need only agree").isNull();
    }

    @Test
    void theKnmiConfigurationNamesItsImporterAndUnits() {
        GridcastConfig config = ConfigLoader.load(DEMO.resolveSibling("knmi.yml"));

        assertThat(config.reader()).isEqualTo("knmi-hdf5");
        assertThat(config.pattern()).isEqualTo("*.h5");
        assertThat(config.input().variable()).isEqualTo("accumulated_precipitation");
        assertThat(config.units("accumulated_precipitation")).isEqualTo("mm");
        assertThat(config.region("west").xMin()).isEqualTo(288.0);
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
