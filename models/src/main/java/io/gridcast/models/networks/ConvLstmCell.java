package io.gridcast.models.networks;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.nio.ByteBuffer;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * One ConvLSTM layer's cell: a single convolution over [input, hidden] giving the four gates, then the LSTM update
 * in fused Java loops on Java arrays (cells in parallel), forward and backward. In float (training) the convolutions
 * are oneDNN's own primitives ({@link OneDnnGateConvolution}): forward, backward data for the input gradient and
 * backward weights for the weight and bias gradients. In double (the gradient checks, which oneDNN does not run) they
 * are libnd4j's conv2d, the input gradient a conv2d with the flipped weights and the weight gradient one GEMM over
 * im2col columns. The weights and their gradients are views of vectors the caller owns (a network's, or the ones
 * DL4J hands a layer); the gradients are added to.
 *
 * <p>Activations are kept cell-major, {@code [batch, height, width, channels]}: a cell's four gates are one row
 * (i, f, g, o) of the convolution's output, and the fused loops run over whole rows. oneDNN's Winograd convolutions
 * convert them to and from their blocked layout; its direct ones convolve them as they are.
 */
final class ConvLstmCell {

    /**
     * The kept values of one cell step: its convolution's input {@code xh} (x and h_{t-1}) as the convolution keeps
     * it (in double {@code [batch, height, width, in + hid]}, in float oneDNN's layout), the activated gates i, f, g,
     * o, and the states. Only the fused loops read the gates and states, so they live on the Java heap, where those
     * loops run fastest.
     */
    record Step(INDArray xh, CellValues cPrev, CellValues gates, CellValues c, CellValues tanhC, CellValues h) {
    }

    final int in;
    final int hid;
    private final ConvLstmBuffers ws;
    private final boolean peephole;
    private final int kernel;
    private final int height;
    private final int width;
    private final DataType dtype;
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

    /**
     * @param params    this cell's weights, a dense run of {@link #parameterCount} elements in the order of
     *                  {@link #parameterShapes}: convolution weights, bias, peepholes; {@code gradients} the same
     *                  for their gradients (both may be views into a larger vector, as DL4J hands a layer)
     */
    ConvLstmCell(ConvLstmBuffers ws, int in, int hid, boolean peephole, INDArray params, INDArray gradients) {
        this.ws = ws;
        this.in = in;
        this.hid = hid;
        this.peephole = peephole;
        kernel = ws.kernel;
        height = ws.height;
        width = ws.width;
        dtype = ws.dtype;
        INDArray[] p = views(params, parameterShapes(in, hid, kernel, peephole, height * width));
        INDArray[] g = views(gradients, parameterShapes(in, hid, kernel, peephole, height * width));
        w = p[0];
        wGrad = g[0];
        w4 = w.reshape('c', 4L * hid, in + hid, kernel, kernel);
        wGrad3 = wGrad.reshape('c', 4L * hid, in + hid, (long) kernel * kernel);
        oneDnn = ws.oneDnnConvolution(in + hid, 4 * hid);
        flipped = oneDnn != null ? null : Nd4j.create(dtype, in + hid, 4L * hid, kernel, kernel);
        flippedHidden = flipped == null ? null : flipped.get(interval(in, in + hid), all(), all(), all());
        b = p[1];
        bGrad = g[1];
        b1 = b.reshape('c', new long[]{4L * hid});
        peep = peephole ? p[2] : null;
        peepGrad = peephole ? g[2] : null;
    }

    /**
     * The shapes of a cell's parameter arrays, in the order they lie in its parameter vector: convolution weights
     * {@code [4 hid, (in + hid) k k]} (rows are gates i, f, g, o; columns channel-major, then kernel row and
     * column), bias {@code [4 hid, 1]}, and with peepholes {@code [3, hid, plane]}.
     */
    static long[][] parameterShapes(int in, int hid, int kernel, boolean peephole, int plane) {
        long[] w = {4L * hid, (long) (in + hid) * kernel * kernel};
        long[] b = {4L * hid, 1};
        return peephole ? new long[][]{w, b, {3, hid, plane}} : new long[][]{w, b};
    }

    static long parameterCount(int in, int hid, int kernel, boolean peephole, int plane) {
        long n = 0;
        for (long[] shape : parameterShapes(in, hid, kernel, peephole, plane)) {
            n += length(shape);
        }
        return n;
    }

    static long length(long[] shape) {
        long n = 1;
        for (long s : shape) {
            n *= s;
        }
        return n;
    }

    /** Consecutive views of {@code flat} (a dense run, possibly a view itself) in these shapes. */
    static INDArray[] views(INDArray flat, long[][] shapes) {
        INDArray[] views = new INDArray[shapes.length];
        long offset = 0;
        for (int i = 0; i < shapes.length; i++) {
            long n = length(shapes[i]);
            views[i] = run(flat, offset, n).reshape('c', shapes[i]);
            offset += n;
        }
        return views;
    }

    /** Elements {@code offset} until {@code offset + n} of {@code flat}, as a vector view. */
    static INDArray run(INDArray flat, long offset, long n) {
        // A row vector [1, n] as DL4J hands it, or a vector [n].
        INDArray vector = flat.rank() == 1 ? flat : flat.get(point(0), all());
        return vector.get(interval(offset, offset + n));
    }


