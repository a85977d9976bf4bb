package io.gridcast.jobs.cli;

import static io.gridcast.jobs.cli.CycleEndToEndTest.gridcast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.withinPercentage;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** {@code gridcast bench train} on a tiny configuration: one JSON line on standard output and nothing else. */
class BenchTest {

    @ParameterizedTest
    @ValueSource(strings = {"convlstm", "cnnlstm"})
    void printsOneJsonLineOfStepTimes(String model) throws Exception {
        CycleEndToEndTest.Outcome run = gridcast("bench", "train", "--model", model, "--batch", "2", "--t-in", "3",
                "--t-out", "2", "--size", "8", "--hidden", "4", "--layers", "1", "--filters", "4", "--steps", "3",
                "--warmup", "1");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("bench").asText()).isEqualTo("train");
        assertThat(json.get("model").asText()).isEqualTo(model);
        assertThat(json.get("t_in").asInt()).isEqualTo(3);
        assertThat(json.get("steps").asInt()).isEqualTo(3);
        assertThat(json.get("step_s")).hasSize(3);
        double median = json.get("median_step_s").asDouble();
        assertThat(median).isPositive();
        assertThat(json.get("samples_per_s").asDouble()).isCloseTo(2 / median, withinPercentage(1));
        assertThat(json.get("params").asLong()).isPositive();
        assertThat(json.get("nd4j_backend").asText()).startsWith("CpuBackend");
    }

    @Test
    void aBaselineIsNotABenchmarkModel() {
        CycleEndToEndTest.Outcome run = gridcast("bench", "train", "--model", "persistence");

        assertThat(run.status()).isEqualTo(Gridcast.BAD_INPUT);
        assertThat(run.err()).contains("--model: expected a trainable model (convlstm or cnnlstm), got 'persistence'");
        assertThat(run.out()).isEmpty();
    }
}
