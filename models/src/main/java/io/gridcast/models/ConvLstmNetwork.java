package io.gridcast.models;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;
import org.nd4j.linalg.ops.transforms.Transforms;

/**
 * The ConvLSTM encoder–forecaster with a hand-written forward and backward pass: each gate convolution is one
 * im2col + GEMM over the concatenated input and hidden state, the gate arithmetic runs on ND4J's native element-wise
 * ops, and Adam updates one flat parameter vector. A SameDiff graph of the same network spent most of a training
 * step in per-op overhead (and a {@code split} copy of every gate tensor); here the GEMMs are the cost.
 *
 * <p>Activations are kept channel-major, {@code [channels, batch * height * width]}, so that the four gates of a
 * convolution's output {@code [4 * hidden, cells]} are contiguous row blocks (i, f, g, o) and every element-wise op
 * works on dense memory. Grids here are already space-to-depth patched (see {@link ConvLstmNowcaster}).
 */
final class ConvLstmNetwork {

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
    /** Every weight, as one row vector; the arrays above are views into it. */
    final INDArray params;
    final INDArray gradients;
    /** Adam's state (first and second moments), also one row vector so it can be saved and restored as is. */
    final INDArray updaterState;
    private final GradientUpdater<?> updater;
    /** The updater's configuration, read at every step: changing its rate keeps the moments and step count. */
    private final Adam adam;
    int iteration;
    private final Map<String, INDArray> columnBuffers = new HashMap<>();
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
     * @return the leads, each {@code [outChannels, batch * height * width]}
     */
    Pass forward(INDArray[] frames, int out, int batch, boolean keep) {
        int layers = encoder.length;
        long cells = (long) batch * height * width;
        INDArray[] h = new INDArray[layers];
        INDArray[] c = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            h[l] = Nd4j.zeros(dtype, encoder[l].hid, cells);
            c[l] = h[l];
        }
        Step[][] enc = new Step[frames.length][];
        for (int t = 0; t < frames.length; t++) {
            enc[t] = unroll(encoder, frames[t], h, c, batch, keep);
        }
        Step[][] fc = new Step[out][];
        INDArray[] leads = new INDArray[out];
        for (int t = 0; t < out; t++) {
            fc[t] = unroll(forecaster, null, h, c, batch, true);
            leads[t] = Nd4j.createUninitialized(dtype, headB.size(0), cells);
            for (int l = 0; l < layers; l++) {
                Nd4j.gemm(headW[l], h[l], leads[t], false, false, 1.0, l == 0 ? 0.0 : 1.0);
            }
            leads[t].addiColumnVector(headB);
            if (!keep) {
                fc[t] = null;
            }
        }
        return new Pass(batch, keep ? enc : null, keep ? fc : null, leads);
    }

    private Step[] unroll(Cell[] stack, INDArray input, INDArray[] h, INDArray[] c, int batch, boolean keep) {
        Step[] steps = new Step[stack.length];
        INDArray x = input;
        for (int l = 0; l < stack.length; l++) {
            Step step = stack[l].forward(x, h[l], c[l], batch);
            h[l] = step.h;
            c[l] = step.c;
            x = step.h;
            if (keep) {
                steps[l] = step;
            }
        }
        return steps;
    }

    /**
     * Sets {@link #gradients} to the gradient of the loss whose gradient with respect to each lead is
     * {@code leadGradients[t]} (same shapes as the pass's leads).
     */
    void backward(Pass pass, INDArray[] leadGradients) {
        gradients.assign(0);
        int layers = encoder.length;
        INDArray[] dh = new INDArray[layers];
        INDArray[] dc = new INDArray[layers];
        for (int t = pass.forecaster.length - 1; t >= 0; t--) {
            INDArray dLead = leadGradients[t];
            headBGrad.addi(dLead.sum(true, 1));
            for (int l = 0; l < layers; l++) {
                Step step = pass.forecaster[t][l];
                Nd4j.gemm(dLead, step.h, headWGrad[l], false, true, 1.0, 1.0);
                if (dh[l] == null) {
                    dh[l] = Nd4j.createUninitialized(dtype, step.h.shape());
                    Nd4j.gemm(headW[l], dLead, dh[l], true, false, 1.0, 0.0);
                } else {
                    Nd4j.gemm(headW[l], dLead, dh[l], true, false, 1.0, 1.0);
                }
            }
            backThroughStacks(forecaster, pass.forecaster[t], dh, dc, pass.batch, true);
        }
        for (int t = pass.encoder.length - 1; t >= 0; t--) {
            backThroughStacks(encoder, pass.encoder[t], dh, dc, pass.batch, t > 0);
        }
    }

    /** One time step, top layer first: a layer's input gradient joins the gradient of the layer below's output. */
    private static void backThroughStacks(Cell[] stack, Step[] steps, INDArray[] dh, INDArray[] dc, int batch,
                                          boolean needPrevious) {
        for (int l = stack.length - 1; l >= 0; l--) {
            INDArray[] g = stack[l].backward(steps[l], dh[l], dc[l], batch, l > 0, needPrevious);
            dh[l] = g[1];
            dc[l] = g[2];
            if (l > 0) {
                dh[l - 1].addi(g[0]);
            }
        }
    }

    /** The pre-activation gates [4 hid, cells] of encoder layer {@code layer} for input x and state h. */
    INDArray encoderGates(int layer, INDArray x, INDArray h, int batch) {
        Cell cell = encoder[layer];
        INDArray gates = Nd4j.gemm(cell.w, cell.columns(x, h, batch), false, false);
        return gates.addiColumnVector(cell.b);
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

    /** The kept values of one cell step; {@code gates} holds the activated i, f, g, o. */
    record Step(INDArray x, INDArray hPrev, INDArray cPrev, INDArray gates, INDArray c, INDArray tanhC, INDArray h) {
    }

    /** One ConvLSTM layer: a single convolution over [input, hidden] giving the four gates, then the LSTM update. */
    private final class Cell {
        final int in;
        final int hid;
        /** [4 hid, (in + hid) k k]: rows are gates i, f, g, o; columns channel-major then kernel row, column. */
        final INDArray w;
        final INDArray wGrad;
        final INDArray b;
        final INDArray bGrad;
        /** Peephole weights [3, hid, height * width] for i, f (on c_{t-1}) and o (on c_t), or null. */
        final INDArray peep;
        final INDArray peepGrad;

        Cell(int in, int hid, ParamLayout layout) {
            this.in = in;
            this.hid = hid;
            w = layout.view(params);
            wGrad = layout.view(gradients);
            layout.next++;
            b = layout.view(params);
            bGrad = layout.view(gradients);
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

        private INDArray gate(INDArray gates, int k) {
            return gates.get(interval((long) k * hid, (long) (k + 1) * hid), all());
        }

        Step forward(INDArray x, INDArray hPrev, INDArray cPrev, int batch) {
            long cells = hPrev.size(1);
            INDArray cols = columns(x, hPrev, batch);
            INDArray gates = Nd4j.createUninitialized(dtype, 4L * hid, cells);
            Nd4j.gemm(w, cols, gates, false, false, 1.0, 0.0);
            gates.addiColumnVector(b);
            INDArray i = gate(gates, 0);
            INDArray f = gate(gates, 1);
            INDArray g = gate(gates, 2);
            INDArray o = gate(gates, 3);
            if (peephole) {
                addHadamard(i, peep.get(point(0), all(), all()), cPrev, batch);
                addHadamard(f, peep.get(point(1), all(), all()), cPrev, batch);
            }
            Transforms.sigmoid(i, false);
            Transforms.sigmoid(f, false);
            Transforms.tanh(g, false);
            INDArray c = f.mul(cPrev).addi(i.mul(g));
            if (peephole) {
                addHadamard(o, peep.get(point(2), all(), all()), c, batch);
            }
            Transforms.sigmoid(o, false);
            INDArray tanhC = Transforms.tanh(c, true);
            return new Step(x, hPrev, cPrev, gates, c, tanhC, o.mul(tanhC));
        }

        /**
         * @param dh gradient with respect to this step's h; {@code dc} with respect to its c (null: none)
         * @return gradients with respect to x (null unless {@code needInput}), h_{t-1} and c_{t-1} (both null
         *         unless {@code needPrevious})
         */
        INDArray[] backward(Step s, INDArray dh, INDArray dc, int batch, boolean needInput, boolean needPrevious) {
            INDArray i = gate(s.gates, 0);
            INDArray f = gate(s.gates, 1);
            INDArray g = gate(s.gates, 2);
            INDArray o = gate(s.gates, 3);
            INDArray dGates = Nd4j.createUninitialized(dtype, s.gates.shape());
            INDArray di = gate(dGates, 0);
            INDArray df = gate(dGates, 1);
            INDArray dg = gate(dGates, 2);
            INDArray dO = gate(dGates, 3);
            // o = sigmoid(.): d pre-activation = dh tanh(c) o (1 - o)
            dO.assign(o.rsub(1.0).muli(o).muli(s.tanhC).muli(dh));
            // dc += dh o (1 - tanh(c)^2)
            INDArray dcTotal = s.tanhC.mul(s.tanhC).rsubi(1.0).muli(o).muli(dh);
            if (dc != null) {
                dcTotal.addi(dc);
            }
            if (peephole) {
                addHadamard(dcTotal, peep.get(point(2), all(), all()), dO, batch);
                accumulateHadamard(peepGrad.get(point(2), all(), all()), dO, s.c, batch);
            }
            di.assign(i.rsub(1.0).muli(i).muli(g).muli(dcTotal));
            df.assign(f.rsub(1.0).muli(f).muli(s.cPrev).muli(dcTotal));
            dg.assign(g.mul(g).rsubi(1.0).muli(i).muli(dcTotal));
            INDArray dcPrev = null;
            if (needPrevious) {
                dcPrev = dcTotal.muli(f);
                if (peephole) {
                    addHadamard(dcPrev, peep.get(point(0), all(), all()), di, batch);
                    addHadamard(dcPrev, peep.get(point(1), all(), all()), df, batch);
                }
            }
            if (peephole) {
                accumulateHadamard(peepGrad.get(point(0), all(), all()), di, s.cPrev, batch);
                accumulateHadamard(peepGrad.get(point(1), all(), all()), df, s.cPrev, batch);
            }
            bGrad.addi(dGates.sum(true, 1));
            INDArray cols = columns(s.x, s.hPrev, batch);
            Nd4j.gemm(dGates, cols, wGrad, false, true, 1.0, 1.0);
            if (!needInput && !needPrevious) {
                return new INDArray[3];
            }
            INDArray dCols = buffer("d", cols.shape());
            Nd4j.gemm(w, dGates, dCols, true, false, 1.0, 0.0);
            INDArray dx = needInput ? Nd4j.zeros(dtype, in, s.hPrev.size(1)) : null;
            INDArray dhPrev = needPrevious ? Nd4j.zeros(dtype, s.hPrev.shape()) : null;
            zeroPadding(dCols, 0, dCols.size(0));
            imageToColumns(dCols, dx, 0, false);
            imageToColumns(dCols, dhPrev, in, false);
            return new INDArray[]{dx, dhPrev, dcPrev};
        }

        /** im2col of [x, hPrev] into a reused buffer [(in + hid) k k, cells]. */
        private INDArray columns(INDArray x, INDArray hPrev, int batch) {
            long rows = (long) (in + hid) * kernel * kernel;
            INDArray cols = buffer("c", new long[]{rows, hPrev.size(1)});
            imageToColumns(cols, x, 0, true);
            imageToColumns(cols, hPrev, in, true);
            zeroPadding(cols, 0, rows);
            return cols;
        }
    }

    /** A scratch array reused by every step of this shape. */
    private INDArray buffer(String use, long[] shape) {
        return columnBuffers.computeIfAbsent(use + shape[0] + "x" + shape[1], k -> Nd4j.zeros(dtype, shape));
    }

    /**
     * im2col ({@code forward}: image to columns) or its adjoint col2im (adds the columns back into the image) for
     * the channel block of an image {@code [channels, batch * height * width]} starting at row block
     * {@code firstChannel} of the columns, with zero "same" padding. A kernel offset (dy, dx) shifts a whole
     * flattened channel by one constant, so each (channel, offset) is one contiguous memory copy or sum, done
     * directly on the native buffers (ND4J's strided views, and even one ND4J op per copy, cost more than the
     * GEMM); the cells this lets wrap across rows and batch members are exactly the padding cells, zeroed in the
     * columns by {@link #zeroPadding}.
     */
    private void imageToColumns(INDArray cols, INDArray image, int firstChannel, boolean forward) {
        if (image == null || image.size(0) == 0) {
            return;
        }
        long channels = image.size(0);
        long n = image.size(1);
        int k2 = kernel * kernel;
        int r = kernel / 2;
        int bytes = cols.dataType().width();
        ByteBuffer colBytes = cols.data().asNio().order(ByteOrder.nativeOrder());
        ByteBuffer imageBytes = image.data().asNio().order(ByteOrder.nativeOrder());
        for (long c = 0; c < channels; c++) {
            for (int j = 0; j < k2; j++) {
                long shift = (long) (j / kernel - r) * width + (j % kernel - r);
                long p0 = Math.max(0, -shift);
                long p1 = Math.min(n, n - shift);
                long col = cols.offset() + ((firstChannel + c) * k2 + j) * n + p0;
                long img = image.offset() + c * n + p0 + shift;
                if (forward) {
                    colBytes.put((int) (col * bytes), imageBytes, (int) (img * bytes), (int) ((p1 - p0) * bytes));
                } else {
                    addInto(imageBytes, img, colBytes, col, p1 - p0, bytes);
                }
            }
        }
    }

    /** target[at + i] += source[from + i] for i < length, in elements of {@code bytes} bytes. */
    private static void addInto(ByteBuffer target, long at, ByteBuffer source, long from, long length, int bytes) {
        if (bytes == 4) {
            FloatBuffer t = target.asFloatBuffer();
            FloatBuffer s = source.asFloatBuffer();
            for (int i = 0; i < length; i++) {
                t.put((int) at + i, t.get((int) at + i) + s.get((int) from + i));
            }
        } else {
            DoubleBuffer t = target.asDoubleBuffer();
            DoubleBuffer s = source.asDoubleBuffer();
            for (int i = 0; i < length; i++) {
                t.put((int) at + i, t.get((int) at + i) + s.get((int) from + i));
            }
        }
    }

    /** Zeroes every cell of the columns that reads the padding (outside the grid) for its kernel offset. */
    private void zeroPadding(INDArray cols, long firstRow, long rows) {
        ByteBuffer bytes = cols.data().asNio();
        int elementBytes = cols.dataType().width();
        long n = cols.size(1);
        long plane = (long) height * this.width;
        int r = kernel / 2;
        for (long row = firstRow; row < firstRow + rows; row++) {
            int j = (int) (row % ((long) kernel * kernel));
            int oy = j / kernel - r;
            int ox = j % kernel - r;
            long base = cols.offset() + row * n;
            for (long b = 0; b < n / plane; b++) {
                for (int y = 0; y < height; y++) {
                    long start = base + b * plane + (long) y * this.width;
                    if (y + oy < 0 || y + oy >= height) {
                        zero(bytes, elementBytes, start, start + this.width);
                    } else if (ox < 0) {
                        zero(bytes, elementBytes, start, start - ox);
                    } else if (ox > 0) {
                        zero(bytes, elementBytes, start + this.width - ox, start + this.width);
                    }
                }
            }
        }
    }

    private static void zero(ByteBuffer bytes, int elementBytes, long from, long to) {
        for (long i = from; i < to; i++) {
            if (elementBytes == 4) {
                bytes.putInt((int) (i * 4), 0);
            } else {
                bytes.putLong((int) (i * 8), 0L);
            }
        }
    }

    /** target[:, b, :] += weight * state[:, b, :] for every batch member b; target and state [hid, cells]. */
    private void addHadamard(INDArray target, INDArray weight, INDArray state, int batch) {
        INDArray t3 = target.reshape('c', target.size(0), batch, (long) height * width);
        INDArray s3 = state.reshape('c', state.size(0), batch, (long) height * width);
        for (int n = 0; n < batch; n++) {
            t3.get(all(), point(n), all()).addi(weight.mul(s3.get(all(), point(n), all())));
        }
    }

    /** gradient += sum over b of delta[:, b, :] * state[:, b, :]. */
    private void accumulateHadamard(INDArray gradient, INDArray delta, INDArray state, int batch) {
        INDArray d3 = delta.reshape('c', delta.size(0), batch, (long) height * width);
        INDArray s3 = state.reshape('c', state.size(0), batch, (long) height * width);
        for (int n = 0; n < batch; n++) {
            gradient.addi(d3.get(all(), point(n), all()).mul(s3.get(all(), point(n), all())));
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
            long[] shape = shapes.get(next);
            long offset = offsets.get(next);
            long n = next + 1 < offsets.size() ? offsets.get(next + 1) - offset : total - offset;
            return flat.get(point(0), interval(offset, offset + n)).reshape('c', shape);
        }
    }
}
