package io.gridcast.models.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.features.FeatureChannel;
import io.gridcast.features.Region;
import io.gridcast.features.Statistics;
import io.gridcast.features.TransformSpec;
import io.gridcast.ingest.synth.SyntheticArchive;
import io.gridcast.models.nowcasts.ModelSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ModelMetadataTest {

    @Test
    void theChannelsAndTheirFittedTransformsSurviveTheJsonRoundTrip() throws Exception {
        List<FeatureChannel> channels = List.of(
                new FeatureChannel("rain_rate", "dynamic",
                        new TransformSpec("db", 0.1).fit(new Statistics(4096, -9.2, 5.5, -15, 18.1, -15, -12.5, 11.9))),
                new FeatureChannel("elevation", "static",
                        TransformSpec.STANDARDISE.fit(new Statistics(64, 410, 120, 150, 900, 160, 400, 880))));
        Instant t = Instant.parse("2026-01-01T00:00:00Z");
        ModelMetadata metadata = new ModelMetadata("west", "convlstm", new ModelSpec("convlstm", "convlstm",
                List.of(8), 3, List.of(8, 16), 2, 4, 1e-3, 42L), "rain_rate", "mm h-1", "rainfall_rate",
                new Region("west", -8, 0, -8, 8, 1), SyntheticArchive.grid(16), channels, 4, 4, 300,
                List.of(new ModelMetadata.Period("train", t, t.plusSeconds(3600), 5)), Map.of("gap", 3),
                "the configured shares (train 0.7, validation 0.15)", List.of(), 0.5, t, "20260101T000000Z");

        String json = ModelRegistry.JSON.writeValueAsString(metadata);
        ModelMetadata back = ModelRegistry.JSON.readValue(json, ModelMetadata.class);

        assertThat(back.channels()).isEqualTo(channels);
        assertThat(back.periods()).isEqualTo(metadata.periods());
        assertThat(back.skippedWindows()).isEqualTo(Map.of("gap", 3));
        assertThat(ModelRegistry.JSON.writeValueAsString(back)).isEqualTo(json);
        assertThat(back.target().inverse(back.target().forward(3.7f))).isEqualTo(3.7f, org.assertj.core.api.Assertions.within(1e-5f));
    }
}
