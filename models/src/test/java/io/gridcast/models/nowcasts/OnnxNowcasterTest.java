package io.gridcast.models.nowcasts;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.FeatureChannel;
import io.gridcast.features.Statistics;
import io.gridcast.features.WindowShape;
import io.gridcast.models.Nowcaster;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * Networks made in PyTorch and exported with {@code torch.onnx.export} ({@code src/test/python/export_onnx.py},
 * Debian's python3-torch) forecast through gridcast as PyTorch does, each read in its own layout.
 */
class OnnxNowcasterTest {

    /** The exported windows: 4 frames of two channels (rain, elevation) on 16 x 16 cells, 3 leads, a batch of 2. */
    private static final WindowShape SHAPE = new WindowShape(4, 3, 2, 16, 16);
    /** Physical values pass unchanged; the statistics' negative minimum keeps negative values unclipped. */
    private static final ChannelTransform IDENTITY = new ChannelTransform("none", 0,
            new Statistics(1, 0, 1, -10, 10, 0, 0, 0));

    @TempDir
    static Path exported;

    @BeforeAll
    static void exportFromPyTorch() throws IOException, InterruptedException {
        Process p = new ProcessBuilder("/usr/bin/python3", "src/test/python/export_onnx.py", exported.toString(),
                "--in", "4", "--leads", "3", "--channels", "2", "--height", "16", "--width", "16", "--batch", "2")
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        int code = p.waitFor();
        assumeTrue(!output.contains("No module named 'torch'"),
                "skipped: PyTorch is not installed (apt-get install python3-torch; .ci/run installs it)");
        assertThat(code).as(output).isZero();
    }

    @Test
    void aPyTorchConvLstmForecastsAsInPyTorch() {
        assertForecastsAsPyTorch("convlstm", "NTCHW", "NTCHW");
    }

    @Test
    void aPyTorchCnnLstmReadingKerasLayoutForecastsAsInPyTorch() {
        assertForecastsAsPyTorch("cnnlstm", "NTHWC", "NTHW");
    }

    @Test
    void aModelTakingTheFramesAsChannelsForecastsAsInPyTorch() {
        assertForecastsAsPyTorch("stacked", "NCHW", "NCHW");
    }

    @Test
    void theModelsOwnTransformIsAppliedAroundIt() {
        // The region standardises (mean 1, std 2); the model was trained on physical values.
        ChannelTransform region = new ChannelTransform("standardise", 0, new Statistics(1, 1, 2, -10, 10, 0, 0, 0));
        OnnxSpec spec = new OnnxSpec(file("convlstm").toString(), "NTCHW", "NTCHW", 3, Map.of("rain", IDENTITY));
        Nowcaster model = OnnxNowcaster.load(spec, file("convlstm"), SHAPE,
                List.of(new FeatureChannel("rain", "dynamic", region), channels().get(1)));

        INDArray inputs = Nd4j.createFromNpyFile(exported.resolve("convlstm_input.npy").toFile());
        INDArray rain = inputs.get(NDArrayIndex.all(), NDArrayIndex.all(), NDArrayIndex.point(0));
        rain.assign(rain.sub(1).div(2));
        INDArray forecast = model.predict(inputs);

        assertClose(forecast.mul(2).add(1), expected("convlstm"));
    }

    @Test
    void aModelForOtherWindowsIsAnErrorNamingTheFileAndBothShapes() {
        // The CNN-LSTM's dense layers fix its grid at 16 x 16; the region has 32 x 32 cells.
        WindowShape larger = new WindowShape(4, 3, 2, 32, 32);
        assertThatThrownBy(() -> load("cnnlstm", "NTHWC", "NTHW", 3, larger))
                .hasMessageContaining(file("cnnlstm").toString())
                .hasMessageContaining("[batch, 4, 16, 16, 2]")
                .hasMessageContaining("[N=any, T=4, H=32, W=32, C=2]");
        // The ConvLSTM is unrolled over its 4 input frames: any grid, but not 5 frames.
        assertThatThrownBy(() -> load("convlstm", "NTCHW", "NTCHW", 3, new WindowShape(5, 3, 2, 32, 32)))
                .hasMessageContaining("[batch, 4, 2, height, width]")
                .hasMessageContaining("[N=any, T=5, C=2, H=32, W=32]");
        assertThatThrownBy(() -> load("convlstm", "NTCHW", "NTCHW", 4, SHAPE))
                .hasMessageContaining("output 'forecast' has shape [batch, 3, 1, height, width]")
                .hasMessageContaining("T=4");
        // A layout of the wrong rank, and more leads verified than the model forecasts.
        assertThatThrownBy(() -> load("convlstm", "NCHW", "NTCHW", 3, SHAPE))
                .hasMessageContaining("[N=any, C=8, H=16, W=16]");
        assertThatThrownBy(() -> load("convlstm", "NTCHW", "NTCHW", 3, new WindowShape(4, 6, 2, 16, 16)))
                .hasMessageContaining(file("convlstm") + ": the model forecasts 3 leads, the windows verify 6");
    }

    @Test
    void aMissingOrCorruptFileIsAnErrorNamingIt() throws IOException {
        Path missing = exported.resolve("absent.onnx");
        assertThatThrownBy(() -> OnnxNowcaster.load(spec(missing, "NTCHW", "NTCHW", 3), missing, SHAPE, channels()))
                .hasMessage(missing + ": no such ONNX model file");
        Path corrupt = Files.write(exported.resolve("corrupt.onnx"),
                "not a protobuf".getBytes(StandardCharsets.UTF_8));
        assertThatThrownBy(() -> OnnxNowcaster.load(spec(corrupt, "NTCHW", "NTCHW", 3), corrupt, SHAPE, channels()))
                .hasMessageStartingWith(corrupt + ": not an ONNX model ONNX Runtime can load");
    }

    @Test
    void aTransformForAChannelTheWindowsLackIsAnError() {
        OnnxSpec spec = new OnnxSpec(file("convlstm").toString(), "NTCHW", "NTCHW", 3,
                Map.of("snow", IDENTITY));
        assertThatThrownBy(() -> OnnxNowcaster.load(spec, file("convlstm"), SHAPE, channels()))
                .hasMessageContaining("channel 'snow', which the windows do not have; their channels: [rain, elevation]");
    }

    @Test
    void aSavedModelLoadsFromItsVersionFolderAndForecastsAlike(@TempDir Path version) {
        ModelSpec spec = new ModelSpec("torch", OnnxNowcaster.TYPE, List.of(), 3, List.of(), 1, 8, 1e-3, 1,
                LearningRateSchedule.CONSTANT, 0, 0, 1, false, 1, NowcastLoss.MSE.key(), false, "none",
                spec(file("stacked"), "NCHW", "NCHW", 3));
        Nowcaster model = ModelVariants.external(spec, SHAPE, channels());
        ModelVariants.save(model, version);
        Nowcaster loaded = ModelVariants.loadExternal(spec, version, SHAPE, channels());

        INDArray inputs = Nd4j.createFromNpyFile(exported.resolve("stacked_input.npy").toFile());
        assertThat(loaded.predict(inputs)).isEqualTo(model.predict(inputs));
        assertThat(loaded.type()).isEqualTo("onnx");
    }

    private static void assertForecastsAsPyTorch(String name, String input, String output) {
        Nowcaster model = load(name, input, output, 3, SHAPE);
        INDArray inputs = Nd4j.createFromNpyFile(exported.resolve(name + "_input.npy").toFile());

        assertClose(model.predict(inputs), expected(name));
        // One window alone, as the forecast job runs it, gives that window's forecast.
        INDArray first = inputs.get(NDArrayIndex.interval(0, 1)).dup();
        assertClose(model.predict(first), expected(name).get(NDArrayIndex.interval(0, 1)));
    }

    private static void assertClose(INDArray forecast, INDArray pytorch) {
        assertThat(forecast.shape()).containsExactly(pytorch.shape());
        double largest = Nd4j.getExecutioner().exec(new org.nd4j.linalg.api.ops.impl.reduce.same.AMax(
                forecast.sub(pytorch))).getDouble(0);
        assertThat(largest).isLessThanOrEqualTo(1e-5);
        assertThat(pytorch.amaxNumber().doubleValue()).isGreaterThan(0.1);
    }

    private static INDArray expected(String name) {
        return Nd4j.createFromNpyFile(exported.resolve(name + "_output.npy").toFile());
    }

    private static Nowcaster load(String name, String input, String output, int leads, WindowShape shape) {
        return OnnxNowcaster.load(spec(file(name), input, output, leads), file(name), shape, channels());
    }

    private static OnnxSpec spec(Path file, String input, String output, int leads) {
        return new OnnxSpec(file.toString(), input, output, leads, Map.of());
    }

    private static List<FeatureChannel> channels() {
        return List.of(new FeatureChannel("rain", "dynamic", IDENTITY), new FeatureChannel("elevation", "static",
                IDENTITY));
    }

    private static Path file(String name) {
        return exported.resolve(name + ".onnx");
    }
}
