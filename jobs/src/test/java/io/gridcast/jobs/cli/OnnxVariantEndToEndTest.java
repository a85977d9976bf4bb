package io.gridcast.jobs.cli;

import static io.gridcast.jobs.cli.CycleEndToEndTest.files;
import static io.gridcast.jobs.cli.CycleEndToEndTest.gridcast;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gridcast.jobs.cli.CycleEndToEndTest.Outcome;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A model made in PyTorch and exported to ONNX ({@code models/src/test/python/export_onnx.py}) beside persistence:
 * registered by the train job, forecast, verified and reported like gridcast's own variants.
 */
class OnnxVariantEndToEndTest {

    @TempDir
    static Path dir;

    static Outcome run;

    /** The tiny demo's regions (16 x 16 cells), windows of 3 frames in and 3 leads, and the ONNX variant. */
    static Path config(Path model, String layout) throws IOException {
        String tiny = Files.readString(CycleEndToEndTest.TINY);
        String models = tiny.substring(tiny.indexOf("models:"), tiny.indexOf("report:"));
        return Files.writeString(dir.resolve("onnx-" + model.getParent().getFileName() + ".yml"), tiny.replace(models,
                """
                models:
                  - name: persistence
                    type: persistence
                  - name: torch-convlstm
                    type: onnx
                    file: %s
                    layout: %s
                    leads: 3
                    transforms:
                      rain_rate: {method: none, min: 0}   # trained on rain rates in mm/h, as they are
                """.formatted(model, layout)));
    }

    /** The PyTorch networks for windows of 3 frames and 3 leads on {@code size} x {@code size} cells. */
    static Path export(String name, int size) throws IOException, InterruptedException {
        Path out = dir.resolve(name);
        Process p = new ProcessBuilder("/usr/bin/python3", "../models/src/test/python/export_onnx.py", out.toString(),
                "--in", "3", "--leads", "3", "--height", Integer.toString(size), "--width", Integer.toString(size))
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assumeTrue(!output.contains("No module named 'torch'"),
                "skipped: PyTorch is not installed (apt-get install python3-torch; .ci/run installs it)");
        assertThat(code).as(output).isZero();
        return out;
    }

    @BeforeAll
    static void runTheCycleWithAnOnnxVariant() throws IOException, InterruptedException {
        Path model = export("fits", 16).resolve("convlstm.onnx");
        run = gridcast("demo", "--config", config(model, "{input: NTCHW, output: NTCHW}").toString(), "--out",
                dir.resolve("work").toString(), "--frames", "80");
    }

    @Test
    void theOnnxVariantIsVerifiedAndReportedBesidePersistence() throws IOException {
        assertThat(run.status()).as(run.err()).isZero();
        Path report = files(dir.resolve("work/reports"), "metrics.csv").get(0);
        String metrics = Files.readString(report);
        for (String region : new String[] {"west", "east"}) {
            for (int lead = 1; lead <= 3; lead++) {
                assertThat(metrics).contains(region + ",torch-convlstm," + lead * 5 + ",mse,");
                assertThat(metrics).contains(region + ",persistence," + lead * 5 + ",mse,");
            }
        }
        assertThat(metrics.lines().filter(l -> l.contains(",torch-convlstm,") && l.contains(",mse,"))
                .map(l -> l.substring(l.lastIndexOf(',') + 1))).allMatch(v -> Double.isFinite(Double.parseDouble(v)));
        assertThat(Files.readString(report.resolveSibling("index.html"))).contains("torch-convlstm");
        assertThat(files(dir.resolve("work/forecasts/east/torch-convlstm"), ".nc")).isNotEmpty();
    }

    @Test
    void theTrainJobRegistersTheModelsFileSoForecastsRunWhatWasRegistered() throws IOException {
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(files(dir.resolve("work/models/rain_rate/west/torch-convlstm"), "model.onnx")).singleElement()
                .satisfies(copy -> assertThat(Files.readAllBytes(copy))
                        .isEqualTo(Files.readAllBytes(dir.resolve("fits/convlstm.onnx"))));
    }

    @Test
    void aModelForAnotherGridFailsTheTrainJobNamingTheFileAndBothShapes() throws IOException, InterruptedException {
        // The CNN-LSTM's dense layers fix its grid: exported for 8 x 8 cells, the regions have 16 x 16.
        Path model = export("other-grid", 8).resolve("cnnlstm.onnx");
        Outcome failed = gridcast("demo", "--config", config(model, "{input: NTHWC, output: NTHW}").toString(),
                "--out", dir.resolve("other-grid-work").toString(), "--frames", "80");

        assertThat(failed.status()).isEqualTo(1);
        assertThat(failed.err()).contains("'train-partition:west:torch-convlstm'")
                .contains(model + ": the model's input 'frames' has shape [batch, 3, 8, 8, 1], expected"
                        + " [N=any, T=3, H=16, W=16, C=1]");
    }
}
