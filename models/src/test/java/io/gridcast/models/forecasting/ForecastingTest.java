package io.gridcast.models.forecasting;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.time.Instant;
import org.junit.jupiter.api.Test;

/** Forecast file names: one file per reference time, the time read back from the name. */
class ForecastingTest {

    @Test
    void aWholeMinuteIsNamedToTheMinuteAndReadBack() {
        Instant reference = Instant.parse("2026-12-07T15:05:00Z");

        String name = Forecasting.fileName("west", "convlstm", reference);

        assertThat(name).isEqualTo("west_convlstm_20261207T1505Z.nc");
        assertThat(Forecasting.referenceTime(Path.of("forecasts/west/convlstm", name))).contains(reference);
    }

    @Test
    void framesLessThanAMinuteApartGetFilesOfTheirOwn() {
        Instant first = Instant.parse("2026-12-07T15:05:00Z");
        Instant next = Instant.parse("2026-12-07T15:05:05Z");

        String name = Forecasting.fileName("all", "persistence", next);

        assertThat(name).isEqualTo("all_persistence_20261207T150505Z.nc")
                .isNotEqualTo(Forecasting.fileName("all", "persistence", first));
        assertThat(Forecasting.referenceTime(Path.of(name))).contains(next);
    }

    @Test
    void otherFilesHaveNoReferenceTime() {
        assertThat(Forecasting.referenceTime(Path.of("all_advection-ensemble_20261207T1505Z_probability.nc"))).isEmpty();
        assertThat(Forecasting.referenceTime(Path.of("notes.nc"))).isEmpty();
    }
}
