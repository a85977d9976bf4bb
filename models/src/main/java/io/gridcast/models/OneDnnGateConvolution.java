package io.gridcast.models;

import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_BIAS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DIFF_WEIGHTS;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_DST;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_SRC;
import static org.bytedeco.dnnl.global.dnnl.DNNL_ARG_WEIGHTS;

import java.util.HashMap;
import java.util.Map;

import org.bytedeco.dnnl.IntMemoryMap;
import org.bytedeco.dnnl.convolution_backward_data;
import org.bytedeco.dnnl.convolution_backward_weights;
import org.bytedeco.dnnl.convolution_forward;
import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.global.dnnl.algorithm;
import org.bytedeco.dnnl.global.dnnl.prop_kind;
import org.bytedeco.dnnl.memory;
import org.bytedeco.dnnl.post_ops;
import org.bytedeco.dnnl.primitive_attr;
import org.bytedeco.dnnl.reorder;
import org.bytedeco.dnnl.stream;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.javacpp.PointerScope;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.shape.Shape;

/**
 * One ConvLSTM cell's gate convolution in float through oneDNN's own primitives (the JavaCPP preset), not libnd4j's
 * {@code conv2d}: forward, backward data (the input gradient) and backward weights (the weight and bias gradients
 * at once, with no im2col). libnd4j bundles an older oneDNN (2.3), converts the weights to oneDNN's layout on every
 * call and has no backward-weights kernel on this path (its {@code conv2d_bp} converts the activations too); here the
 * primitives are made once per batch size and the weights converted once per pass. Activations stay cell-major,
 * {@code [batch, height, width, channels]}, and are ND4J's own buffers; weights are {@code [out, in, k, k]}.
 */
public final class OneDnnGateConvolution {

    private final engine cpu;
    private final stream queue;
    private final long channels;
    private final long gates;
    private final long kernel;
    private final long height;
    private final long width;
    private final Map<Integer, Primitives> byBatch = new HashMap<>();
    /** A reorder's attribute that adds to its destination instead of overwriting it. */
    private final primitive_attr addToDestination = new primitive_attr();

    /**
     * On its own engine and stream, for {@code gridcast bench kernels}, which times exactly what training runs.
     *
     * @param channels input channels (a layer's input and hidden state); {@code gates} output channels
     */
    public static OneDnnGateConvolution standalone(int channels, int gates, int kernel, int height, int width) {
        engine cpu = new engine(org.bytedeco.dnnl.engine.kind.cpu, 0);
        return new OneDnnGateConvolution(cpu, new stream(cpu), channels, gates, kernel, height, width);
    }

    /** {@code channels} input channels (input and hidden state), {@code gates} output channels. */
    OneDnnGateConvolution(engine engine, stream stream, int channels, int gates, int kernel, int height, int width) {
        this.cpu = engine;
        this.queue = stream;
        this.channels = channels;
        this.gates = gates;
        this.kernel = kernel;
        this.height = height;
        this.width = width;
        post_ops sum = new post_ops();
        sum.append_sum();
        addToDestination.set_post_ops(sum);
    }

    /** The primitives of one batch size, with their own copies of the weights in the layouts they chose. */
    private final class Primitives {
        final convolution_forward forward;
        final convolution_backward_data backwardData;
        final convolution_backward_weights backwardWeights;
        final memory.desc input;
        final memory.desc output;
        final memory forwardWeights;
        final memory backwardDataWeights;
        final memory weightGradient;
        final memory biasGradient;

