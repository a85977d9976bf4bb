package io.gridcast.models.networks;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.learning.GradientUpdater;
import org.nd4j.linalg.learning.config.Adam;

/**
 * The ConvLSTM encoder–forecaster with a hand-written forward and backward pass over {@link ConvLstmCell}s (the
 * convolutions and fused gate loops), and Adam updating one flat parameter vector. A SameDiff graph of the same
 * network spent most of a training step in per-op overhead (and a {@code split} copy of every gate tensor), and one
 * native ND4J op per gate term cost as much as the convolutions; now the convolutions are most of the cost. A test
 * checks the float path's gradient against the double one's. Grids here are already space-to-depth patched (see
 * {@code nowcasts.ConvLstmNowcaster}).
 */
public final class ConvLstmNetwork {

    private final ConvLstmBuffers ws;
    private final int kernel;
    private final ConvLstmCell[] encoder;
    private final ConvLstmCell[] forecaster;
    /** 1x1 convolution over the concatenated forecaster states, one weight block per layer. */
    private final INDArray[] headW;
    private final INDArray[] headWGrad;
    private final INDArray headB;
    private final INDArray headBGrad;
    /** Every weight, as one row vector; the arrays above are views into it. */
    public final INDArray params;
    public final INDArray gradients;
    /** Adam's state (first and second moments), also one row vector so it can be saved and restored as is. */
    public final INDArray updaterState;
    private final GradientUpdater<?> updater;
    /** The updater's configuration, read at every step: changing its rate keeps the moments and step count. */
    private final Adam adam;
    public int iteration;
    /** {offset, length} in {@link #params} of every parameter array, in order. */
    public final List<long[]> ranges = new ArrayList<>();

    /**
     * @param channels    input channels per frame; {@code outChannels} output channels per lead
     * @param height      grid rows (after patching); {@code width} columns
     */
    public ConvLstmNetwork(List<Integer> hidden, int kernel, int channels, int outChannels, int height, int width,
                           boolean peephole, double learningRate, long seed, DataType dtype) {
        this.kernel = kernel;
        int layers = hidden.size();
        int plane = height * width;
        int[][] cellShapes = new int[2 * layers][];
        for (int l = 0; l < layers; l++) {
            cellShapes[l] = new int[]{l == 0 ? channels : hidden.get(l - 1), hidden.get(l)};
            // The forecaster's bottom layer has no input: a zero input would add nothing to its convolution.
            cellShapes[layers + l] = new int[]{l == 0 ? 0 : hidden.get(l - 1), hidden.get(l)};
        }
        List<long[]> shapes = new ArrayList<>();
        for (int[] s : cellShapes) {
            shapes.addAll(List.of(ConvLstmCell.parameterShapes(s[0], s[1], kernel, peephole, plane)));
        }
        for (int l = 0; l < layers; l++) {
            shapes.add(new long[]{outChannels, hidden.get(l)});
        }
        shapes.add(new long[]{outChannels, 1});
        long total = 0;
        for (long[] shape : shapes) {
            long n = ConvLstmCell.length(shape);
            ranges.add(new long[]{total, n});
            total += n;
        }

        params = Nd4j.zeros(dtype, 1, total);
        gradients = Nd4j.zeros(dtype, 1, total);
        adam = new Adam(learningRate);
        updaterState = Nd4j.zeros(dtype, 1, adam.stateSize(total));
        updater = adam.instantiate(updaterState, true);

        ws = new ConvLstmBuffers(dtype, kernel, height, width);
        encoder = new ConvLstmCell[layers];
        forecaster = new ConvLstmCell[layers];
        long offset = 0;
        for (int i = 0; i < cellShapes.length; i++) {
            long n = ConvLstmCell.parameterCount(cellShapes[i][0], cellShapes[i][1], kernel, peephole, plane);
            ConvLstmCell cell = new ConvLstmCell(ws, cellShapes[i][0], cellShapes[i][1], peephole,
                    run(params, offset, n), run(gradients, offset, n));
            offset += n;
            if (i < layers) {
                encoder[i] = cell;
            } else {
                forecaster[i - layers] = cell;
            }
        }
        headW = new INDArray[layers];
        headWGrad = new INDArray[layers];
        for (int l = 0; l < layers; l++) {
            long n = (long) outChannels * hidden.get(l);
            headW[l] = run(params, offset, n).reshape('c', outChannels, hidden.get(l));
            headWGrad[l] = run(gradients, offset, n).reshape('c', outChannels, hidden.get(l));
            offset += n;
        }
        headB = run(params, offset, outChannels).reshape('c', outChannels, 1);
        headBGrad = run(gradients, offset, outChannels).reshape('c', outChannels, 1);
        initialise(new Random(seed), hidden, outChannels);
    }

