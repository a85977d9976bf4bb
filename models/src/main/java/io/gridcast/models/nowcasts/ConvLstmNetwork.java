package io.gridcast.models.nowcasts;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import io.gridcast.models.networks.OneDnnGateConvolution;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.bytedeco.dnnl.engine;
import org.bytedeco.dnnl.stream;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.api.ops.DynamicCustomOp;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The ConvLSTM encoder–forecaster with a hand-written forward and backward pass: each gate convolution is one
 * convolution over the concatenated input and hidden state, the gate arithmetic is fused Java loops on Java arrays
 * (cells in parallel), and Adam updates one flat parameter vector. In float (training) the convolutions are oneDNN's
 * own primitives ({@link OneDnnGateConvolution}): forward, backward data for the input gradient and backward weights
 * for the weight and bias gradients. In double (the gradient checks, which oneDNN does not run) they are libnd4j's
 * conv2d, the input gradient a conv2d with the flipped weights and the weight gradient one GEMM over im2col columns;
 * a test checks the float path's gradient against the double one's. A SameDiff graph of the same network spent most of
 * a training step in per-op overhead (and a {@code split} copy of every gate tensor), and one native ND4J op per gate
 * term cost as much as the convolutions; now the convolutions are most of the cost. Every per-step array is a buffer
 * reused by the next pass of the same batch size, so a training step allocates no large arrays.
 *
 * <p>Activations are kept cell-major, {@code [batch, height, width, channels]}: a cell's four gates are one row
 * (i, f, g, o) of the convolution's output, and the fused loops run over whole rows. oneDNN's Winograd convolutions
 * convert them to and from their blocked layout; its direct ones convolve them as they are.
 * Grids here are already space-to-depth patched (see {@link ConvLstmNowcaster}).
 */
final class ConvLstmNetwork {

    /** libnd4j conv2d arguments: activations [batch, height, width, channels], weights [out, in, kH, kW]. */
    private static final int NHWC = 1;
    private static final int OIYX = 1;

    private final DataType dtype;
    private final int kernel;
    private final int height;
    private final int width;
    private final boolean peephole;
    private final Cell[] encoder;
    private final Cell[] forecaster;
    /** 1x1 convolution over the concatenated forecaster states, one weight block per layer. */
    private final INDArray[] headW;
    private final INDArray[] headWGrad;
    private final INDArray headB;
    private final INDArray headBGrad;
    /** oneDNN's CPU engine and this network's stream, for the float convolutions; null in double precision. */
    private final engine oneDnnEngine;
    private final stream oneDnnStream;
    /** Every weight, as one row vector; the arrays above are views into it. */
    final INDArray params;
    final INDArray gradients;
    /** Adam's state (first and second moments), also one row vector so it can be saved and restored as is. */
    final INDArray updaterState;
    private final GradientUpdater<?> updater;
    /** The updater's configuration, read at every step: changing its rate keeps the moments and step count. */
    private final Adam adam;
    int iteration;
    /** Every scratch and per-step array, by use and shape, for the current batch size ({@link #pooledCells}). */
    private final Map<String, INDArray> buffers = new HashMap<>();
    private final Map<String, Values> heap = new HashMap<>();
    private long pooledCells = -1;
    /** {offset, length} in {@link #params} of every parameter array, in order. */
    final List<long[]> ranges;

