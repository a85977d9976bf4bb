package io.gridcast.models.nowcasts;

import ai.onnxruntime.NodeInfo;
import ai.onnxruntime.OnnxJavaType;
import ai.onnxruntime.OnnxTensor;
import ai.onnxruntime.OnnxValue;
import ai.onnxruntime.OrtEnvironment;
import ai.onnxruntime.OrtException;
import ai.onnxruntime.OrtSession;
import ai.onnxruntime.TensorInfo;
import io.gridcast.features.ChannelTransform;
import io.gridcast.features.FeatureChannel;
import io.gridcast.features.WindowShape;
import io.gridcast.models.Nowcaster;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.ref.Cleaner;
import java.nio.FloatBuffer;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/**
 * A model exported elsewhere, run by ONNX Runtime: gridcast's windows are put into the model's layout and
 * transform, and its forecasts back into the region's model units, so it is verified like every other variant.
 * The file is checked against the region's windows when loaded, from its input and output metadata.
 */
final class OnnxNowcaster implements Nowcaster {

    public static final String TYPE = "onnx";
    /** The model's copy in a registry version: forecasts run the file that was registered, not today's. */
    static final String FILE = "model.onnx";

    private static final Cleaner CLEANER = Cleaner.create();

    private final String source;
    private final byte[] bytes;
    private final OrtSession session;
    private final String inputName;
    /** A model exported with a batch axis of size 1 is run one window at a time. */
    private final boolean oneByOne;
    private final OnnxSpec spec;
    private final WindowShape shape;
    /** Per input channel: the region's transform and the model's, or null where they are the same. */
    private final ChannelTransform[] region;
    private final ChannelTransform[] own;

    private OnnxNowcaster(String source, byte[] bytes, OrtSession session, String inputName, boolean oneByOne,
                          OnnxSpec spec, WindowShape shape, List<FeatureChannel> channels) {
        this.source = source;
        this.bytes = bytes;
        this.session = session;
        this.inputName = inputName;
        this.oneByOne = oneByOne;
        this.spec = spec;
        this.shape = shape;
        this.region = new ChannelTransform[channels.size()];
        this.own = new ChannelTransform[channels.size()];
        for (int c = 0; c < channels.size(); c++) {
            region[c] = channels.get(c).transform();
            own[c] = spec.transforms().get(channels.get(c).name());
        }
        CLEANER.register(this, new Closer(session));
    }

    /**
     * Loads {@code file} for windows of {@code shape} whose channels (in order, with the region's fitted transforms)
     * are {@code channels}. A file that is missing, not ONNX, or whose input or output does not fit the windows is
     * an error naming it, the expected and the found shapes.
     */
    static OnnxNowcaster load(OnnxSpec spec, Path file, WindowShape shape, List<FeatureChannel> channels) {
        List<String> names = channels.stream().map(FeatureChannel::name).toList();
        for (String name : spec.transforms().keySet()) {
            if (!names.contains(name)) {
                throw new IllegalArgumentException(spec.file() + ": a transform for channel '" + name
                        + "', which the windows do not have; their channels: " + names);
            }
        }
        byte[] bytes;
        try {
            bytes = Files.readAllBytes(file);
        } catch (NoSuchFileException e) {
            throw new IllegalArgumentException(file + ": no such ONNX model file");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the ONNX model " + file, e);
        }
        OrtSession session;
        try {
            session = OrtEnvironment.getEnvironment().createSession(bytes, new OrtSession.SessionOptions());
        } catch (OrtException e) {
            throw new IllegalArgumentException(file + ": not an ONNX model ONNX Runtime can load: " + e.getMessage(), e);
        }
        try {
            Map<String, NodeInfo> inputs = session.getInputInfo();
            Map<String, NodeInfo> outputs = session.getOutputInfo();
            if (inputs.size() != 1 || outputs.isEmpty()) {
                throw new IllegalArgumentException(file + ": expected a model of one input (the frames) and at least"
                        + " one output (the forecast, the first), found inputs " + inputs.keySet() + " and outputs "
                        + outputs.keySet());
            }
            NodeInfo input = inputs.values().iterator().next();
            requireDroppedAxes(file, spec, shape);
            check(file, "input", input, spec.inputLayout(), expectedInput(spec.inputLayout(), shape));
            check(file, "output", outputs.values().iterator().next(), spec.outputLayout(),
                    expectedOutput(spec.outputLayout(), spec.leads(), shape));
            if (spec.leads() < shape.out()) {
                throw new IllegalArgumentException(file + ": the model forecasts " + spec.leads() + " leads, the"
                        + " windows verify " + shape.out() + " (windows.out)");
            }
            long[] batch = ((TensorInfo) input.getInfo()).getShape();
            return new OnnxNowcaster(file.toString(), bytes, session, input.getName(),
                    batch[spec.inputLayout().indexOf('N')] == 1, spec, shape, channels);
        } catch (OrtException | RuntimeException e) {
            close(session);
            if (e instanceof RuntimeException r) {
                throw r;
            }
            throw new IllegalArgumentException(file + ": cannot read the model's inputs and outputs: " + e.getMessage(), e);
        }
    }

