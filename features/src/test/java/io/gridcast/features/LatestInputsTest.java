package io.gridcast.features;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.gridcast.ingest.catalog.CatalogEntry;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.SparkSessions;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.IntStream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A forecast's inputs from real catalogs: the newest frames every input has, found from the times, then read. */
class LatestInputsTest {

    private static final int CELLS = TestArchive.SIZE * TestArchive.SIZE;
    private static final ChannelTransform AS_IS = new TransformSpec("none", 0).fit(null);

    static SparkSession spark;

    @TempDir
    static Path dir;

    /** Rain at frames 0 to 5, wind at 0 to 4: the newest time both have is frame 4. */
    static FrameCatalog rain;
    static FrameCatalog wind;

    @BeforeAll
    static void catalogs() throws Exception {
        spark = SparkSessions.create("local[2]", Map.of());
        rain = catalog("rain_rate", "mm h-1", 6, 0);
        wind = catalog("wind_speed", "m s-1", 5, 500);
    }

    /** Frame f of {@code variable}: every cell holds f x 1000 + offset + its cell number. */
    private static FrameCatalog catalog(String variable, String units, int frames, int offset) throws Exception {
        Path archive = Files.createDirectories(dir.resolve(variable));
        TestArchive.write(archive, variable, units, IntStream.range(0, frames).boxed().toList(), f -> {
            float[] v = new float[CELLS];
            for (int c = 0; c < CELLS; c++) {
                v[c] = f * 1000 + offset + c;
            }
            return v;
        });
        return TestArchive.ingest(spark, archive, variable, dir.resolve("catalog").resolve(variable));
    }

    @AfterAll
    static void stopSpark() {
        spark.stop();
    }

    @Test
    void theNewestFramesEveryInputHasAreFoundFromTheTimesAloneThenRead() throws Exception {
        LatestInputs.Frames frames = LatestInputs.newest(List.of(rain, wind), 3, TestArchive.STEP);

        assertThat(frames.reference()).isEqualTo(TestArchive.time(4));
        assertThat(frames.entries()).extracting(inputs -> inputs.stream().map(CatalogEntry::time).toList())
                .containsExactly(List.of(TestArchive.time(2), TestArchive.time(2)),
                        List.of(TestArchive.time(3), TestArchive.time(3)),
                        List.of(TestArchive.time(4), TestArchive.time(4)));

        LatestInputs latest = frames.read(List.of(), RegionGrid.of(TestArchive.WHOLE, TestArchive.GRID),
                List.of(new FeatureChannel("rain_rate", "dynamic", AS_IS), new FeatureChannel("wind_speed", "dynamic",
                        AS_IS)));

        assertThat(latest.reference()).isEqualTo(TestArchive.time(4));
        assertThat(latest.inputs().shape()).containsExactly(1, 3, 2, TestArchive.SIZE, TestArchive.SIZE);
        float[] x = latest.inputs().data().asFloat();
        for (int t = 0; t < 3; t++) {
            assertThat(plane(x, t * 2)).as("rain at input time %d", t)
                    .containsExactlyInAnyOrderElementsOf(stamps(2 + t, 0));
            assertThat(plane(x, t * 2 + 1)).as("wind at input time %d", t)
                    .containsExactlyInAnyOrderElementsOf(stamps(2 + t, 500));
        }
    }

    private static List<Float> plane(float[] x, int index) {
        return IntStream.range(index * CELLS, (index + 1) * CELLS).mapToObj(i -> x[i]).toList();
    }

    /** What {@link #catalog} wrote into frame {@code f} of the variable at {@code offset}, whatever the cell order. */
    private static List<Float> stamps(int f, int offset) {
        return IntStream.range(0, CELLS).mapToObj(c -> (float) (f * 1000 + offset + c)).toList();
    }

    @Test
    void framesAreReadOnlyWhenAskedFor() throws Exception {
        Path archive = Files.createDirectories(dir.resolve("gone"));
        TestArchive.write(archive, "rain_rate", "mm h-1", List.of(0, 1), f -> new float[CELLS]);
        FrameCatalog catalog = TestArchive.ingest(spark, archive, "rain_rate", dir.resolve("catalog/gone"));
        try (var files = Files.list(archive)) {
            for (Path f : files.toList()) {
                Files.delete(f);
            }
        }

        LatestInputs.Frames frames = LatestInputs.newest(List.of(catalog), 2, TestArchive.STEP);

        assertThat(frames.reference()).isEqualTo(TestArchive.time(1));
        assertThatThrownBy(() -> frames.read(List.of(), RegionGrid.of(TestArchive.WHOLE, TestArchive.GRID),
                List.of(new FeatureChannel("rain_rate", "dynamic", AS_IS))))
                .hasMessageContaining("catalogued frame").hasMessageContaining("can no longer be read");
    }

    @Test
    void channelsOtherThanTheModelsAreRefused() {
        LatestInputs.Frames frames = LatestInputs.newest(List.of(rain), 2, TestArchive.STEP);

        assertThatThrownBy(() -> frames.read(List.of(), RegionGrid.of(TestArchive.WHOLE, TestArchive.GRID),
                List.of(new FeatureChannel("wind_speed", "dynamic", AS_IS))))
                .hasMessage("the model was trained on channels [wind_speed], the configuration gives [rain_rate]");
    }
}