    /**
     * @param channels    input channels per frame; {@code outChannels} output channels per lead
     * @param height      grid rows (after patching); {@code width} columns
     */
    ConvLstmNetwork(List<Integer> hidden, int kernel, int channels, int outChannels, int height, int width,
                    boolean peephole, double learningRate, long seed, DataType dtype) {
        this.dtype = dtype;
        this.kernel = kernel;
        this.height = height;
        this.width = width;
        this.peephole = peephole;
        int layers = hidden.size();
        ParamLayout layout = new ParamLayout();
        int[][] cellShapes = new int[2 * layers][];
        for (int l = 0; l < layers; l++) {
            cellShapes[l] = new int[]{l == 0 ? channels : hidden.get(l - 1), hidden.get(l)};
            // The forecaster's bottom layer has no input: a zero input would add nothing to its convolution.
            cellShapes[layers + l] = new int[]{l == 0 ? 0 : hidden.get(l - 1), hidden.get(l)};
        }
        for (int[] s : cellShapes) {
            layout.add(4L * s[1], (long) (s[0] + s[1]) * kernel * kernel);
            layout.add(4L * s[1], 1);
            if (peephole) {
                layout.add(3, s[1], (long) height * width);
            }
        }
        for (int l = 0; l < layers; l++) {
            layout.add(outChannels, hidden.get(l));
        }
        layout.add(outChannels, 1);

        params = Nd4j.zeros(dtype, 1, layout.total);
        gradients = Nd4j.zeros(dtype, 1, layout.total);
        adam = new Adam(learningRate);
        updaterState = Nd4j.zeros(dtype, 1, adam.stateSize(layout.total));
        updater = adam.instantiate(updaterState, true);

        oneDnnEngine = dtype == DataType.FLOAT ? new engine(engine.kind.cpu, 0) : null;
        oneDnnStream = oneDnnEngine == null ? null : new stream(oneDnnEngine);
        encoder = new Cell[layers];
        forecaster = new Cell[layers];
        layout.next = 0;
        for (int i = 0; i < cellShapes.length; i++) {
            Cell cell = new Cell(cellShapes[i][0], cellShapes[i][1], layout);
            if (i < layers) {
                encoder[i] = cell;
            } else {
                forecaster[i - layers] = cell;
            }
        }
        headW = new INDArray[layers];
        headWGrad = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            headW[l] = layout.view(params);
            headWGrad[l] = layout.view(gradients);
            layout.next++;
        }
        headB = layout.view(params);
        headBGrad = layout.view(gradients);
        ranges = layout.ranges();
        initialise(new Random(seed), hidden, outChannels);
    }

    /**
     * libnd4j's conv2d as the double-precision gate convolutions run it (the gradient checks): stride 1, "same" zero
     * padding, cell-major {@code [batch, height, width, channels]} activations and {@code [out, in, k, k]} weights.
     */
    private static DynamicCustomOp gateConvolution(int kernel, INDArray[] inputs, INDArray... outputs) {
        int r = kernel / 2;
        return DynamicCustomOp.builder("conv2d").addInputs(inputs).addOutputs(outputs)
                .addIntegerArguments(kernel, kernel, 1, 1, r, r, 1, 1, 0, NHWC, OIYX).build();
    }

    /** Xavier (Glorot) normal weights, zero biases but forget-gate 1, zero peepholes; from {@code rng} alone. */
    private void initialise(Random rng, List<Integer> hidden, int outChannels) {
        for (Cell cell : concat(encoder, forecaster)) {
            long fanIn = (long) (cell.in + cell.hid) * kernel * kernel;
            long fanOut = 4L * cell.hid * kernel * kernel;
            cell.w.assign(gaussian(rng, cell.w.shape(), Math.sqrt(2.0 / (fanIn + fanOut))));
            // Forget-gate bias 1 lets memory pass through early in training (Jozefowicz et al. 2015).
            cell.b.get(interval(cell.hid, 2L * cell.hid), all()).assign(1.0);
        }
        int concatenated = hidden.stream().mapToInt(Integer::intValue).sum();
        for (INDArray w : headW) {
            w.assign(gaussian(rng, w.shape(), Math.sqrt(2.0 / (concatenated + outChannels))));
        }
    }

    private INDArray gaussian(Random rng, long[] shape, double std) {
        double[] values = new double[(int) (shape[0] * shape[1])];
        for (int i = 0; i < values.length; i++) {
            values[i] = rng.nextGaussian() * std;
        }
        return Nd4j.createFromArray(values).reshape(shape).castTo(dtype);
    }

    private static List<Cell> concat(Cell[] a, Cell[] b) {
        List<Cell> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all;
    }

    /** What a forward pass leaves for the backward pass: every cell step, per time and layer, and the leads. */
    record Pass(int batch, Step[][] encoder, Step[][] forecaster, INDArray[] leads) {
    }

    /**
     * @param frames {@code in} input frames, each {@code [channels, batch * height * width]}
     * @param keep   whether to keep every step for {@link #backward} (training) or only the leads (inference)
     * @return the leads, each {@code [outChannels, batch * height * width]}; the pass's arrays are reused buffers,
     *         valid until the next call
     */
    Pass forward(INDArray[] frames, int out, int batch, boolean keep) {
        int layers = encoder.length;
        long cells = (long) batch * height * width;
        if (cells != pooledCells) {
            // A new batch size: the buffers of the old one are left to the garbage collector.
            buffers.clear();
            heap.clear();
            pooledCells = cells;
        }
        for (Cell cell : concat(encoder, forecaster)) {
            cell.loadForwardWeights(batch);
        }
        Values[] h = new Values[layers];
        Values[] c = new Values[layers];
        for (int l = 0; l < layers; l++) {
            // Never written: the zero initial states.
            h[l] = values("zero", encoder[l].hid * cells);
            c[l] = h[l];
        }
        Step[][] enc = new Step[frames.length][];
        for (int t = 0; t < frames.length; t++) {
            INDArray cellMajor = frames[t].transpose().dup('c');
            Values x = values("frame", cellMajor.length()).read(cellMajor);
            enc[t] = unroll(encoder, "e" + slot(t, keep), x, h, c, batch, false);
        }
        Step[][] fc = new Step[out][];
        INDArray[] leads = new INDArray[out];
        for (int t = 0; t < out; t++) {
            fc[t] = unroll(forecaster, "f" + slot(t, keep), null, h, c, batch, true);
            leads[t] = buffer("lead" + t, headB.size(0), cells);
            for (int l = 0; l < layers; l++) {
                Nd4j.gemm(headW[l], fc[t][l].hOut, leads[t], false, true, 1.0, l == 0 ? 0.0 : 1.0);
            }
            leads[t].addiColumnVector(headB);
        }
        return new Pass(batch, keep ? enc : null, keep ? fc : null, leads);
    }

    /** Training keeps every time step's buffers; inference alternates two, the current step's and the last. */
    private static int slot(int t, boolean keep) {
        return keep ? t : t % 2;
    }

    private Step[] unroll(Cell[] stack, String slot, Values input, Values[] h, Values[] c, int batch,
                         boolean toHead) {
        Step[] steps = new Step[stack.length];
        Values x = input;
        for (int l = 0; l < stack.length; l++) {
            Step step = stack[l].forward(slot + "." + l + ".", x, h[l], c[l], batch, toHead);
            h[l] = step.h;
            c[l] = step.c;
            x = step.h;
            steps[l] = step;
        }
        return steps;
    }

    /**
     * Sets {@link #gradients} to the gradient of the loss whose gradient with respect to each lead is
     * {@code leadGradients[t]} (same shapes as the pass's leads).
     */
    void backward(Pass pass, INDArray[] leadGradients) {
        gradients.assign(0);
        for (Cell cell : concat(encoder, forecaster)) {
            cell.loadBackwardWeights(pass.batch);
        }
        int layers = encoder.length;
        long cells = leadGradients[0].size(1);
        Values[] dh = new Values[layers];
        Values[] dc = new Values[layers];
        int parity = 0;
        for (int t = pass.forecaster.length - 1; t >= 0; t--) {
            INDArray dLead = leadGradients[t];
            headBGrad.addi(dLead.sum(true, 1));
            for (int l = 0; l < layers; l++) {
                INDArray h = pass.forecaster[t][l].hOut;
                Nd4j.gemm(dLead, h, headWGrad[l], false, false, 1.0, 1.0);
                INDArray fromHead = buffer("headDh", cells, h.size(1));
                Nd4j.gemm(dLead, headW[l], fromHead, true, false, 1.0, 0.0);
                if (dh[l] == null) {
                    dh[l] = values("dh" + l + "." + parity, h.length()).read(fromHead);
                } else {
                    dh[l].addRun(values("headDh", h.length()).read(fromHead), 0, 0, dh[l].length());
                }
            }
            parity = 1 - parity;
            backThroughStacks(forecaster, pass.forecaster[t], dh, dc, pass.batch, true, parity);
        }
        for (int t = pass.encoder.length - 1; t >= 0; t--) {
            parity = 1 - parity;
            backThroughStacks(encoder, pass.encoder[t], dh, dc, pass.batch, t > 0, parity);
        }
    }

    /**
     * One time step, top layer first: a layer's input gradient joins the gradient of the layer below's output.
     * The gradients with respect to the previous step's states go to the buffers of {@code parity}, the ones
     * {@code dh} and {@code dc} do not hold.
     */
    private void backThroughStacks(Cell[] stack, Step[] steps, Values[] dh, Values[] dc, int batch,
                                   boolean needPrevious, int parity) {
        for (int l = stack.length - 1; l >= 0; l--) {
            Values dhPrev = needPrevious ? values("dh" + l + "." + parity, dh[l].length()) : null;
            Values dcPrev = needPrevious ? values("dc" + l + "." + parity, dh[l].length()) : null;
            stack[l].backward(steps[l], dh[l], dc[l], batch, l > 0 ? dh[l - 1] : null, dhPrev, dcPrev);
            dh[l] = dhPrev;
            dc[l] = dcPrev;
        }
    }

    /** The pre-activation gates [4 hid, cells] of encoder layer {@code layer} for input x and state h. */
    INDArray encoderGates(int layer, INDArray x, INDArray h, int batch) {
        Cell cell = encoder[layer];
        cell.loadForwardWeights(batch);
        INDArray xh = cell.stateInput("test.", cellMajor(x), cellMajor(h), batch);
        INDArray kept = cell.oneDnn == null ? xh : buffer("test.kept", cell.oneDnn.keptInputLength(batch));
        return cell.gates(xh, kept, batch).reshape(x.size(1), 4L * cell.hid).transpose().dup();
    }

    /** {@code [channels, cells]} as the cell-major Java array the fused loops use. */
    private Values cellMajor(INDArray channelMajor) {
        INDArray cells = channelMajor.transpose().dup('c');
        return Values.allocate(dtype, Math.toIntExact(cells.length())).read(cells);
    }

    /** Encoder layer {@code layer}'s convolution weights [4 hid, (in + hid) k k]. */
    INDArray encoderWeights(int layer) {
        return encoder[layer].w;
    }

    void learningRate(double rate) {
        adam.setLearningRate(rate);
    }

    /** One Adam step with the current {@link #gradients}. */
    void update() {
        updater.applyUpdater(gradients, iteration, 0);
        params.subi(gradients);
        iteration++;
    }

    long parameterCount() {
        return params.length();
    }

    /**
     * The kept values of one cell step: its convolution's input {@code xh} (x and h_{t-1}) as the convolution keeps
     * it (in double {@code [batch, height, width, in + hid]}, in float oneDNN's layout), the activated gates i, f, g,
     * o, the states, and h for the head ({@code hOut}, forecaster steps only). Only the fused loops read the gates and
     * states, so they live on the Java heap, where those loops run fastest.
     */
    record Step(INDArray xh, Values cPrev, Values gates, Values c, Values tanhC, Values h, INDArray hOut) {
    }

    /** One ConvLSTM layer: a single convolution over [input, hidden] giving the four gates, then the LSTM update. */
    private final class Cell {
        final int in;
        final int hid;
        /** [4 hid, (in + hid) k k]: rows are gates i, f, g, o; columns channel-major then kernel row, column. */
        final INDArray w;
        final INDArray wGrad;
        /** {@link #w} as libnd4j's conv2d weights [out, in, kH, kW] (its weight format 1), and the bias as a vector. */
        final INDArray w4;
        final INDArray b1;
        /** The weight gradient as [4 hid, in + hid, k²]. */
        final INDArray wGrad3;
        /**
         * The weights flipped in space with input and output swapped, [in + hid, 4 hid, kH, kW]: the convolution of
         * the gate gradients with these is the gradient with respect to the input; {@code flippedHidden} is the
         * hidden state's rows of it. libnd4j's route, in double precision only: null in float.
         */
        final INDArray flipped;
        final INDArray flippedHidden;
        final INDArray b;
        final INDArray bGrad;
        /** The float convolutions through oneDNN itself; null in double precision (libnd4j's ops, for the checks). */
        final OneDnnGateConvolution oneDnn;
        /** Peephole weights [3, hid, height * width] for i, f (on c_{t-1}) and o (on c_t), or null. */
        final INDArray peep;
        final INDArray peepGrad;

        Cell(int in, int hid, ParamLayout layout) {
            this.in = in;
            this.hid = hid;
            w = layout.view(params);
            wGrad = layout.view(gradients);
            w4 = layout.view(params, 4L * hid, in + hid, kernel, kernel);
            wGrad3 = layout.view(gradients, 4L * hid, in + hid, (long) kernel * kernel);
            oneDnn = oneDnnEngine == null ? null
                    : new OneDnnGateConvolution(oneDnnEngine, oneDnnStream, in + hid, 4 * hid, kernel, height, width,
                    true);
            flipped = oneDnn != null ? null : Nd4j.create(dtype, in + hid, 4L * hid, kernel, kernel);
            flippedHidden = flipped == null ? null : flipped.get(interval(in, in + hid), all(), all(), all());
            layout.next++;
            b = layout.view(params);
            bGrad = layout.view(gradients);
            b1 = layout.view(params, 4L * hid);
            layout.next++;
            if (peephole) {
                peep = layout.view(params);
                peepGrad = layout.view(gradients);
                layout.next++;
            } else {
                peep = null;
                peepGrad = null;
            }
        }


        /** {@code prefix} names this step's buffers: reused by the same step of the next pass. */
        Step forward(String prefix, Values x, Values hPrev, Values cPrev, int batch, boolean toHead) {
            int n = batch * height * width;
            // oneDNN keeps its own copy of the input for the backward pass; libnd4j's route keeps this one.
            INDArray xh = stateInput(oneDnn == null ? prefix : "", x, hPrev, batch);
            INDArray kept = oneDnn == null ? xh : buffer(prefix + "kept", oneDnn.keptInputLength(batch));
            INDArray preActivation = gates(xh, kept, batch);
            ByteBuffer preActivationBytes = Values.nativeBytes(preActivation, preActivation.length());
            Values gate = values(prefix + "gates", preActivation.length());
            Values c = values(prefix + "c", (long) hid * n);
            Values tanhC = values(prefix + "tanhC", (long) hid * n);
            Values h = values(prefix + "h", (long) hid * n);
            Values peeps = peepholesByCell();
            int plane = height * width;
            int row = 4 * hid;
            forEachCell(batch, (q0, q1, pixel0) -> {
                // Each range's gates are copied to the heap right before their update, which then finds them in cache.
                gate.read(preActivationBytes, q0 * row, q1 * row);
                gate.lstmForward(q0, q1, pixel0, hid, plane, peeps, cPrev, c, tanhC, h);
            });
            INDArray hOut = toHead ? h.write(buffer(prefix + "hOut", n, hid)) : null;
            return new Step(kept, cPrev, gate, c, tanhC, h, hOut);
        }

        /** The convolution's input {@code [batch, height, width, in + hid]}: each cell's x and h_{t-1} side by side. */
        INDArray stateInput(String prefix, Values x, Values hPrev, int batch) {
            int n = batch * height * width;
            return values("xh", (long) n * (in + hid)).interleave(x, in, hPrev, hid, n,
                    buffer(prefix + "xh", batch, height, width, in + hid));
        }

        /**
         * The pre-activation gates {@code [batch, height, width, 4 hid]} of a {@link #stateInput}, a reused buffer; in
         * float, keeps the input in {@code kept} for the backward pass.
         */
        INDArray gates(INDArray xh, INDArray kept, int batch) {
            INDArray preActivation = buffer("gates", batch, height, width, 4L * hid);
            if (oneDnn != null) {
                oneDnn.forward(xh, b1, kept, preActivation, batch);
            } else {
                Nd4j.exec(gateConvolution(kernel, new INDArray[]{xh, w4, b1}, preActivation));
            }
            return preActivation;
        }

        /** Readies the weights for this pass's forward convolutions. */
        void loadForwardWeights(int batch) {
            if (oneDnn != null) {
                oneDnn.loadForwardWeights(w4, batch);
            }
        }

        /** Readies the weights for the backward pass's input gradients. */
        void loadBackwardWeights(int batch) {
            if (oneDnn != null) {
                oneDnn.loadBackwardWeights(w4, batch);
            } else {
                flipWeights();
            }
        }

        /** Sets {@link #flipped} from the current weights. */
        private void flipWeights() {
            int k2 = kernel * kernel;
            int channels = in + hid;
            double[] from = w.dup().reshape(-1).toDoubleVector();
            double[] to = new double[from.length];
            for (int co = 0; co < 4 * hid; co++) {
                for (int ci = 0; ci < channels; ci++) {
                    for (int j = 0; j < k2; j++) {
                        to[(ci * 4 * hid + co) * k2 + k2 - 1 - j] = from[(co * channels + ci) * k2 + j];
                    }
                }
            }
            flipped.assign(Nd4j.createFromArray(to).castTo(dtype).reshape(flipped.shape()));
        }

        /** The peephole weights as [3, height * width, hid] (a cell's channels side by side), or null. */
        private Values peepholesByCell() {
            return peephole ? values("peeps", peep.length()).read(peep.reshape('c', 3, hid, (long) height * width)
                    .permute(0, 2, 1).dup('c')) : null;
        }

        /**
         * Adds this step's weight gradients to {@link #gradients} and its input gradient to {@code dxSum} (if not
         * null); writes the gradients with respect to h_{t-1} and c_{t-1} to {@code dhPrev} and {@code dcPrev} (if
         * not null).
         *
         * @param dh gradient with respect to this step's h; {@code dc} with respect to its c (null: none)
         */
        void backward(Step s, Values dh, Values dc, int batch, Values dxSum, Values dhPrev, Values dcPrev) {
            int plane = height * width;
            long length = s.c.length();
            Values peeps = peepholesByCell();
            Values peepSums = peephole ? Values.allocate(dtype, peeps.length()) : null;
            Values gate = s.gates;
            Values dGate = values("dGates", gate.length());
            int n = batch * plane;
            INDArray dGates = buffer("dGates", batch, height, width, 4L * hid);
            ByteBuffer dGateBytes = Values.nativeBytes(dGates, dGate.length());
            int row = 4 * hid;
            // The first step back has no gradient through c; the last (t = 0) needs none for c_{t-1}.
            Values dcIn = dc == null ? values("zero", length) : dc;
            Values dcOut = dcPrev == null ? values("dcUnused", length) : dcPrev;
            // Chunks of pixels, each over every batch member: a pixel's peephole sums have one writer.
            forEachCell(batch, (q0, q1, pixel0) -> {
                gate.lstmBackward(q0, q1, pixel0, hid, plane, peeps, s.cPrev, s.c, s.tanhC, dh, dcIn, dGate, dcOut,
                        peepSums);
                dGate.write(dGateBytes, q0 * row, q1 * row);
            });
            if (peephole) {
                peepGrad.addi(peepSums.write(Nd4j.create(dtype, 3, plane, hid)).permute(0, 2, 1)
                        .reshape(peepGrad.shape()));
            }
            boolean inputGradient = dxSum != null || dhPrev != null;
            // libnd4j's input gradient, with no gradient wanted for the layer's input, is the hidden state's alone.
            boolean hiddenOnly = dxSum == null && oneDnn == null;
            INDArray dInput = inputGradient ? buffer("dxh", batch, height, width, hiddenOnly ? hid : in + hid) : null;
            if (oneDnn != null) {
                oneDnn.backward(s.xh, dGates, dInput, wGrad3, bGrad, batch);
            } else {
                addWeightGradients(s.xh, dGates, batch);
                if (inputGradient) {
                    // The convolution of the gate gradients with the flipped, transposed weights.
                    Nd4j.exec(gateConvolution(kernel, new INDArray[]{dGates, hiddenOnly ? flippedHidden : flipped},
                            dInput));
                }
            }
            if (!inputGradient) {
                return;
            }
            if (hiddenOnly) {
                dhPrev.read(dInput);
            } else {
                Values dxh = values("dxh", dInput.length());
                ByteBuffer dInputBytes = Values.nativeBytes(dInput, dxh.length());
                int width = in + hid;
                // A part of the rows at a time, each read from native memory right before it is used.
                Values.inParts(n, width, (r0, r1) -> {
                    dxh.read(dInputBytes, r0 * width, r1 * width);
                    if (dxSum != null) {
                        dxSum.addColumns(dxh, width, 0, in, r0, r1);
                    }
                    if (dhPrev != null) {
                        dhPrev.copyColumns(dxh, width, in, hid, r0, r1);
                    }
                });
            }
        }

        /**
         * libnd4j's route to the weight and bias gradients: the bias's as a GEMM with a row of ones, the weights' as
         * one GEMM over the step's im2col columns, [4 hid, k² (in + hid)] with the kernel offset before the channel,
         * added to the weights' [channel, kernel offset] order.
         */
        private void addWeightGradients(INDArray xh, INDArray dGates, int batch) {
            INDArray dGateRows = dGates.reshape((long) batch * height * width, 4L * hid);
            INDArray ones = buffer("ones", 1, dGateRows.size(0));
            if (ones.getDouble(0) == 0) {
                ones.assign(1);
            }
            INDArray dB = buffer("dB", 1, 4L * hid);
            Nd4j.gemm(ones, dGateRows, dB, false, false, 1.0, 0.0);
            bGrad.addi(dB.reshape(bGrad.shape()));
            INDArray cols = imageToColumns(xh, batch);
            INDArray dW = buffer("dW", 4L * hid, cols.size(1));
            Nd4j.gemm(dGateRows, cols, dW, true, false, 1.0, 0.0);
            wGrad3.addi(dW.reshape(4L * hid, (long) kernel * kernel, in + hid).permute(0, 2, 1));
        }
    }

    /**
     * im2col of a cell-major image {@code [batch, height, width, channels]}: {@code [cells, k² channels]}, each cell's
     * row its neighbours' channel rows, kernel row by kernel column, zero where a neighbour is outside the grid. Each
     * kernel row's neighbours are one memory copy on the native buffers (grid rows in parallel); the padding cells are
     * never written, so the zeros of a new buffer stay.
     */
    private INDArray imageToColumns(INDArray image, int batch) {
        int channels = (int) image.size(3);
        int k2 = kernel * kernel;
        int r = kernel / 2;
        INDArray cols = buffer("cols", (long) batch * height * width, (long) k2 * channels);
        int bytes = image.dataType().width();
        int run = channels * bytes;
        ByteBuffer colBytes = cols.data().asNio();
        ByteBuffer imageBytes = image.data().asNio();
        IntStream.range(0, batch * height).parallel().forEach(row -> {
            int y = row % height;
            for (int ky = 0; ky < kernel; ky++) {
                int yy = y + ky - r;
                if (yy < 0 || yy >= height) {
                    continue;
                }
                int sourceRow = (row - y + yy) * width;
                for (int x = 0; x < width; x++) {
                    // A kernel row's neighbours inside the grid are side by side in the image and in the cell's
                    // row of columns: one copy each (three times fewer calls than one per neighbour).
                    int dx0 = Math.max(-r, -x);
                    int dx1 = Math.min(r, width - 1 - x);
                    int q = row * width + x;
                    colBytes.put((q * k2 + ky * kernel + dx0 + r) * run, imageBytes, (sourceRow + x + dx0) * run,
                            (dx1 - dx0 + 1) * run);
                }
            }
        });
        return cols;
    }

    /** The cells of a batch, {@code [batch, height, width]} flattened, a range of pixels at a time (in parallel). */
    private interface CellRange {
        /** Cells q0 until q1 of one batch member, the first at pixel {@code pixel0} of its grid. */
        void run(int q0, int q1, int pixel0);
    }

    private void forEachCell(int batch, CellRange range) {
        int plane = height * width;
        int chunk = 256;
        IntStream.range(0, (plane + chunk - 1) / chunk).parallel().forEach(k -> {
            int p0 = k * chunk;
            int p1 = Math.min(plane, p0 + chunk);
            for (int b = 0; b < batch; b++) {
                range.run(b * plane + p0, b * plane + p1, p0);
            }
        });
    }

    /** A scratch array reused by every step of this shape. */
    private INDArray buffer(String use, long... shape) {
        return buffers.computeIfAbsent(use + Arrays.toString(shape), k -> Nd4j.zeros(dtype, shape));
    }

    /** A Java array reused by every step, like {@link #buffer}; starts as zeros. */
    private Values values(String use, long length) {
        return heap.computeIfAbsent(use + "#" + length, k -> Values.allocate(dtype, Math.toIntExact(length)));
    }

    /**
     * tanh as Eigen's rational approximation for float (a 13/6 odd rational function on [-7.9, 7.9], clamped
     * outside): within 1e-6 of tanh everywhere, i.e. float precision, and in a loop the JIT vectorises ~10x faster
     * than through Math.exp (20 ns here), which made the gate activations the costliest part of a step. The clamp is
     * written with Math.abs, which the JIT vectorises (Math.min and max it did not, here). The backward pass's
     * derivatives (1 - t², s (1 - s)) are the exact functions' and agree with this one's to the same order, well
     * inside the gradient checks.
     */
    static float tanh(float x) {
        float y = 0.5f * (Math.abs(x + TANH_CLAMP) - Math.abs(x - TANH_CLAMP));
        float y2 = y * y;
        float p = -2.76076847742355e-16f;
        p = p * y2 + 2.00018790482477e-13f;
        p = p * y2 - 8.60467152213735e-11f;
        p = p * y2 + 5.12229709037114e-08f;
        p = p * y2 + 1.48572235717979e-05f;
        p = p * y2 + 6.37261928875436e-04f;
        p = p * y2 + 4.89352455891786e-03f;
        float q = 1.19825839466702e-06f;
        q = q * y2 + 1.18534705686654e-04f;
        q = q * y2 + 2.26843463243900e-03f;
        q = q * y2 + 4.89352518554385e-03f;
        return y * p / q;
    }

    private static final float TANH_CLAMP = 7.90531110763549805f;

    /** {@link #tanh(float)} in double, for the gradient checks. */
    static double tanh(double x) {
        double y = 0.5 * (Math.abs(x + TANH_CLAMP) - Math.abs(x - TANH_CLAMP));
        double y2 = y * y;
        double p = -2.76076847742355e-16;
        p = p * y2 + 2.00018790482477e-13;
        p = p * y2 - 8.60467152213735e-11;
        p = p * y2 + 5.12229709037114e-08;
        p = p * y2 + 1.48572235717979e-05;
        p = p * y2 + 6.37261928875436e-04;
        p = p * y2 + 4.89352455891786e-03;
        double q = 1.19825839466702e-06;
        q = q * y2 + 1.18534705686654e-04;
        q = q * y2 + 2.26843463243900e-03;
        q = q * y2 + 4.89352518554385e-03;
        return y * p / q;
    }

    /**
     * A Java array of the network's data type, for the fused loops (plain array loops run several times faster
     * than element access to native memory). The LSTM update is written twice, in float for training and in double
     * for the gradient checks: the same arithmetic through one double-valued accessor ran ~3x slower in float.
     */
    abstract static class Values {
        abstract int length();

        /** The Java array itself, for {@link System#arraycopy}. */
        abstract Object array();

        /** Copies elements {@code from} until {@code to} from native memory (the same elements of {@code bytes}). */
        abstract void read(ByteBuffer bytes, int from, int to);

        abstract void write(ByteBuffer bytes, int from, int to);

        /** this[at + i] += source[from + i] for i < length. */
        abstract void addRun(Values source, int from, int at, int length);

        /**
         * The LSTM update of cells {@code q0} until {@code q1}, the first at pixel {@code pixel0} of its grid: this
         * holds each cell's pre-activation gates, a row of i, f, g, o ({@code hid} each), and receives the activated
         * ones; the states are rows of {@code hid} per cell.
         *
         * @param peeps the peephole weights as [3, plane, hid] (i and f on c_{t-1}, o on c_t), or null
         */
        abstract void lstmForward(int q0, int q1, int pixel0, int hid, int plane, Values peeps, Values cPrev,
                                  Values c, Values tanhC, Values h);

        /**
         * The backward of {@link #lstmForward} on the same cells, this holding the activated gates: writes the
         * pre-activation gate gradients to {@code dGates} and the gradient with respect to c_{t-1} to
         * {@code dcPrev}, and adds the peephole weights' gradients to {@code peepSums} (when peeps is not null).
         *
         * @param dh the gradient with respect to h; {@code dc} with respect to c, besides through h
         */
        abstract void lstmBackward(int q0, int q1, int pixel0, int hid, int plane, Values peeps, Values cPrev,
                                   Values c, Values tanhC, Values dh, Values dc, Values dGates, Values dcPrev,
                                   Values peepSums);

        static Values allocate(DataType dtype, int length) {
            return dtype == DataType.FLOAT ? new Floats(length) : new Doubles(length);
        }

        /** Copies a dense array of its own (not a view) of this length. */
        Values read(INDArray a) {
            ByteBuffer bytes = nativeBytes(a, length());
            inParts(length(), 1, (from, to) -> read(bytes, from, to));
            return this;
        }

        /** Copies this into {@code a}, a dense array of its own of this length, and returns it. */
        INDArray write(INDArray a) {
            ByteBuffer bytes = nativeBytes(a, length());
            inParts(length(), 1, (from, to) -> write(bytes, from, to));
            return a;
        }

        /**
         * Rows of {@code a} (width {@code aWidth}) and {@code b} side by side, for {@code rows} rows, into this and on
         * to {@code into}, a dense array of its own of this length, which it returns.
         */
        INDArray interleave(Values a, int aWidth, Values b, int bWidth, int rows, INDArray into) {
            int width = aWidth + bWidth;
            ByteBuffer bytes = nativeBytes(into, length());
            inParts(rows, width, (r0, r1) -> {
                for (int r = r0; r < r1; r++) {
                    if (aWidth > 0) {
                        System.arraycopy(a.array(), r * aWidth, array(), r * width, aWidth);
                    }
                    System.arraycopy(b.array(), r * bWidth, array(), r * width + aWidth, bWidth);
                }
                // On to native memory while this part is in cache.
                write(bytes, r0 * width, r1 * width);
            });
            return into;
        }

        /** Columns {@code first} until {@code first + width} of rows {@code r0} until {@code r1} of {@code source}. */
        void copyColumns(Values source, int sourceWidth, int first, int width, int r0, int r1) {
            for (int r = r0; r < r1; r++) {
                System.arraycopy(source.array(), r * sourceWidth + first, array(), r * width, width);
            }
        }

        /** Adds columns {@code first} until {@code first + width} of rows {@code r0} until {@code r1} of {@code source}. */
        void addColumns(Values source, int sourceWidth, int first, int width, int r0, int r1) {
            for (int r = r0; r < r1; r++) {
                addRun(source, r * sourceWidth + first, r * width, width);
            }
        }

        /** Rows [0, rows) in parallel parts of at least ~256K elements: copies of the size of a step's gates. */
        static void inParts(int rows, int rowLength, Part part) {
            int parts = (int) Math.max(1, Math.min(16, (long) rows * rowLength >> 18));
            IntStream.range(0, parts).parallel().forEach(i -> part.run((int) ((long) rows * i / parts),
                    (int) ((long) rows * (i + 1) / parts)));
        }

        interface Part {
            /** Rows {@code from} until {@code to}. */
            void run(int from, int to);
        }

        /** The native memory of {@code a}, a dense array of its own (not a view) of {@code length} elements. */
        static ByteBuffer nativeBytes(INDArray a, long length) {
            if (a.offset() != 0 || a.ordering() != 'c' || a.isView() || a.length() != length) {
                throw new IllegalStateException("expected a dense array of its own of length " + length + ", got "
                        + a.shapeInfoToString());
            }
            return a.data().asNio().order(ByteOrder.nativeOrder());
        }
    }

    private static final class Floats extends Values {
        private final float[] v;

        Floats(int length) {
            v = new float[length];
        }

        @Override
        int length() {
            return v.length;
        }

        @Override
        Object array() {
            return v;
        }

        @Override
        void read(ByteBuffer bytes, int from, int to) {
            bytes.asFloatBuffer().get(from, v, from, to - from);
        }

        @Override
        void write(ByteBuffer bytes, int from, int to) {
            bytes.asFloatBuffer().put(from, v, from, to - from);
        }

        @Override
        void addRun(Values source, int from, int at, int length) {
            float[] s = ((Floats) source).v;
            for (int i = 0; i < length; i++) {
                v[at + i] += s[from + i];
            }
        }

        private static float[] of(Values values) {
            return values == null ? null : ((Floats) values).v;
        }

        @Override
        void lstmForward(int q0, int q1, int pixel0, int hid, int plane, Values peeps, Values cPrev, Values c,
                         Values tanhC, Values h) {
            float[] g = v;
            float[] p = of(peeps);
            float[] cp = of(cPrev);
            float[] cs = of(c);
            float[] tc = of(tanhC);
            float[] hs = of(h);
            if (p == null) {
                lstmForward(q0, q1, hid, cp, cs, tc, hs);
                return;
            }
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + ch] += p[pixel * hid + ch] * cp[row + ch];
                        g[gi + hid + ch] += p[(plane + pixel) * hid + ch] * cp[row + ch];
                    }
                }
                for (int k = gi; k < gi + 2 * hid; k++) {
                    g[k] = 0.5f + 0.5f * tanh(0.5f * g[k]);
                }
                for (int k = gi + 2 * hid; k < gi + 3 * hid; k++) {
                    g[k] = tanh(g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    cs[row + ch] = g[gi + hid + ch] * cp[row + ch] + g[gi + ch] * g[gi + 2 * hid + ch];
                }
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + 3 * hid + ch] += p[(2 * plane + pixel) * hid + ch] * cs[row + ch];
                    }
                }
                for (int k = gi + 3 * hid; k < gi + 4 * hid; k++) {
                    g[k] = 0.5f + 0.5f * tanh(0.5f * g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    float t = tanh(cs[row + ch]);
                    tc[row + ch] = t;
                    hs[row + ch] = g[gi + 3 * hid + ch] * t;
                }
            }
        }

        /**
         * {@link #lstmForward} without peepholes, in loops the JIT (of Java 17) vectorises: those over one array, or
         * over several at the same index, here the range's whole gate rows and states; loops mixing arrays at
         * different offsets (a cell's gate rows and its state row) it runs element by element, so they do no tanh.
         * The g gate is tanh(x) = 2 sigmoid(2x) - 1, so that one sigmoid loop covers all four gates. Twice as fast
         * as a cell's short rows at a time.
         */
        private void lstmForward(int q0, int q1, int hid, float[] cp, float[] cs, float[] tc, float[] hs) {
            float[] g = v;
            for (int q = q0; q < q1; q++) {
                for (int k = q * 4 * hid + 2 * hid; k < q * 4 * hid + 3 * hid; k++) {
                    g[k] *= 2;
                }
            }
            for (int k = q0 * 4 * hid; k < q1 * 4 * hid; k++) {
                g[k] = 0.5f + 0.5f * tanh(0.5f * g[k]);
            }
            for (int q = q0; q < q1; q++) {
                int gi = q * 4 * hid;
                for (int k = gi + 2 * hid; k < gi + 3 * hid; k++) {
                    g[k] = 2 * g[k] - 1;
                }
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    cs[row + ch] = g[gi + hid + ch] * cp[row + ch] + g[gi + ch] * g[gi + 2 * hid + ch];
                }
            }
            for (int k = q0 * hid; k < q1 * hid; k++) {
                tc[k] = tanh(cs[k]);
            }
            for (int q = q0; q < q1; q++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    hs[row + ch] = g[gi + 3 * hid + ch] * tc[row + ch];
                }
            }
        }

        @Override
        void lstmBackward(int q0, int q1, int pixel0, int hid, int plane, Values peeps, Values cPrev, Values c,
                          Values tanhC, Values dh, Values dc, Values dGates, Values dcPrev, Values peepSums) {
            float[] g = v;
            float[] p = of(peeps);
            float[] ps = of(peepSums);
            float[] cp = of(cPrev);
            float[] cs = of(c);
            float[] tc = of(tanhC);
            float[] dhs = of(dh);
            float[] dcs = of(dc);
            float[] dg = of(dGates);
            float[] dcp = of(dcPrev);
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    float i = g[gi + ch];
                    float f = g[gi + hid + ch];
                    float gg = g[gi + 2 * hid + ch];
                    float o = g[gi + 3 * hid + ch];
                    float t = tc[row + ch];
                    float d = dhs[row + ch];
                    float cPrevQ = cp[row + ch];
                    // o = sigmoid(.): d pre-activation = dh tanh(c) o (1 - o); dc += dh o (1 - tanh(c)^2)
                    float dO = d * t * o * (1 - o);
                    float dcTotal = d * o * (1 - t * t) + dcs[row + ch];
                    if (p != null) {
                        dcTotal += p[(2 * plane + pixel) * hid + ch] * dO;
                        ps[(2 * plane + pixel) * hid + ch] += dO * cs[row + ch];
                    }
                    float di = dcTotal * gg * i * (1 - i);
                    float df = dcTotal * cPrevQ * f * (1 - f);
                    dcp[row + ch] = dcTotal * f;
                    if (p != null) {
                        dcp[row + ch] += p[pixel * hid + ch] * di + p[(plane + pixel) * hid + ch] * df;
                        ps[pixel * hid + ch] += di * cPrevQ;
                        ps[(plane + pixel) * hid + ch] += df * cPrevQ;
                    }
                    dg[gi + ch] = di;
                    dg[gi + hid + ch] = df;
                    dg[gi + 2 * hid + ch] = dcTotal * i * (1 - gg * gg);
                    dg[gi + 3 * hid + ch] = dO;
                }
            }
        }
    }

    private static final class Doubles extends Values {
        private final double[] v;

        Doubles(int length) {
            v = new double[length];
        }

        @Override
        int length() {
            return v.length;
        }

        @Override
        Object array() {
            return v;
        }

        @Override
        void read(ByteBuffer bytes, int from, int to) {
            bytes.asDoubleBuffer().get(from, v, from, to - from);
        }

        @Override
        void write(ByteBuffer bytes, int from, int to) {
            bytes.asDoubleBuffer().put(from, v, from, to - from);
        }

        @Override
        void addRun(Values source, int from, int at, int length) {
            double[] s = ((Doubles) source).v;
            for (int i = 0; i < length; i++) {
                v[at + i] += s[from + i];
            }
        }

        private static double[] of(Values values) {
            return values == null ? null : ((Doubles) values).v;
        }

        @Override
        void lstmForward(int q0, int q1, int pixel0, int hid, int plane, Values peeps, Values cPrev, Values c,
                         Values tanhC, Values h) {
            double[] g = v;
            double[] p = of(peeps);
            double[] cp = of(cPrev);
            double[] cs = of(c);
            double[] tc = of(tanhC);
            double[] hs = of(h);
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + ch] += p[pixel * hid + ch] * cp[row + ch];
                        g[gi + hid + ch] += p[(plane + pixel) * hid + ch] * cp[row + ch];
                    }
                }
                for (int k = gi; k < gi + 2 * hid; k++) {
                    g[k] = 0.5 + 0.5 * tanh(0.5 * g[k]);
                }
                for (int k = gi + 2 * hid; k < gi + 3 * hid; k++) {
                    g[k] = tanh(g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    cs[row + ch] = g[gi + hid + ch] * cp[row + ch] + g[gi + ch] * g[gi + 2 * hid + ch];
                }
                if (p != null) {
                    for (int ch = 0; ch < hid; ch++) {
                        g[gi + 3 * hid + ch] += p[(2 * plane + pixel) * hid + ch] * cs[row + ch];
                    }
                }
                for (int k = gi + 3 * hid; k < gi + 4 * hid; k++) {
                    g[k] = 0.5 + 0.5 * tanh(0.5 * g[k]);
                }
                for (int ch = 0; ch < hid; ch++) {
                    double t = tanh(cs[row + ch]);
                    tc[row + ch] = t;
                    hs[row + ch] = g[gi + 3 * hid + ch] * t;
                }
            }
        }

        @Override
        void lstmBackward(int q0, int q1, int pixel0, int hid, int plane, Values peeps, Values cPrev, Values c,
                          Values tanhC, Values dh, Values dc, Values dGates, Values dcPrev, Values peepSums) {
            double[] g = v;
            double[] p = of(peeps);
            double[] ps = of(peepSums);
            double[] cp = of(cPrev);
            double[] cs = of(c);
            double[] tc = of(tanhC);
            double[] dhs = of(dh);
            double[] dcs = of(dc);
            double[] dg = of(dGates);
            double[] dcp = of(dcPrev);
            for (int q = q0, pixel = pixel0; q < q1; q++, pixel++) {
                int gi = q * 4 * hid;
                int row = q * hid;
                for (int ch = 0; ch < hid; ch++) {
                    double i = g[gi + ch];
                    double f = g[gi + hid + ch];
                    double gg = g[gi + 2 * hid + ch];
                    double o = g[gi + 3 * hid + ch];
                    double t = tc[row + ch];
                    double d = dhs[row + ch];
                    double cPrevQ = cp[row + ch];
                    double dO = d * t * o * (1 - o);
                    double dcTotal = d * o * (1 - t * t) + dcs[row + ch];
                    if (p != null) {
                        dcTotal += p[(2 * plane + pixel) * hid + ch] * dO;
                        ps[(2 * plane + pixel) * hid + ch] += dO * cs[row + ch];
                    }
                    double di = dcTotal * gg * i * (1 - i);
                    double df = dcTotal * cPrevQ * f * (1 - f);
                    dcp[row + ch] = dcTotal * f;
                    if (p != null) {
                        dcp[row + ch] += p[pixel * hid + ch] * di + p[(plane + pixel) * hid + ch] * df;
                        ps[pixel * hid + ch] += di * cPrevQ;
                        ps[(plane + pixel) * hid + ch] += df * cPrevQ;
                    }
                    dg[gi + ch] = di;
                    dg[gi + hid + ch] = df;
                    dg[gi + 2 * hid + ch] = dcTotal * i * (1 - gg * gg);
                    dg[gi + 3 * hid + ch] = dO;
                }
            }
        }
    }

    /** Shapes of the parameter arrays in order; hands out consecutive views of a flat vector. */
    private static final class ParamLayout {
        private final List<long[]> shapes = new ArrayList<>();
        private final List<Long> offsets = new ArrayList<>();
        long total;
        int next;

        void add(long... shape) {
            shapes.add(shape);
            offsets.add(total);
            long n = 1;
            for (long s : shape) {
                n *= s;
            }
            total += n;
        }

        List<long[]> ranges() {
            List<long[]> ranges = new ArrayList<>();
            for (int i = 0; i < offsets.size(); i++) {
                long end = i + 1 < offsets.size() ? offsets.get(i + 1) : total;
                ranges.add(new long[]{offsets.get(i), end - offsets.get(i)});
            }
            return ranges;
        }

        INDArray view(INDArray flat) {
            return view(flat, shapes.get(next));
        }

        /** The current array in another shape of the same length. */
        INDArray view(INDArray flat, long... shape) {
            long offset = offsets.get(next);
            long n = next + 1 < offsets.size() ? offsets.get(next + 1) - offset : total - offset;
            return flat.get(point(0), interval(offset, offset + n)).reshape('c', shape);
        }
    }
}