        Primitives(int batch) {
            input = activations(batch, channels);
            output = activations(batch, gates);
            memory.desc anyWeights = new memory.desc(weightDims(), memory.data_type.f32, memory.format_tag.any);
            memory.desc bias = biasDesc();
            long[] ones = {1, 1};
            long[] pad = {kernel / 2, kernel / 2};
            convolution_forward.primitive_desc f = new convolution_forward.primitive_desc(
                    new convolution_forward.desc(prop_kind.forward_training, algorithm.convolution_direct, input,
                            anyWeights, bias, output, ones, pad, pad), cpu);
            convolution_backward_data.primitive_desc d = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(algorithm.convolution_direct, input, anyWeights, output, ones,
                            pad, pad), cpu, f);
            convolution_backward_weights.primitive_desc w = new convolution_backward_weights.primitive_desc(
                    new convolution_backward_weights.desc(algorithm.convolution_direct, input, anyWeights, bias,
                            output, ones, pad, pad), cpu, f);
            forward = new convolution_forward(f);
            backwardData = new convolution_backward_data(d);
            backwardWeights = new convolution_backward_weights(w);
            forwardWeights = new memory(f.weights_desc(), cpu);
            backwardDataWeights = new memory(d.weights_desc(), cpu);
            weightGradient = new memory(w.diff_weights_desc(), cpu);
            biasGradient = new memory(bias, cpu);
        }
    }

    private Primitives primitives(int batch) {
        return byBatch.computeIfAbsent(batch, Primitives::new);
    }

    /** Converts {@code weights} {@code [out, in, k, k]} for the forward pass of this batch size; once per pass. */
    public void loadForwardWeights(INDArray weights, int batch) {
        Primitives p = primitives(batch);
        try (PointerScope scope = new PointerScope()) {
            convert(weights, p.forwardWeights);
        }
    }

    /** As {@link #loadForwardWeights}, for the input gradient of the backward pass. */
    public void loadBackwardWeights(INDArray weights, int batch) {
        Primitives p = primitives(batch);
        try (PointerScope scope = new PointerScope()) {
            convert(weights, p.backwardDataWeights);
        }
    }

    private void convert(INDArray weights, memory into) {
        memory user = wrap(new memory.desc(weightDims(), memory.data_type.f32, memory.format_tag.oihw), weights);
        new reorder(user, into).execute(queue, user, into);
        queue._wait();
    }

    /** {@code output = input * weights + bias} with the weights of the last {@link #loadForwardWeights}. */
    public void forward(INDArray input, INDArray bias, INDArray output, int batch) {
        Primitives p = primitives(batch);
        try (PointerScope scope = new PointerScope()) {
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(p.input, input));
            args.put(DNNL_ARG_WEIGHTS, p.forwardWeights);
            args.put(DNNL_ARG_BIAS, wrap(biasDesc(), bias));
            args.put(DNNL_ARG_DST, wrap(p.output, output));
            p.forward.execute(queue, args);
            queue._wait();
        }
    }

    /** The gradient with respect to the input, {@code inputGradient}, of {@code outputGradient}. */
    public void backwardData(INDArray outputGradient, INDArray inputGradient, int batch) {
        Primitives p = primitives(batch);
        try (PointerScope scope = new PointerScope()) {
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_DIFF_DST, wrap(p.output, outputGradient));
            args.put(DNNL_ARG_WEIGHTS, p.backwardDataWeights);
            args.put(DNNL_ARG_DIFF_SRC, wrap(p.input, inputGradient));
            p.backwardData.execute(queue, args);
            queue._wait();
        }
    }

    /**
     * Adds the weight and bias gradients of {@code outputGradient} for {@code input} to {@code weightGradient}
     * {@code [out, in, k, k]} and {@code biasGradient} {@code [out]} (each a dense range, views allowed).
     */
    public void addWeightGradients(INDArray input, INDArray outputGradient, INDArray weightGradient,
                                   INDArray biasGradient, int batch) {
        Primitives p = primitives(batch);
        try (PointerScope scope = new PointerScope()) {
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(p.input, input));
            args.put(DNNL_ARG_DIFF_DST, wrap(p.output, outputGradient));
            args.put(DNNL_ARG_DIFF_WEIGHTS, p.weightGradient);
            args.put(DNNL_ARG_DIFF_BIAS, p.biasGradient);
            p.backwardWeights.execute(queue, args);
            // The primitive overwrites its outputs; reorders that add to their destination sum them into the gradients.
            memory w = wrap(new memory.desc(weightDims(), memory.data_type.f32, memory.format_tag.oihw),
                    weightGradient);
            new reorder(p.weightGradient, w, addToDestination).execute(queue, p.weightGradient, w);
            memory b = wrap(biasDesc(), biasGradient);
            new reorder(p.biasGradient, b, addToDestination).execute(queue, p.biasGradient, b);
            queue._wait();
        }
    }

    private memory.desc activations(int batch, long depth) {
        return new memory.desc(new long[]{batch, depth, height, width}, memory.data_type.f32,
                memory.format_tag.nhwc);
    }

    private long[] weightDims() {
        return new long[]{gates, channels, kernel, kernel};
    }

    private memory.desc biasDesc() {
        return new memory.desc(new long[]{gates}, memory.data_type.f32, memory.format_tag.a);
    }

    /** oneDNN memory over an ND4J array's own native buffer (no copy), which must be dense in C order. */
    private memory wrap(memory.desc desc, INDArray a) {
        if (a.dataType() != DataType.FLOAT || !Shape.isContiguousInBuffer(a)) {
            throw new IllegalStateException("expected a dense float array, got " + a.shapeInfoToString());
        }
        return new memory(desc, cpu, new Address(a.data().address() + a.offset() * Float.BYTES));
    }

    /** A bare native address for oneDNN's memory handle. */
    private static final class Address extends Pointer {
        Address(long address) {
            this.address = address;
        }
    }
}