    /** {@code prefix} names this step's buffers: reused by the same step of the next pass. */
    Step forward(String prefix, CellValues x, CellValues hPrev, CellValues cPrev, int batch) {
        int n = batch * height * width;
        // oneDNN keeps its own copy of the input for the backward pass; libnd4j's route keeps this one.
        INDArray xh = stateInput(oneDnn == null ? prefix : "", x, hPrev, batch);
        INDArray kept = oneDnn == null ? xh : ws.buffer(prefix + "kept", oneDnn.keptInputLength(batch));
        INDArray preActivation = gates(xh, kept, batch);
        ByteBuffer preActivationBytes = CellValues.nativeBytes(preActivation, preActivation.length());
        CellValues gate = ws.values(prefix + "gates", preActivation.length());
        CellValues c = ws.values(prefix + "c", (long) hid * n);
        CellValues tanhC = ws.values(prefix + "tanhC", (long) hid * n);
        CellValues h = ws.values(prefix + "h", (long) hid * n);
        CellValues peeps = peepholesByCell();
        int plane = height * width;
        int row = 4 * hid;
        ws.forEachCell(batch, (q0, q1, pixel0) -> {
            // Each range's gates are copied to the heap right before their update, which then finds them in cache.
            gate.read(preActivationBytes, q0 * row, q1 * row);
            gate.lstmForward(q0, q1, pixel0, hid, plane, peeps, cPrev, c, tanhC, h);
        });
        return new Step(kept, cPrev, gate, c, tanhC, h);
    }

    /** The convolution's input {@code [batch, height, width, in + hid]}: each cell's x and h_{t-1} side by side. */
    INDArray stateInput(String prefix, CellValues x, CellValues hPrev, int batch) {
        int n = batch * height * width;
        return ws.values("xh", (long) n * (in + hid)).interleave(x, in, hPrev, hid, n,
                ws.buffer(prefix + "xh", batch, height, width, in + hid));
    }

    /**
     * The pre-activation gates {@code [batch, height, width, 4 hid]} of a {@link #stateInput}, a reused buffer; in
     * float, keeps the input in {@code kept} for the backward pass.
     */
    INDArray gates(INDArray xh, INDArray kept, int batch) {
        INDArray preActivation = ws.buffer("gates", batch, height, width, 4L * hid);
        if (oneDnn != null) {
            oneDnn.forward(xh, b1, kept, preActivation, batch);
        } else {
            Nd4j.exec(ConvLstmBuffers.gateConvolution(kernel, new INDArray[]{xh, w4, b1}, preActivation));
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
    private CellValues peepholesByCell() {
        return peephole ? ws.values("peeps", peep.length()).read(peep.reshape('c', 3, hid, (long) height * width)
                .permute(0, 2, 1).dup('c')) : null;
    }

    /**
     * Adds this step's weight gradients to {@link #gradients} and its input gradient to {@code dxSum} (if not
     * null); writes the gradients with respect to h_{t-1} and c_{t-1} to {@code dhPrev} and {@code dcPrev} (if
     * not null).
     *
     * @param dh gradient with respect to this step's h; {@code dc} with respect to its c (null: none)
     */
    void backward(Step s, CellValues dh, CellValues dc, int batch, CellValues dxSum, CellValues dhPrev,
                  CellValues dcPrev) {
        int plane = height * width;
        long length = s.c.length();
        CellValues peeps = peepholesByCell();
        CellValues peepSums = peephole ? CellValues.allocate(dtype, peeps.length()) : null;
        CellValues gate = s.gates;
        CellValues dGate = ws.values("dGates", gate.length());
        int n = batch * plane;
        INDArray dGates = ws.buffer("dGates", batch, height, width, 4L * hid);
        ByteBuffer dGateBytes = CellValues.nativeBytes(dGates, dGate.length());
        int row = 4 * hid;
        // The first step back has no gradient through c; the last (t = 0) needs none for c_{t-1}.
        CellValues dcIn = dc == null ? ws.values("zero", length) : dc;
        CellValues dcOut = dcPrev == null ? ws.values("dcUnused", length) : dcPrev;
        // Chunks of pixels, each over every batch member: a pixel's peephole sums have one writer.
        ws.forEachCell(batch, (q0, q1, pixel0) -> {
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
        INDArray dInput = inputGradient ? ws.buffer("dxh", batch, height, width, hiddenOnly ? hid : in + hid) : null;
        if (oneDnn != null) {
            oneDnn.backward(s.xh, dGates, dInput, wGrad3, bGrad, batch);
        } else {
            addWeightGradients(s.xh, dGates, batch);
            if (inputGradient) {
                // The convolution of the gate gradients with the flipped, transposed weights.
                Nd4j.exec(ConvLstmBuffers.gateConvolution(kernel,
                        new INDArray[]{dGates, hiddenOnly ? flippedHidden : flipped},
                        dInput));
            }
        }
        if (!inputGradient) {
            return;
        }
        if (hiddenOnly) {
            dhPrev.read(dInput);
        } else {
            CellValues dxh = ws.values("dxh", dInput.length());
            ByteBuffer dInputBytes = CellValues.nativeBytes(dInput, dxh.length());
            int width = in + hid;
            // A part of the rows at a time, each read from native memory right before it is used.
            CellValues.inParts(n, width, (r0, r1) -> {
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
        INDArray ones = ws.buffer("ones", 1, dGateRows.size(0));
        if (ones.getDouble(0) == 0) {
            ones.assign(1);
        }
        INDArray dB = ws.buffer("dB", 1, 4L * hid);
        Nd4j.gemm(ones, dGateRows, dB, false, false, 1.0, 0.0);
        bGrad.addi(dB.reshape(bGrad.shape()));
        INDArray cols = ws.imageToColumns(xh, batch);
        INDArray dW = ws.buffer("dW", 4L * hid, cols.size(1));
        Nd4j.gemm(dGateRows, cols, dW, true, false, 1.0, 0.0);
        wGrad3.addi(dW.reshape(4L * hid, (long) kernel * kernel, in + hid).permute(0, 2, 1));
    }
}
