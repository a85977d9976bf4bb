package io.gridcast.jobs.cli;

import static io.gridcast.jobs.cli.CycleEndToEndTest.gridcast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;
import static org.assertj.core.api.Assertions.withinPercentage;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.ingest.synth.SyntheticArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
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

    @ParameterizedTest
    @ValueSource(strings = {"advection-ensemble", "convlstm"})
    void forecastPrintsTheDeterministicForecastsAndEachMembersTimes(String model) throws Exception {
        CycleEndToEndTest.Outcome run = gridcast("bench", "forecast", "--model", model, "--members", "3", "--size",
                "16", "--t-in", "2", "--t-out", "2", "--hidden", "4", "--pairs", "2", "--warmup", "0");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("bench").asText()).isEqualTo("forecast");
        assertThat(json.get("model").asText()).isEqualTo(model);
        assertThat(json.get("members").asInt()).isEqualTo(3);
        List<Double> ratios = new ArrayList<>();
        for (int p = 0; p < 2; p++) {
            double deterministic = json.get("pair_deterministic_s").get(p).asDouble();
            double member = json.get("pair_member_s").get(p).asDouble();
            assertThat(deterministic).isPositive();
            assertThat(member).isPositive();
            ratios.add(member / deterministic);
        }
        // the median of two pairs' ratios is their mean; the JSON rounds times to 4 decimals
        assertThat(json.get("member_ratio").asDouble()).isCloseTo((ratios.get(0) + ratios.get(1)) / 2,
                withinPercentage(10));
        assertThat(json.get("nd4j_backend").asText()).startsWith("CpuBackend");
    }

    /** train and forecast take the same window options (one picocli mixin), each command with its own defaults. */
    @Test
    void trainAndForecastEachShowTheirOwnWindowDefaults() {
        CycleEndToEndTest.Outcome train = gridcast("bench", "train", "--help");
        CycleEndToEndTest.Outcome forecast = gridcast("bench", "forecast", "--help");

        assertThat(train.status()).isZero();
        assertThat(train.out()).contains("--t-in=<tIn>", "input frames (default: 10)", "lead times (default: 10)",
                "grid cells per side (default: 64)");
        assertThat(forecast.status()).isZero();
        assertThat(forecast.out()).contains("--t-in=<tIn>", "input frames (default: 4)", "lead times (default: 4)",
                "grid cells per side (default: 32)");
    }

    @Test
    void forecastNeedsAnEnsembleOfAVariantThatForecasts() {
        CycleEndToEndTest.Outcome run = gridcast("bench", "forecast", "--model", "persistence");

        assertThat(run.status()).isEqualTo(Gridcast.BAD_INPUT);
        assertThat(run.err()).contains("--model: expected advection-ensemble, convlstm or cnnlstm, got 'persistence'");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void kernelsPrintsTheRatesOfTheConvolutionKernels() throws Exception {
        CycleEndToEndTest.Outcome run = gridcast("bench", "kernels", "--batch", "1", "--size", "8", "--in", "3",
                "--out", "8", "--reps", "2");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("bench").asText()).isEqualTo("kernels");
        for (String kernel : new String[]{"forward", "backward_weights", "backward"}) {
            double ms = json.get(kernel + "_ms").asDouble();
            assertThat(ms).as(kernel).isPositive();
            // 2 flops x 64 cells x (9 x 3 taps) x 8 outputs per convolution, two in the full backward; the JSON
            // rounds both figures to 4 decimals.
            double gflops = (kernel.equals("backward") ? 2 : 1) * 2.0 * 64 * 27 * 8 / ms / 1e6;
            assertThat(json.get(kernel + "_gflops").asDouble()).as(kernel).isCloseTo(gflops,
                    within(5e-5 + gflops * 5e-5 / ms + 1e-9));
        }
        assertThat(json.get("implementation").asText()).contains(" | ");
        assertThat(json.get("nd4j_backend").asText()).startsWith("CpuBackend");
    }

    @Test
    void kernelsNeedsAnOddKernel() {
        CycleEndToEndTest.Outcome run = gridcast("bench", "kernels", "--kernel", "4");

        assertThat(run.status()).isEqualTo(Gridcast.BAD_INPUT);
        assertThat(run.err()).contains("an odd --kernel, got 4, 64, 64, 128, 20 and 4");
        assertThat(run.out()).isEmpty();
    }

    @Test
    void ingestPrintsOneJsonLineWithStartUpApart(@TempDir Path dir) throws Exception {
        SyntheticArchive.Result archive = SyntheticArchive.write(dir, new SyntheticArchive.Spec(4, 16, 1,
                SyntheticArchive.Spec.defaults().step(), SyntheticArchive.Spec.defaults().start()));

        CycleEndToEndTest.Outcome run = gridcast("bench", "ingest", "--input", archive.framesDir().toString(),
                "--variable", "rain_rate", "--master", "local[1]", "--runs", "1", "--warmup", "0");

        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out().lines()).hasSize(1);
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("bench").asText()).isEqualTo("ingest");
        assertThat(json.get("frames").asInt()).isEqualTo(4);
        assertThat(json.get("cores").asInt()).isEqualTo(1);
        double seconds = json.get("seconds").asDouble();
        assertThat(json.get("frames_per_s").asDouble()).isCloseTo(4 / seconds, withinPercentage(1));
        // Decoded values as 4-byte floats: 4 frames of 16 x 16 cells (printed to 4 decimals: a few hundredths of a
        // MB/s here, so the rounding, not the rate, bounds the difference).
        assertThat(json.get("mb_per_s").asDouble()).isCloseTo(4 * 16 * 16 * 4 / 1e6 / seconds, within(1e-4));
        assertThat(json.get("peak_rss_mb").asLong()).isPositive();
        assertThat(json.get("spark_start_s").asDouble()).isPositive();
        assertThat(json.get("jvm_start_s").asDouble()).isPositive();
        assertThat(json.get("cpu_s").asDouble()).isPositive();
        // Linux (where the tests run): the task threads' own CPU, and the JIT compiler's beside them.
        assertThat(json.get("task_cpu_s").asDouble()).isPositive().isLessThanOrEqualTo(json.get("cpu_s").asDouble());
        assertThat(json.get("task_wait_s").asDouble()).isNotNegative();
        assertThat(json.get("jit_cpu_s").asDouble()).isNotNegative();
        assertThat(json.get("steal_s").asDouble()).isNotNegative();
        assertThat(json.get("peak_heap_mb").asLong()).isPositive();
        assertThat(json.get("peak_rss_mb").asLong()).isPositive();
        // 16 x 16 cells as float; MB/s of decoded values, rounded to 4 decimals.
        assertThat(json.get("frame_mb").asDouble()).isEqualTo(0.001);
        assertThat(json.get("mb_per_s").asDouble()).isCloseTo(4 * 16 * 16 * 4 / 1e6 / seconds, within(1e-4));
    }

    /** An MRMS GRIB2 frame: the importer's settings and the units the file lacks come from the command line. */
    @Test
    void ingestReadsGribWithReaderSettingsAndUnits() throws Exception {
        Path mrms = Path.of(System.getProperty("gridcast.shared", "../../shared"), "data", "radar", "mrms-20190610");
        assumeTrue(Files.isDirectory(mrms), "skipped: " + mrms + " is absent (the shared data set is not beside this clone)");

        CycleEndToEndTest.Outcome run = gridcast("bench", "ingest", "--input", mrms.toString(), "--pattern",
                "*-000000.grib2", "--reader", "grib", "--variable", "precipitation_rate", "--option",
                "aliases.precipitation_rate=VAR209-6-1_FROM_161-0--1_altitude_above_msl", "--option",
                "missing_values=-3", "--units", "mm/h", "--master", "local[1]", "--runs", "1", "--warmup", "0");

        assertThat(run.status()).as(run.err()).isZero();
        JsonNode json = new ObjectMapper().readTree(run.out());
        assertThat(json.get("reader").asText()).isEqualTo("grib");
        assertThat(json.get("frames").asInt()).isEqualTo(1);
        assertThat(json.get("quarantined_files").asInt()).isZero();
        assertThat(json.get("frame_mb").asDouble()).isEqualTo(98.0);
    }

    @Test
    void ingestComparesMastersRoundByRound(@TempDir Path dir) throws Exception {
        SyntheticArchive.Result archive = SyntheticArchive.write(dir, new SyntheticArchive.Spec(4, 16, 1,
                SyntheticArchive.Spec.defaults().step(), SyntheticArchive.Spec.defaults().start()));

        CycleEndToEndTest.Outcome run = gridcast("bench", "ingest", "--input", archive.framesDir().toString(),
                "--variable", "rain_rate", "--master", "local[1],local[2]", "--rounds", "2", "--runs", "2",
                "--warmup", "0");

        assertThat(run.status()).as(run.err()).isZero();
        List<JsonNode> lines = new ArrayList<>();
        for (String line : run.out().lines().toList()) {
            lines.add(new ObjectMapper().readTree(line));
        }
        assertThat(lines).hasSize(3);
        assertThat(lines.get(0).get("master").asText()).isEqualTo("local[1]");
        assertThat(lines.get(1).get("master").asText()).isEqualTo("local[2]");
        assertThat(lines.get(1).get("cores").asInt()).isEqualTo(2);
        // Two rounds of two timed runs each.
        assertThat(lines.get(1).get("run_s")).hasSize(4);
        JsonNode comparison = lines.get(2);
        assertThat(comparison.get("bench").asText()).isEqualTo("ingest-comparison");
        assertThat(comparison.get("round_ratio")).hasSize(2);
        for (JsonNode round : comparison.get("round_ratio")) {
            assertThat(round.get(0).asDouble()).isEqualTo(1.0);
            assertThat(round.get(1).asDouble()).isPositive();
        }
        assertThat(comparison.get("median_ratio").get(1).asDouble()).isPositive();
    }

    @Test
    void ingestNamesAMasterGivenTwice() {
        CycleEndToEndTest.Outcome run = gridcast("bench", "ingest", "--input", ".", "--variable", "rain_rate",
                "--master", "local[1],local[1]");

        assertThat(run.status()).isEqualTo(Gridcast.BAD_INPUT);
        assertThat(run.err()).contains("--master: expected one or more different masters, got [local[1], local[1]]");
    }

    @Test
    void aBaselineIsNotABenchmarkModel() {
        CycleEndToEndTest.Outcome run = gridcast("bench", "train", "--model", "persistence");

        assertThat(run.status()).isEqualTo(Gridcast.BAD_INPUT);
        assertThat(run.err()).contains("--model: expected a trainable model (convlstm or cnnlstm), got 'persistence'");
        assertThat(run.out()).isEmpty();
    }
}