    @Override
    public String type() {
        return TYPE;
    }

    /** Writes the model's file into a registry version's folder. */
    void save(Path dir) {
        try {
            Files.write(dir.resolve(FILE), bytes);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(FILE), e);
        }
    }

    @Override
    public INDArray predict(INDArray inputs) {
        Windows.requireInputs(inputs, shape);
        if (oneByOne && inputs.size(0) > 1) {
            List<INDArray> forecasts = new ArrayList<>();
            for (long b = 0; b < inputs.size(0); b++) {
                forecasts.add(run(inputs.get(NDArrayIndex.interval(b, b + 1))));
            }
            return Nd4j.concat(0, forecasts.toArray(INDArray[]::new));
        }
        return run(inputs);
    }

    private INDArray run(INDArray inputs) {
        int batch = (int) inputs.size(0);
        float[] x = inputs.castTo(DataType.FLOAT).dup('c').data().asFloat();
        toModelUnits(x);
        INDArray arranged = arrange(Nd4j.create(x, new long[] {batch, shape.in(), shape.channels(), shape.height(),
                shape.width()}, 'c'));
        float[] y;
        long[] found;
        try (OnnxTensor tensor = OnnxTensor.createTensor(OrtEnvironment.getEnvironment(),
                FloatBuffer.wrap(arranged.data().asFloat()), arranged.shape());
             OrtSession.Result result = session.run(Map.of(inputName, tensor))) {
            OnnxValue value = result.get(0);
            if (!(value instanceof OnnxTensor out) || out.getInfo().type != OnnxJavaType.FLOAT) {
                throw new IllegalArgumentException(source + ": the model's first output is " + value.getInfo()
                        + ", expected a float tensor");
            }
            found = out.getInfo().getShape();
            FloatBuffer buffer = out.getFloatBuffer();
            y = new float[buffer.remaining()];
            buffer.get(y);
        } catch (OrtException e) {
            throw new IllegalStateException(source + ": ONNX Runtime failed on a batch of " + batch + " windows: "
                    + e.getMessage(), e);
        }
        long[] expected = expectedOutput(spec.outputLayout(), spec.leads(), shape);
        expected[spec.outputLayout().indexOf('N')] = batch;
        if (!Arrays.equals(found, expected)) {
            throw new IllegalArgumentException(source + ": the model's output has shape " + Arrays.toString(found)
                    + " (" + spec.outputLayout() + "), expected " + Arrays.toString(expected));
        }
        INDArray forecast = leadsFirst(Nd4j.create(y, found, 'c'), batch)
                .get(NDArrayIndex.all(), NDArrayIndex.interval(0, shape.out()), NDArrayIndex.all(), NDArrayIndex.all())
                .dup('c');
        toRegionUnits(forecast);
        return forecast.castTo(inputs.dataType());
    }

    /** The region's model units to the model's own, channel by channel ({@code x} is [batch, in, channel, y, x]). */
    private void toModelUnits(float[] x) {
        int cells = shape.height() * shape.width();
        for (int c = 0; c < own.length; c++) {
            if (own[c] == null) {
                continue;
            }
            for (int frame = c; frame * cells < x.length; frame += shape.channels()) {
                for (int i = frame * cells; i < (frame + 1) * cells; i++) {
                    x[i] = own[c].forward(region[c].inverse(x[i]));
                }
            }
        }
    }

    private void toRegionUnits(INDArray forecast) {
        if (own[0] == null) {
            return;
        }
        float[] y = forecast.data().asFloat();
        for (int i = 0; i < y.length; i++) {
            y[i] = region[0].forward(own[0].inverse(y[i]));
        }
        forecast.assign(Nd4j.create(y, forecast.shape(), 'c'));
    }

    /** gridcast's [N, T, C, H, W] in the model's input layout. */
    private INDArray arrange(INDArray x) {
        String layout = spec.inputLayout();
        long n = x.size(0);
        String axes = OnnxSpec.AXES;
        if (layout.indexOf('T') < 0) {
            x = x.reshape('c', n, (long) shape.in() * shape.channels(), shape.height(), shape.width());
            axes = "NCHW";
        }
        if (layout.indexOf('C') < 0) {
            x = x.reshape('c', drop(x.shape(), axes.indexOf('C')));
            axes = axes.replace("C", "");
        }
        int[] order = new int[layout.length()];
        for (int i = 0; i < order.length; i++) {
            order[i] = axes.indexOf(layout.charAt(i));
        }
        return x.permute(order).dup('c');
    }

    /** The model's output in its layout as gridcast's [N, lead, H, W]. */
    private INDArray leadsFirst(INDArray y, int batch) {
        String layout = spec.outputLayout();
        // Without T, the leads are on C; with both, C has size 1 and goes last, to be dropped.
        String axes = layout.indexOf('T') < 0 ? layout.replace('C', 'T') : layout;
        String target = "NTHW".chars().filter(a -> axes.indexOf(a) >= 0)
                .collect(StringBuilder::new, StringBuilder::appendCodePoint, StringBuilder::append).toString();
        String order = target + axes.replaceAll("[" + target + "]", "");
        int[] permutation = order.chars().map(axes::indexOf).toArray();
        return y.permute(permutation).dup('c').reshape('c', batch, y.length() / batch / shape.height() / shape.width(),
                shape.height(), shape.width());
    }

    /**
     * An axis the windows have and the layout lacks must have size 1: C without T is one channel (with T absent,
     * frames times channels), and an output of neither T nor C is one lead.
     */
    private static void requireDroppedAxes(Path file, OnnxSpec spec, WindowShape shape) {
        boolean time = spec.inputLayout().indexOf('T') >= 0;
        long channels = time ? shape.channels() : (long) shape.in() * shape.channels();
        if (spec.inputLayout().indexOf('C') < 0 && channels != 1) {
            throw new IllegalArgumentException(file + ": layout.input " + spec.inputLayout() + " has no channel axis,"
                    + " but the windows have " + (time ? channels + " channels" : shape.in() + " frames of "
                    + shape.channels() + " channels to stack on it"));
        }
        if (!spec.outputLayout().contains("T") && !spec.outputLayout().contains("C") && spec.leads() != 1) {
            throw new IllegalArgumentException(file + ": layout.output " + spec.outputLayout() + " has neither a"
                    + " time nor a channel axis for " + spec.leads() + " leads");
        }
    }

    /** The input shape the windows need in {@code layout}, -1 for the batch (any). */
    static long[] expectedInput(String layout, WindowShape shape) {
        boolean time = layout.indexOf('T') >= 0;
        long channels = time ? shape.channels() : (long) shape.in() * shape.channels();
        return dims(layout, time ? shape.in() : 1, channels, shape);
    }

    static long[] expectedOutput(String layout, int leads, WindowShape shape) {
        boolean time = layout.indexOf('T') >= 0;
        return dims(layout, leads, time ? 1 : leads, shape);
    }

    private static long[] dims(String layout, long time, long channels, WindowShape shape) {
        long[] dims = new long[layout.length()];
        for (int i = 0; i < dims.length; i++) {
            dims[i] = switch (layout.charAt(i)) {
                case 'N' -> -1;
                case 'T' -> time;
                case 'C' -> channels;
                case 'H' -> shape.height();
                default -> shape.width();
            };
        }
        return dims;
    }

    /**
     * A tensor fits when it is float and has the expected rank, and every fixed axis has the expected size; dynamic
     * axes fit any size.
     */
    private static void check(Path file, String which, NodeInfo node, String layout, long[] expected) {
        String wanted = describe(layout, expected);
        if (!(node.getInfo() instanceof TensorInfo info) || info.type != OnnxJavaType.FLOAT) {
            throw new IllegalArgumentException(file + ": the model's " + which + " '" + node.getName() + "' is "
                    + node.getInfo() + ", expected a float tensor " + wanted);
        }
        long[] found = info.getShape();
        boolean fits = found.length == expected.length;
        for (int i = 0; fits && i < found.length; i++) {
            // Only the batch is expected as any size (-1); fixed, it must be 1.
            fits = found[i] < 0 || found[i] == (expected[i] < 0 ? 1 : expected[i]);
        }
        if (!fits) {
            throw new IllegalArgumentException(file + ": the model's " + which + " '" + node.getName() + "' has shape "
                    + describe(found, info.getDimensionNames()) + ", expected " + wanted + " (layout." + which + ": "
                    + layout + "; the batch axis dynamic or 1)");
        }
    }

    private static String describe(String layout, long[] dims) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            parts.add(layout.charAt(i) + "=" + (dims[i] < 0 ? "any" : dims[i]));
        }
        return parts.toString();
    }

    private static String describe(long[] dims, String[] names) {
        List<String> parts = new ArrayList<>();
        for (int i = 0; i < dims.length; i++) {
            parts.add(dims[i] >= 0 ? Long.toString(dims[i])
                    : names != null && i < names.length && !names[i].isEmpty() ? names[i] : "?");
        }
        return parts.toString();
    }

    private static long[] drop(long[] dims, int axis) {
        long[] out = new long[dims.length - 1];
        for (int i = 0, j = 0; i < dims.length; i++) {
            if (i != axis) {
                out[j++] = dims[i];
            }
        }
        return out;
    }

    private static void close(OrtSession session) {
        try {
            session.close();
        } catch (OrtException e) {
            // Closing frees native memory only; nothing is lost.
        }
    }

    /** Frees the session's native memory once the model is unreachable (Nowcaster has no close). */
    private record Closer(OrtSession session) implements Runnable {
        @Override
        public void run() {
            close(session);
        }
    }
}
