package io.gridcast.models.networks;

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
 * at once, with no im2col). The primitives are made once per batch size and the weights converted once per pass.
 *
 * <p>Where oneDNN has it for the shape and the CPU (3x3 kernels, AVX-512), the convolutions are Winograd's
 * F(4x4, 3x3), with 4x fewer multiplications than a direct convolution: it ran 1.5-2.5x faster here, and rounds
 * differently from a direct sum (a test bounds by how much). Elsewhere they are oneDNN's direct
 * convolutions. Winograd's kernels work on oneDNN's blocked layout ({@code nChw16c}); the caller's activations stay
 * cell-major, {@code [batch, height, width, channels]} (ND4J's own buffers), and are converted on the way in and out.
 * A step's input is kept in the primitives' layout, in a buffer of {@link #keptInputLength} floats, from the forward
 * pass to the weight gradients of the backward pass. Weights are {@code [out, in, k, k]}.
 */
public final class OneDnnGateConvolution {

    private final engine cpu;
    private final stream queue;
    private final long channels;
    private final long gates;
    private final long kernel;
    private final long height;
    private final long width;
    private final boolean winograd;
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
        return new OneDnnGateConvolution(cpu, new stream(cpu), channels, gates, kernel, height, width, true);
    }

    /**
     * {@code channels} input channels (input and hidden state), {@code gates} output channels; {@code winograd}:
     * Winograd's convolution where oneDNN has it (false: direct convolutions only).
     */
    public OneDnnGateConvolution(engine engine, stream stream, int channels, int gates, int kernel, int height,
                                 int width, boolean winograd) {
        this.cpu = engine;
        this.queue = stream;
        this.channels = channels;
        this.gates = gates;
        this.kernel = kernel;
        this.height = height;
        this.width = width;
        this.winograd = winograd;
        post_ops sum = new post_ops();
        sum.append_sum();
        addToDestination.set_post_ops(sum);
    }

    /**
     * One argument of a primitive: the layout it chose ({@code own}) and the caller's cell-major one ({@code user});
     * when they differ, a scratch buffer in the primitive's layout and the reorders between the two, made once.
     */
    private final class Layout {
        final memory.desc user;
        final memory scratch;
        final reorder toOwn;
        final reorder toUser;

        Layout(memory.desc own, memory.desc user) {
            this.user = user;
            boolean same = own.equals(user);
            scratch = same ? null : new memory(own, cpu);
            toOwn = same ? null : new reorder(new reorder.primitive_desc(cpu, user, cpu, own));
            toUser = same ? null : new reorder(new reorder.primitive_desc(cpu, own, cpu, user));
        }

        /** {@code a} (cell-major) in the primitive's layout: itself, or converted into the scratch buffer. */
        memory in(INDArray a) {
            memory mine = wrap(user, a);
            if (toOwn == null) {
                return mine;
            }
            toOwn.execute(queue, mine, scratch);
            return scratch;
        }

        /** Where the primitive writes what {@link #out} then gives {@code a}: {@code a} itself, or the scratch. */
        memory target(INDArray a) {
            return toUser == null ? wrap(user, a) : scratch;
        }

        /** Converts the scratch buffer into {@code a} (cell-major), when the primitive wrote there. */
        void out(INDArray a) {
            if (toUser != null) {
                toUser.execute(queue, scratch, wrap(user, a));
            }
        }
    }

    /** The primitives of one batch size, with their own copies of the weights in the layouts they chose. */
    private final class Primitives {
        final convolution_forward forward;
        final convolution_backward_data backwardData;
        final convolution_backward_weights backwardWeights;
        final String implementation;
        /** The forward's input in its own layout (as kept for the weight gradients) and the reorder into it. */
        final memory.desc input;
        final memory.desc userInput;
        final reorder keepInput;
        final Layout output;
        /** The gate gradients as the backward primitives read them, and the input gradient as one writes it. */
        final Layout dataGradient;
        final Layout weightsGradient;
        final Layout inputGradient;
        final memory forwardWeights;
        final memory backwardDataWeights;
        final memory weightGradient;
        final memory biasGradient;
        /** The backward-weights primitive overwrites its outputs; these add them to the running gradients. */
        final reorder addWeightGradient;
        final reorder addBiasGradient;

        Primitives(int batch, algorithm kind) {
            userInput = activations(batch, channels, memory.format_tag.nhwc);
            memory.desc userOutput = activations(batch, gates, memory.format_tag.nhwc);
            // Winograd's kernels choose their layouts; the direct ones convolve cell-major data as it is.
            memory.format_tag tag = kind == algorithm.convolution_winograd
                    ? memory.format_tag.any : memory.format_tag.nhwc;
            memory.desc in = activations(batch, channels, tag);
            memory.desc out = activations(batch, gates, tag);
            memory.desc anyWeights = new memory.desc(weightDims(), memory.data_type.f32, memory.format_tag.any);
            memory.desc bias = biasDesc();
            long[] ones = {1, 1};
            long[] pad = {kernel / 2, kernel / 2};
            convolution_forward.primitive_desc f = new convolution_forward.primitive_desc(
                    new convolution_forward.desc(prop_kind.forward_training, kind, in, anyWeights, bias, out,
                            ones, pad, pad), cpu);
            convolution_backward_data.primitive_desc d = new convolution_backward_data.primitive_desc(
                    new convolution_backward_data.desc(kind, in, anyWeights, out, ones, pad, pad), cpu, f);
            convolution_backward_weights.primitive_desc w = new convolution_backward_weights.primitive_desc(
                    new convolution_backward_weights.desc(kind, in, anyWeights, bias, out, ones, pad, pad),
                    cpu, f);
            implementation = f.impl_info_str().getString() + " | " + d.impl_info_str().getString() + " | "
                    + w.impl_info_str().getString();
            if (!w.src_desc().equals(f.src_desc())) {
                throw new IllegalStateException("oneDNN's backward-weights convolution reads its input in another "
                        + "layout than its forward writes it: " + implementation);
            }
            forward = new convolution_forward(f);
            backwardData = new convolution_backward_data(d);
            backwardWeights = new convolution_backward_weights(w);
            input = f.src_desc();
            keepInput = new reorder(new reorder.primitive_desc(cpu, userInput, cpu, input));
            output = new Layout(f.dst_desc(), userOutput);
            weightsGradient = new Layout(w.diff_dst_desc(), userOutput);
            // One conversion of the gate gradients serves both backward kernels when they read the same layout.
            dataGradient = d.diff_dst_desc().equals(w.diff_dst_desc()) ? weightsGradient
                    : new Layout(d.diff_dst_desc(), userOutput);
            inputGradient = new Layout(d.diff_src_desc(), userInput);
            forwardWeights = new memory(f.weights_desc(), cpu);
            backwardDataWeights = new memory(d.weights_desc(), cpu);
            weightGradient = new memory(w.diff_weights_desc(), cpu);
            biasGradient = new memory(bias, cpu);
            addWeightGradient = new reorder(new reorder.primitive_desc(cpu, w.diff_weights_desc(), cpu,
                    userWeights(), addToDestination, false));
            addBiasGradient = new reorder(new reorder.primitive_desc(cpu, bias, cpu, bias, addToDestination, false));
        }
    }

    private Primitives primitives(int batch) {
        return byBatch.computeIfAbsent(batch, b -> {
            if (winograd) {
                try {
                    return new Primitives(b, algorithm.convolution_winograd);
                } catch (RuntimeException noWinograd) {
                    // oneDNN has no Winograd kernel for this shape or CPU: its direct convolutions instead.
                }
            }
            return new Primitives(b, algorithm.convolution_direct);
        });
    }

    /** oneDNN's names for the forward, backward-data and backward-weights kernels at this batch size. */
    public String implementation(int batch) {
        return primitives(batch).implementation;
    }

    /** The floats of a buffer that keeps a step's input for the backward pass ({@link #forward}'s {@code kept}). */
    public long keptInputLength(int batch) {
        return primitives(batch).input.get_size() / Float.BYTES;
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
        memory user = wrap(userWeights(), weights);
        new reorder(user, into).execute(queue, user, into);
        queue._wait();
    }

    /**
     * {@code output = input * weights + bias} with the weights of the last {@link #loadForwardWeights}; keeps the
     * input in {@code kept} ({@link #keptInputLength} floats) for {@link #backward}.
     */
    public void forward(INDArray input, INDArray bias, INDArray kept, INDArray output, int batch) {
        Primitives p = primitives(batch);
        try (PointerScope scope = new PointerScope()) {
            memory source = wrap(p.input, kept);
            p.keepInput.execute(queue, wrap(p.userInput, input), source);
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, source);
            args.put(DNNL_ARG_WEIGHTS, p.forwardWeights);
            args.put(DNNL_ARG_BIAS, wrap(biasDesc(), bias));
            args.put(DNNL_ARG_DST, p.output.target(output));
            p.forward.execute(queue, args);
            p.output.out(output);
            queue._wait();
        }
    }

    /**
     * The backward pass of one {@link #forward} ({@code kept} its input) for the gradient {@code outputGradient} of
     * its output: adds the weight and bias gradients to {@code weightGradient} {@code [out, in, k, k]} and
     * {@code biasGradient} {@code [out]} (each a dense range, views allowed), and, when {@code inputGradient} is not
     * null, writes the gradient with respect to the input there, with the weights of the last
     * {@link #loadBackwardWeights}.
     */
    public void backward(INDArray kept, INDArray outputGradient, INDArray inputGradient, INDArray weightGradient,
                         INDArray biasGradient, int batch) {
        Primitives p = primitives(batch);
        try (PointerScope scope = new PointerScope()) {
            memory gradient = p.weightsGradient.in(outputGradient);
            IntMemoryMap args = new IntMemoryMap();
            args.put(DNNL_ARG_SRC, wrap(p.input, kept));
            args.put(DNNL_ARG_DIFF_DST, gradient);
            args.put(DNNL_ARG_DIFF_WEIGHTS, p.weightGradient);
            args.put(DNNL_ARG_DIFF_BIAS, p.biasGradient);
            p.backwardWeights.execute(queue, args);
            p.addWeightGradient.execute(queue, p.weightGradient, wrap(userWeights(), weightGradient));
            p.addBiasGradient.execute(queue, p.biasGradient, wrap(biasDesc(), biasGradient));
            if (inputGradient != null) {
                IntMemoryMap data = new IntMemoryMap();
                data.put(DNNL_ARG_DIFF_DST, p.dataGradient == p.weightsGradient ? gradient
                        : p.dataGradient.in(outputGradient));
                data.put(DNNL_ARG_WEIGHTS, p.backwardDataWeights);
                data.put(DNNL_ARG_DIFF_SRC, p.inputGradient.target(inputGradient));
                p.backwardData.execute(queue, data);
                p.inputGradient.out(inputGradient);
            }
            queue._wait();
        }
    }

    private memory.desc activations(int batch, long depth, memory.format_tag tag) {
        return new memory.desc(new long[]{batch, depth, height, width}, memory.data_type.f32, tag);
    }

    private memory.desc userWeights() {
        return new memory.desc(weightDims(), memory.data_type.f32, memory.format_tag.oihw);
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
