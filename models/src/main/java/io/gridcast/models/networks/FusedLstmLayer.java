package io.gridcast.models.networks;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.params.LSTMParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The running half of a {@link FusedLstm}. Rows of every matrix here are (time step, example) pairs, time-major:
 * row {@code t * batch + b}. Native GEMMs do the products: the input projection {@code x W} of all steps at once, the
 * recurrence {@code h_{t-1} RW} once per step over every sequence (a CNN-LSTM runs one sequence per coarse cell,
 * thousands of them), and backward the weights' and the input's gradients at once and {@code dz_t RW'} per step.
 * The gates run in the ConvLSTM's Java loops ({@link CellValues}: its vectorised tanh, in parallel parts of the
 * batch), on arrays reused by the next pass of the same shape.
 *
 * <p>Parameters are DL4J's LSTM's, gates in its column order: block input {@code a} (tanh), forget {@code f},
 * output {@code o}, input {@code i} (sigmoid); {@code c_t = f c_{t-1} + i a}, {@code h_t = o tanh(c_t)}, both zero
 * before the first step. A pass works on a copy of the weights with the gates in {@link CellValues}' order.
 */
class FusedLstmLayer extends BaseLayer<FusedLstm> {

    /** For each gate of {@link CellValues}' order (i, f, g = a, o), its column block in DL4J's (a, f, o, i). */
    private static final int[] DL4J_BLOCK = {3, 1, 0, 2};
    /** Gate values per parallel part of a step: enough to outweigh handing a part to another thread. */
    private static final int PART = 1 << 14;

    /** The last training pass, kept for backpropagation. */
    private Pass pass;
    private ScratchArrays scratch;

    FusedLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    public Type type() {
        return layerConf().isLastStepOnly() ? Type.FEED_FORWARD : Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /**
     * One pass: its input and sizes, its input as rows, the weights in the gates' order, the outputs of every step
     * after a zero block ({@code [(time + 1) batch, units]}: row block t is h_{t-1}), and per step the activated
     * gates and the cell states and their tanh.
     */
    private record Pass(INDArray input, int batch, int time, int units, INDArray rows, INDArray inputWeights,
                        INDArray recurrentWeights, INDArray hidden, CellValues[] gates, CellValues[] cell,
                        CellValues[] cellTanh) {

        /** Rows {@code from} until {@code to} of {@link #hidden}: outputs of steps from - 1 on. */
        INDArray hiddenRows(long from, long to) {
            return hidden.get(interval(from, to), all());
        }
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        boolean lastStepOnly = layerConf().isLastStepOnly();
        Pass p;
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            p = forward();
        }
        pass = training ? p : null;
        long rows = (long) p.batch * (lastStepOnly ? 1 : p.time);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, new long[] {rows, p.units},
                'f');
        long end = (long) (p.time + 1) * p.batch;
        out.assign(p.hiddenRows(end - rows, end));
        return lastStepOnly ? out : sequence(out, p.batch, p.time);
    }

    private Pass forward() {
        FusedLstm c = layerConf();
        if (input.rank() != 3 || input.size(1) != c.getNIn()) {
            throw new IllegalArgumentException("FusedLstm layer " + getIndex() + " ('" + c.getLayerName() + "'):"
                    + " expected input [batch, " + c.getNIn() + ", time], got " + Arrays.toString(input.shape()));
        }
        if (maskArray != null) {
            throw new IllegalArgumentException("FusedLstm layer " + getIndex() + " ('" + c.getLayerName() + "'):"
                    + " masks are not supported (every sequence of a batch has every step)");
        }
        int batch = Math.toIntExact(input.size(0));
        int time = Math.toIntExact(input.size(2));
        int n = Math.toIntExact(c.getNOut());
        int g = 4 * n;
        int stepGates = batch * g;
        ScratchArrays s = scratch(batch, time);
        INDArray rows = rows(input.castTo(dataType), batch, time);
        INDArray w = cellOrder(getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY), n);
        INDArray rw = cellOrder(getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY), n);
        INDArray z = s.buffer("z", (long) time * batch, g);
        Nd4j.gemm(rows, w, z, false, false, 1.0, 0.0);
        z.addiRowVector(cellOrder(getParam(LSTMParamInitializer.BIAS_KEY), n));
        ByteBuffer zBytes = CellValues.nativeBytes(z, z.length());
        INDArray hidden = s.buffer("hidden", (long) (time + 1) * batch, n);
        ByteBuffer hiddenBytes = CellValues.nativeBytes(hidden, hidden.length());
        CellValues zero = s.values("zero", (long) batch * n);
        CellValues[] gates = new CellValues[time];
        CellValues[] cell = new CellValues[time];
        CellValues[] cellTanh = new CellValues[time];
        Pass p = new Pass(input, batch, time, n, rows, w, rw, hidden, gates, cell, cellTanh);
        for (int t = 0; t < time; t++) {
            if (t > 0) {
                // z_t += h_{t-1} RW, in place: step t's rows of z are read once, right after.
                Nd4j.gemm(p.hiddenRows((long) t * batch, (long) (t + 1) * batch), rw, stepRows(z, t, batch), false,
                        false, 1.0, 1.0);
            }
            CellValues gate = s.values("gates" + t, stepGates);
            gate.readRun(zBytes, t * stepGates, 0, stepGates);
            gates[t] = gate;
            cell[t] = s.values("c" + t, (long) batch * n);
            cellTanh[t] = s.values("tanhC" + t, (long) batch * n);
            CellValues h = s.values("h", (long) batch * n);
            CellValues cPrev = t == 0 ? zero : cell[t - 1];
            CellValues c1 = cell[t];
            CellValues tanh1 = cellTanh[t];
            CellValues.inParts(batch, g, PART,
                    (q0, q1) -> gate.lstmForward(q0, q1, 0, n, 0, null, cPrev, c1, tanh1, h));
            h.writeRun(hiddenBytes, 0, (t + 1) * batch * n, batch * n);
        }
        return p;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        Pass p = pass;
        pass = null;
        INDArray dz;
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            if (p == null || p.input != input) {
                // Backpropagation without this input's training pass just before: compute it.
                p = forward();
            }
            dz = gateGradients(p, epsilon);
            int n = p.units;
            INDArray weights = Nd4j.createUninitialized(dataType, p.inputWeights.shape(), 'c');
            Nd4j.gemm(p.rows, dz, weights, true, false, 1.0, 0.0);
            dl4jOrder(weights, gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY), n);
            INDArray recurrent = Nd4j.createUninitialized(dataType, p.recurrentWeights.shape(), 'c');
            Nd4j.gemm(p.hiddenRows(0, (long) p.time * p.batch), dz, recurrent, true, false, 1.0, 0.0);
            dl4jOrder(recurrent, gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY), n);
            // The bias's as a GEMM with a row of ones: ND4J's column sum of dz took longer than the GEMMs.
            INDArray ones = scratch.buffer("ones", 1, dz.rows()).assign(1);
            INDArray bias = Nd4j.createUninitialized(dataType, new long[] {1, dz.columns()}, 'c');
            Nd4j.gemm(ones, dz, bias, false, false, 1.0, 0.0);
            dl4jOrder(bias, gradientViews.get(LSTMParamInitializer.BIAS_KEY), n);
        }
        // As W' dz^T into a 'c' array: the same memory as dz W'^T in 'f' order, which ND4J computed several times
        // slower.
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {layerConf().getNIn(), (long) p.time * p.batch}, 'c');
        Nd4j.gemm(p.inputWeights, dz, inputGradient, false, true, 1.0, 0.0);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : LSTMParamInitializer.getInstance().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        return new Pair<>(gradient, sequence(inputGradient.transpose(), p.batch, p.time));
    }

    /**
     * The gradients with respect to the gates' pre-activations, rows {@code [time * batch, 4 units]} in the gates'
     * order (back through time), given the gradient with respect to the layer's output.
     */
    private INDArray gateGradients(Pass p, INDArray epsilon) {
        int n = p.units;
        int batch = p.batch;
        int stepGates = batch * 4 * n;
        int stepStates = batch * n;
        ScratchArrays s = scratch;
        boolean lastStepOnly = layerConf().isLastStepOnly();
        // Row block t: the gradient with respect to h_t, from the layer's output and (added below) from step t + 1.
        INDArray dh = s.buffer("dh", (long) p.time * batch, n);
        if (lastStepOnly) {
            dh.assign(0);
            stepRows(dh, p.time - 1, batch).assign(epsilon);
        } else {
            dh.reshape('c', p.time, batch, n).assign(epsilon.permute(2, 0, 1));
        }
        ByteBuffer dhBytes = CellValues.nativeBytes(dh, dh.length());
        INDArray dz = s.buffer("dz", (long) p.time * batch, 4L * n);
        ByteBuffer dzBytes = CellValues.nativeBytes(dz, dz.length());
        CellValues dhStep = s.values("dh", stepStates);
        CellValues dGate = s.values("dGates", stepGates);
        CellValues zero = s.values("zero", stepStates);
        // The gradient with respect to c_t from step t + 1 (none at the last step), and the one this step passes on.
        CellValues dcIn = s.values("dcA", stepStates);
        CellValues dcOut = s.values("dcB", stepStates);
        dcIn.zero();
        for (int t = p.time - 1; t >= 0; t--) {
            dhStep.readRun(dhBytes, t * stepStates, 0, stepStates);
            CellValues gate = p.gates[t];
            CellValues cPrev = t == 0 ? zero : p.cell[t - 1];
            CellValues c = p.cell[t];
            CellValues tanhC = p.cellTanh[t];
            CellValues in = dcIn;
            CellValues out = dcOut;
            CellValues.inParts(batch, 4 * n, PART, (q0, q1) -> gate.lstmBackward(q0, q1, 0, n, 0, null, cPrev, c,
                    tanhC, dhStep, in, dGate, out, null));
            dGate.writeRun(dzBytes, 0, t * stepGates, stepGates);
            if (t > 0) {
                // dh_{t-1} += dz_t RW'
                Nd4j.gemm(stepRows(dz, t, batch), p.recurrentWeights, stepRows(dh, t - 1, batch), false, true, 1.0,
                        1.0);
            }
            dcIn = out;
            dcOut = in;
        }
        return dz;
    }

    /** Step t's rows of a time-major {@code [time * batch, columns]} array, a view. */
    private static INDArray stepRows(INDArray rows, int t, int batch) {
        return rows.get(interval((long) t * batch, (long) (t + 1) * batch), all());
    }

    /** The scratch arrays for a pass over {@code batch} sequences of {@code time} steps. */
    private ScratchArrays scratch(int batch, int time) {
        if (scratch == null) {
            scratch = new ScratchArrays(dataType);
        }
        scratch.shape(batch, time);
        return scratch;
    }

    /** {@code [rows, 4 units]} weights (or bias) with their column blocks in {@link CellValues}' gate order. */
    private static INDArray cellOrder(INDArray dl4j, int n) {
        INDArray out = Nd4j.createUninitialized(dl4j.dataType(), dl4j.shape(), 'c');
        for (int k = 0; k < 4; k++) {
            out.get(all(), interval((long) k * n, (long) (k + 1) * n))
                    .assign(dl4j.get(all(), interval((long) DL4J_BLOCK[k] * n, (long) (DL4J_BLOCK[k] + 1) * n)));
        }
        return out;
    }

    /** The inverse of {@link #cellOrder}, into {@code dl4j}. */
    private static void dl4jOrder(INDArray cellOrder, INDArray dl4j, int n) {
        for (int k = 0; k < 4; k++) {
            dl4j.get(all(), interval((long) DL4J_BLOCK[k] * n, (long) (DL4J_BLOCK[k] + 1) * n))
                    .assign(cellOrder.get(all(), interval((long) k * n, (long) (k + 1) * n)));
        }
    }

    /**
     * A sequence {@code [batch, features, time]} as rows {@code [time * batch, features]}: a view of the arrays
     * DL4J's {@code CnnToRnnPreProcessor} and this layer return (both 'f' order {@code [batch, time, features]}
     * underneath), a copy of any other.
     */
    private static INDArray rows(INDArray sequence, int batch, int time) {
        return sequence.permute(0, 2, 1).reshape('f', new long[] {(long) batch * time, sequence.size(1)});
    }

    /** The inverse of {@link #rows}: rows {@code [time * batch, features]} in 'f' order as a sequence view. */
    private static INDArray sequence(INDArray rows, int batch, int time) {
        return rows.reshape('f', new long[] {batch, time, rows.size(1)}).permute(0, 2, 1);
    }

    @Override
    public void clear() {
        super.clear();
        pass = null;
    }
}
