package io.gridcast.models;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.IntStream;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The ConvLSTM encoder–forecaster with a hand-written forward and backward pass: each gate convolution is one
 * im2col + GEMM over the concatenated input and hidden state, the gate arithmetic is fused Java loops over the
 * hidden channels (in parallel) on Java arrays, and Adam updates one flat parameter vector. A SameDiff graph of the
 * same network spent most of a training step in per-op overhead (and a {@code split} copy of every gate tensor), and
 * one native ND4J op per gate term cost as much as the GEMMs; here the GEMMs are most of the cost. Every per-step
 * array is a buffer reused by the next pass of the same batch size, so a training step allocates no large arrays.
 *
 * <p>Activations are kept channel-major, {@code [channels, batch * height * width]}, so that the four gates of a
 * convolution's output {@code [4 * hidden, cells]} are contiguous row blocks (i, f, g, o) and every element-wise loop
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
        INDArray[] h = new INDArray[layers];
        Values[] c = new Values[layers];
        for (int l = 0; l < layers; l++) {
            // Never written: the zero initial states.
            h[l] = buffer("zero", encoder[l].hid, cells);
            c[l] = values("zero", encoder[l].hid * cells);
        }
        Step[][] enc = new Step[frames.length][];
        for (int t = 0; t < frames.length; t++) {
            enc[t] = unroll(encoder, "e" + slot(t, keep), frames[t], h, c, batch);
        }
        Step[][] fc = new Step[out][];
        INDArray[] leads = new INDArray[out];
        for (int t = 0; t < out; t++) {
            fc[t] = unroll(forecaster, "f" + slot(t, keep), null, h, c, batch);
            leads[t] = buffer("lead" + t, headB.size(0), cells);
            for (int l = 0; l < layers; l++) {
                Nd4j.gemm(headW[l], h[l], leads[t], false, false, 1.0, l == 0 ? 0.0 : 1.0);
            }
            leads[t].addiColumnVector(headB);
        }
        return new Pass(batch, keep ? enc : null, keep ? fc : null, leads);
    }

    /** Training keeps every time step's buffers; inference alternates two, the current step's and the last. */
    private static int slot(int t, boolean keep) {
        return keep ? t : t % 2;
    }

    private Step[] unroll(Cell[] stack, String slot, INDArray input, INDArray[] h, Values[] c, int batch) {
        Step[] steps = new Step[stack.length];
        INDArray x = input;
        for (int l = 0; l < stack.length; l++) {
            Step step = stack[l].forward(slot + "." + l + ".", x, h[l], c[l], batch);
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
        int layers = encoder.length;
        long cells = leadGradients[0].size(1);
        Values[] dh = new Values[layers];
        Values[] dc = new Values[layers];
        int parity = 0;
        for (int t = pass.forecaster.length - 1; t >= 0; t--) {
            INDArray dLead = leadGradients[t];
            headBGrad.addi(dLead.sum(true, 1));
            for (int l = 0; l < layers; l++) {
                Step step = pass.forecaster[t][l];
                Nd4j.gemm(dLead, step.h, headWGrad[l], false, true, 1.0, 1.0);
                INDArray fromHead = buffer("headDh", step.h.size(0), cells);
                Nd4j.gemm(headW[l], dLead, fromHead, true, false, 1.0, 0.0);
                if (dh[l] == null) {
                    dh[l] = values("dh" + l + "." + parity, step.h.length()).read(fromHead);
                } else {
                    dh[l].add(fromHead);
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

    /**
     * The kept values of one cell step; {@code gates} holds the activated i, f, g, o. Only the fused loops read the
     * gates and cell states, so they live on the Java heap, where those loops run fastest.
     */
    record Step(INDArray x, INDArray hPrev, Values cPrev, Values gates, Values c, Values tanhC, INDArray h) {
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

        /** {@code prefix} names this step's buffers: reused by the same step of the next pass. */
        Step forward(String prefix, INDArray x, INDArray hPrev, Values cPrev, int batch) {
            long cells = (long) batch * height * width;
            INDArray cols = columns(x, hPrev, batch);
            INDArray preActivation = buffer("gates", 4L * hid, cells);
            Nd4j.gemm(w, cols, preActivation, false, false, 1.0, 0.0);
            Values gate = values(prefix + "gates", preActivation.length()).read(preActivation);
            Values c = values(prefix + "c", hid * cells);
            Values tanhC = values(prefix + "tanhC", hid * cells);
            Values h = values("h", hid * cells);
            Values cp = cPrev;
            double[] bias = b.toDoubleVector();
            double[] peeps = peephole ? peep.reshape(-1).toDoubleVector() : null;
            int n = (int) cells;
            int plane = height * width;
            // Per hidden channel (channels in parallel), a few passes over its four gate rows instead of one native
            // op per term: the gate arithmetic was as costly as the convolutions.
            IntStream.range(0, hid).parallel().forEach(ch -> {
                int gi = ch * n;
                int gf = (hid + ch) * n;
                int gg = (2 * hid + ch) * n;
                int go = (3 * hid + ch) * n;
                int row = ch * n;
                if (peeps != null) {
                    for (int q = 0, at = 0; q < n; q++, at = at + 1 == plane ? 0 : at + 1) {
                        gate.set(gi + q, gate.get(gi + q) + peeps[ch * plane + at] * cp.get(row + q));
                        gate.set(gf + q, gate.get(gf + q) + peeps[(hid + ch) * plane + at] * cp.get(row + q));
                    }
                }
                // The activations alone, in loops the JIT vectorises; the rest is cheap arithmetic.
                gate.activate(gi, n, bias[ch], true);
                gate.activate(gf, n, bias[hid + ch], true);
                gate.activate(gg, n, bias[2 * hid + ch], false);
                for (int q = 0; q < n; q++) {
                    c.set(row + q, gate.get(gf + q) * cp.get(row + q) + gate.get(gi + q) * gate.get(gg + q));
                }
                if (peeps != null) {
                    for (int q = 0, at = 0; q < n; q++, at = at + 1 == plane ? 0 : at + 1) {
                        gate.set(go + q, gate.get(go + q) + peeps[(2 * hid + ch) * plane + at] * c.get(row + q));
                    }
                }
                gate.activate(go, n, bias[3 * hid + ch], true);
                tanhC.tanhOf(c, row, n);
                for (int q = 0; q < n; q++) {
                    h.set(row + q, gate.get(go + q) * tanhC.get(row + q));
                }
            });
            INDArray hOut = buffer(prefix + "h", hid, cells);
            h.write(hOut);
            return new Step(x, hPrev, cPrev, gate, c, tanhC, hOut);
        }

        /**
         * Adds this step's weight gradients to {@link #gradients} and its input gradient to {@code dxSum} (if not
         * null); writes the gradients with respect to h_{t-1} and c_{t-1} to {@code dhPrev} and {@code dcPrev} (if
         * not null).
         *
         * @param dh gradient with respect to this step's h; {@code dc} with respect to its c (null: none)
         */
        void backward(Step s, Values dh, Values dc, int batch, Values dxSum, Values dhPrev, Values dcPrev) {
            int n = (int) s.h.size(1);
            int plane = height * width;
            double[] peeps = peephole ? peep.reshape(-1).toDoubleVector() : null;
            double[] peepSums = peephole ? new double[peeps.length] : null;
            double[] biasSums = new double[4 * hid];
            Values gate = s.gates;
            Values dGate = values("dGates", s.gates.length());
            Values dhv = dh;
            Values dcv = dc;
            Values cp = s.cPrev;
            Values c = s.c;
            Values tanhC = s.tanhC;
            Values dcp = dcPrev;
            IntStream.range(0, hid).parallel().forEach(ch -> {
                int gi = ch * n;
                int gf = (hid + ch) * n;
                int gg = (2 * hid + ch) * n;
                int go = (3 * hid + ch) * n;
                int row = ch * n;
                double sumI = 0;
                double sumF = 0;
                double sumG = 0;
                double sumO = 0;
                int at = -1;
                for (int q = 0; q < n; q++) {
                    double i = gate.get(gi + q);
                    double f = gate.get(gf + q);
                    double g = gate.get(gg + q);
                    double o = gate.get(go + q);
                    double tq = tanhC.get(row + q);
                    double d = dhv.get(row + q);
                    double cPrevQ = cp.get(row + q);
                    // o = sigmoid(.): d pre-activation = dh tanh(c) o (1 - o); dc += dh o (1 - tanh(c)^2)
                    double dO = d * tq * o * (1 - o);
                    double dcTotal = d * o * (1 - tq * tq) + (dcv == null ? 0 : dcv.get(row + q));
                    // q % plane without a division per element
                    at = at + 1 == plane ? 0 : at + 1;
                    if (peeps != null) {
                        dcTotal += peeps[(2 * hid + ch) * plane + at] * dO;
                        peepSums[(2 * hid + ch) * plane + at] += dO * c.get(row + q);
                    }
                    double di = dcTotal * g * i * (1 - i);
                    double df = dcTotal * cPrevQ * f * (1 - f);
                    double dg = dcTotal * i * (1 - g * g);
                    if (dcp != null) {
                        double dcPrevQ = dcTotal * f;
                        if (peeps != null) {
                            dcPrevQ += peeps[ch * plane + at] * di + peeps[(hid + ch) * plane + at] * df;
                        }
                        dcp.set(row + q, dcPrevQ);
                    }
                    if (peeps != null) {
                        peepSums[ch * plane + at] += di * cPrevQ;
                        peepSums[(hid + ch) * plane + at] += df * cPrevQ;
                    }
                    dGate.set(gi + q, di);
                    dGate.set(gf + q, df);
                    dGate.set(gg + q, dg);
                    dGate.set(go + q, dO);
                    sumI += di;
                    sumF += df;
                    sumG += dg;
                    sumO += dO;
                }
                biasSums[ch] = sumI;
                biasSums[hid + ch] = sumF;
                biasSums[2 * hid + ch] = sumG;
                biasSums[3 * hid + ch] = sumO;
            });
            bGrad.addi(Nd4j.createFromArray(biasSums).castTo(dtype).reshape(bGrad.shape()));
            if (peephole) {
                peepGrad.addi(Nd4j.createFromArray(peepSums).castTo(dtype).reshape(peepGrad.shape()));
            }
            INDArray dGates = buffer("dGates", 4L * hid, n);
            dGate.write(dGates);
            INDArray cols = columns(s.x, s.hPrev, batch);
            Nd4j.gemm(dGates, cols, wGrad, false, true, 1.0, 1.0);
            if (dxSum == null && dhPrev == null) {
                return;
            }
            INDArray dCols = buffer("d", cols.shape());
            Nd4j.gemm(w, dGates, dCols, true, false, 1.0, 0.0);
            if (dxSum != null) {
                columnsToImage(dCols, dxSum, in, 0);
            }
            if (dhPrev != null) {
                dhPrev.fill(0);
                columnsToImage(dCols, dhPrev, hid, in);
            }
        }

        /** im2col of [x, hPrev] into a reused buffer [(in + hid) k k, cells]. */
        private INDArray columns(INDArray x, INDArray hPrev, int batch) {
            long rows = (long) (in + hid) * kernel * kernel;
            INDArray cols = buffer("c", new long[]{rows, hPrev.size(1)});
            imageToColumns(cols, x, 0);
            imageToColumns(cols, hPrev, in);
            zeroPadding(cols, 0, rows);
            return cols;
        }
    }

    /** A scratch array reused by every step of this shape. */
    private INDArray buffer(String use, long[] shape) {
        return buffers.computeIfAbsent(use + shape[0] + "x" + shape[1], k -> Nd4j.zeros(dtype, shape));
    }

    private INDArray buffer(String use, long rows, long columns) {
        return buffer(use, new long[]{rows, columns});
    }

    /** A Java array reused by every step, like {@link #buffer}; starts as zeros. */
    private Values values(String use, long length) {
        return heap.computeIfAbsent(use + "#" + length, k -> Values.allocate(dtype, Math.toIntExact(length)));
    }

    /**
     * tanh as Eigen's rational approximation for float (a 13/6 odd rational function on [-7.9, 7.9], clamped
     * outside): within 4e-7 of tanh everywhere, i.e. float precision, and in a loop the JIT vectorises ~10x faster
     * than through Math.exp (20 ns here), which made the gate activations the costliest part of a step. The
     * backward pass's derivatives (1 - t², s (1 - s)) are the exact functions' and agree with this one's to the same
     * order, well inside the gradient checks.
     */
    static float tanh(float x) {
        float y = Math.max(-7.90531110763549805f, Math.min(7.90531110763549805f, x));
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

    /** {@link #tanh(float)} in double, for the gradient checks. */
    static double tanh(double x) {
        double y = Math.max(-7.90531110763549805, Math.min(7.90531110763549805, x));
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
     * than element access to native memory). Only the float class is loaded in float32 training, so the calls
     * inline.
     */
    abstract static class Values {
        abstract int length();

        abstract double get(int i);

        abstract void set(int i, double v);

        abstract void fill(double v);

        /** Copies {@link #length()} elements from element {@code from} of native memory. */
        abstract Values read(ByteBuffer bytes, long from);

        abstract void write(ByteBuffer bytes);

        /** this[at + i] += source[from + i] for i < length. */
        abstract void addRun(Values source, int from, int at, int length);

        /** this[from + i] = sigmoid (or tanh) of (this[from + i] + bias), sigmoid(x) = (1 + tanh(x / 2)) / 2. */
        abstract void activate(int from, int length, double bias, boolean sigmoid);

        /** this[from + i] = tanh(source[from + i]) for i < length. */
        abstract void tanhOf(Values source, int from, int length);

        static Values allocate(DataType dtype, int length) {
            return dtype == DataType.FLOAT ? new Floats(length) : new Doubles(length);
        }

        /** Copies a dense array of its own (not a view) of this length. */
        Values read(INDArray a) {
            return read(nativeBytes(a), 0);
        }

        void write(INDArray a) {
            write(nativeBytes(a));
        }

        void add(INDArray a) {
            addRun(allocate(a.dataType(), length()).read(a), 0, 0, length());
        }

        private ByteBuffer nativeBytes(INDArray a) {
            if (a.offset() != 0 || a.ordering() != 'c' || a.isView() || a.length() != length()) {
                throw new IllegalStateException("expected a dense array of its own of length " + length()
                        + ", got " + a.shapeInfoToString());
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
        double get(int i) {
            return v[i];
        }

        @Override
        void set(int i, double value) {
            v[i] = (float) value;
        }

        @Override
        void fill(double value) {
            Arrays.fill(v, (float) value);
        }

        @Override
        Values read(ByteBuffer bytes, long from) {
            bytes.asFloatBuffer().get(Math.toIntExact(from), v);
            return this;
        }

        @Override
        void write(ByteBuffer bytes) {
            bytes.asFloatBuffer().put(0, v);
        }

        @Override
        void addRun(Values source, int from, int at, int length) {
            float[] s = ((Floats) source).v;
            for (int i = 0; i < length; i++) {
                v[at + i] += s[from + i];
            }
        }

        @Override
        void activate(int from, int length, double bias, boolean sigmoid) {
            float b = (float) bias;
            if (sigmoid) {
                for (int i = from; i < from + length; i++) {
                    v[i] = 0.5f + 0.5f * tanh(0.5f * (v[i] + b));
                }
            } else {
                for (int i = from; i < from + length; i++) {
                    v[i] = tanh(v[i] + b);
                }
            }
        }

        @Override
        void tanhOf(Values source, int from, int length) {
            float[] s = ((Floats) source).v;
            for (int i = from; i < from + length; i++) {
                v[i] = tanh(s[i]);
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
        double get(int i) {
            return v[i];
        }

        @Override
        void set(int i, double value) {
            v[i] = value;
        }

        @Override
        void fill(double value) {
            Arrays.fill(v, value);
        }

        @Override
        Values read(ByteBuffer bytes, long from) {
            bytes.asDoubleBuffer().get(Math.toIntExact(from), v);
            return this;
        }

        @Override
        void write(ByteBuffer bytes) {
            bytes.asDoubleBuffer().put(0, v);
        }

        @Override
        void addRun(Values source, int from, int at, int length) {
            double[] s = ((Doubles) source).v;
            for (int i = 0; i < length; i++) {
                v[at + i] += s[from + i];
            }
        }

        @Override
        void activate(int from, int length, double bias, boolean sigmoid) {
            for (int i = from; i < from + length; i++) {
                v[i] = sigmoid ? 0.5 + 0.5 * tanh(0.5 * (v[i] + bias)) : tanh(v[i] + bias);
            }
        }

        @Override
        void tanhOf(Values source, int from, int length) {
            double[] s = ((Doubles) source).v;
            for (int i = from; i < from + length; i++) {
                v[i] = tanh(s[i]);
            }
        }
    }

    /**
     * im2col for the channel block of an image {@code [channels, batch * height * width]} starting at row block
     * {@code firstChannel} of the columns, with zero "same" padding. A kernel offset (dy, dx) shifts a whole
     * flattened channel by one constant, so each (channel, offset) is one contiguous memory copy, done directly on
     * the native buffers (ND4J's strided views, and even one ND4J op per copy, cost more than the GEMM); the cells
     * this lets wrap across rows and batch members are exactly the padding cells, zeroed by {@link #zeroPadding}.
     */
    private void imageToColumns(INDArray cols, INDArray image, int firstChannel) {
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
                colBytes.put((int) (col * bytes), imageBytes, (int) (img * bytes), (int) ((p1 - p0) * bytes));
            }
        }
    }

    /**
     * col2im, the adjoint of {@link #imageToColumns}: adds the columns' rows of {@code channels} channels from
     * channel {@code firstChannel} back into {@code image} {@code [channels, batch * height * width]}, skipping the
     * padding cells. Each column row is copied once to the Java heap, where the shifted sums run as plain loops;
     * channels in parallel, each writing only its own image row.
     */
    private void columnsToImage(INDArray cols, Values image, int channels, int firstChannel) {
        int n = (int) cols.size(1);
        int k2 = kernel * kernel;
        int r = kernel / 2;
        int plane = height * width;
        ByteBuffer colBytes = cols.data().asNio().order(ByteOrder.nativeOrder());
        IntStream.range(0, channels).parallel().forEach(c -> {
            Values row = Values.allocate(dtype, n);
            for (int j = 0; j < k2; j++) {
                int oy = j / kernel - r;
                int ox = j % kernel - r;
                row.read(colBytes, ((long) (firstChannel + c) * k2 + j) * n);
                int x0 = Math.max(0, -ox);
                int x1 = Math.min(width, width - ox);
                for (int b = 0; b < n / plane; b++) {
                    for (int y = Math.max(0, -oy); y < Math.min(height, height - oy); y++) {
                        int from = b * plane + y * width + x0;
                        image.addRun(row, from, c * n + from + oy * width + ox, x1 - x0);
                    }
                }
            }
        });
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