    /** Elements {@code offset} until {@code offset + n} of a row vector, as a view. */
    private static INDArray run(INDArray row, long offset, long n) {
        return row.get(point(0), interval(offset, offset + n));
    }

    /** Xavier (Glorot) normal weights, zero biases but forget-gate 1, zero peepholes; from {@code rng} alone. */
    private void initialise(Random rng, List<Integer> hidden, int outChannels) {
        for (ConvLstmCell cell : concat(encoder, forecaster)) {
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
        return Nd4j.createFromArray(values).reshape(shape).castTo(ws.dtype);
    }

    private static List<ConvLstmCell> concat(ConvLstmCell[] a, ConvLstmCell[] b) {
        List<ConvLstmCell> all = new ArrayList<>(List.of(a));
        all.addAll(List.of(b));
        return all;
    }

    /** What a forward pass leaves for the backward pass: every cell step, per time and layer, and the leads. */
    public record Pass(int batch, ConvLstmCell.Step[][] encoder, ConvLstmCell.Step[][] forecaster, INDArray[] leads) {
    }

    /**
     * @param frames {@code in} input frames, each {@code [channels, batch * height * width]}
     * @param keep   whether to keep every step for {@link #backward} (training) or only the leads (inference)
     * @return the leads, each {@code [outChannels, batch * height * width]}; the pass's arrays are reused buffers,
     *         valid until the next call
     */
    public Pass forward(INDArray[] frames, int out, int batch, boolean keep) {
        int layers = encoder.length;
        ws.batch(batch);
        long cells = (long) batch * ws.height * ws.width;
        for (ConvLstmCell cell : concat(encoder, forecaster)) {
            cell.loadForwardWeights(batch);
        }
        CellValues[] h = new CellValues[layers];
        CellValues[] c = new CellValues[layers];
        for (int l = 0; l < layers; l++) {
            // Never written: the zero initial states.
            h[l] = ws.values("zero", encoder[l].hid * cells);
            c[l] = h[l];
        }
        ConvLstmCell.Step[][] enc = new ConvLstmCell.Step[frames.length][];
        for (int t = 0; t < frames.length; t++) {
            INDArray cellMajor = frames[t].transpose().dup('c');
            CellValues x = ws.values("frame", cellMajor.length()).read(cellMajor);
            enc[t] = unroll(encoder, "e" + slot(t, keep), x, h, c, batch, false);
        }
        ConvLstmCell.Step[][] fc = new ConvLstmCell.Step[out][];
        INDArray[] leads = new INDArray[out];
        for (int t = 0; t < out; t++) {
            fc[t] = unroll(forecaster, "f" + slot(t, keep), null, h, c, batch, true);
            leads[t] = ws.buffer("lead" + t, headB.size(0), cells);
            for (int l = 0; l < layers; l++) {
                Nd4j.gemm(headW[l], fc[t][l].hOut(), leads[t], false, true, 1.0, l == 0 ? 0.0 : 1.0);
            }
            leads[t].addiColumnVector(headB);
        }
        return new Pass(batch, keep ? enc : null, keep ? fc : null, leads);
    }

    /** Training keeps every time step's buffers; inference alternates two, the current step's and the last. */
    private static int slot(int t, boolean keep) {
        return keep ? t : t % 2;
    }

    private ConvLstmCell.Step[] unroll(ConvLstmCell[] stack, String slot, CellValues input, CellValues[] h,
                                       CellValues[] c, int batch,
                         boolean toHead) {
        ConvLstmCell.Step[] steps = new ConvLstmCell.Step[stack.length];
        CellValues x = input;
        for (int l = 0; l < stack.length; l++) {
            ConvLstmCell.Step step = stack[l].forward(slot + "." + l + ".", x, h[l], c[l], batch, toHead);
            h[l] = step.h();
            c[l] = step.c();
            x = step.h();
            steps[l] = step;
        }
        return steps;
    }

    /**
     * Sets {@link #gradients} to the gradient of the loss whose gradient with respect to each lead is
     * {@code leadGradients[t]} (same shapes as the pass's leads).
     */
    public void backward(Pass pass, INDArray[] leadGradients) {
        gradients.assign(0);
        for (ConvLstmCell cell : concat(encoder, forecaster)) {
            cell.loadBackwardWeights(pass.batch);
        }
        int layers = encoder.length;
        long cells = leadGradients[0].size(1);
        CellValues[] dh = new CellValues[layers];
        CellValues[] dc = new CellValues[layers];
        int parity = 0;
        for (int t = pass.forecaster.length - 1; t >= 0; t--) {
            INDArray dLead = leadGradients[t];
            headBGrad.addi(dLead.sum(true, 1));
            for (int l = 0; l < layers; l++) {
                INDArray h = pass.forecaster[t][l].hOut();
                Nd4j.gemm(dLead, h, headWGrad[l], false, false, 1.0, 1.0);
                INDArray fromHead = ws.buffer("headDh", cells, h.size(1));
                Nd4j.gemm(dLead, headW[l], fromHead, true, false, 1.0, 0.0);
                if (dh[l] == null) {
                    dh[l] = ws.values("dh" + l + "." + parity, h.length()).read(fromHead);
                } else {
                    dh[l].addRun(ws.values("headDh", h.length()).read(fromHead), 0, 0, dh[l].length());
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
    private void backThroughStacks(ConvLstmCell[] stack, ConvLstmCell.Step[] steps, CellValues[] dh,
                                   CellValues[] dc, int batch,
                                   boolean needPrevious, int parity) {
        for (int l = stack.length - 1; l >= 0; l--) {
            CellValues dhPrev = needPrevious ? ws.values("dh" + l + "." + parity, dh[l].length()) : null;
            CellValues dcPrev = needPrevious ? ws.values("dc" + l + "." + parity, dh[l].length()) : null;
            stack[l].backward(steps[l], dh[l], dc[l], batch, l > 0 ? dh[l - 1] : null, dhPrev, dcPrev);
            dh[l] = dhPrev;
            dc[l] = dcPrev;
        }
    }

    /** The pre-activation gates [4 hid, cells] of encoder layer {@code layer} for input x and state h. */
    public INDArray encoderGates(int layer, INDArray x, INDArray h, int batch) {
        ConvLstmCell cell = encoder[layer];
        cell.loadForwardWeights(batch);
        INDArray xh = cell.stateInput("test.", cellMajor(x), cellMajor(h), batch);
        INDArray kept = cell.oneDnn == null ? xh : ws.buffer("test.kept", cell.oneDnn.keptInputLength(batch));
        return cell.gates(xh, kept, batch).reshape(x.size(1), 4L * cell.hid).transpose().dup();
    }

    /** {@code [channels, cells]} as the cell-major Java array the fused loops use. */
    private CellValues cellMajor(INDArray channelMajor) {
        INDArray cells = channelMajor.transpose().dup('c');
        return CellValues.allocate(ws.dtype, Math.toIntExact(cells.length())).read(cells);
    }

    /** Encoder layer {@code layer}'s convolution weights [4 hid, (in + hid) k k]. */
    public INDArray encoderWeights(int layer) {
        return encoder[layer].w;
    }

    public void learningRate(double rate) {
        adam.setLearningRate(rate);
    }

    /** One Adam step with the current {@link #gradients}. */
    public void update() {
        updater.applyUpdater(gradients, iteration, 0);
        params.subi(gradients);
        iteration++;
    }

    public long parameterCount() {
        return params.length();
    }
}
