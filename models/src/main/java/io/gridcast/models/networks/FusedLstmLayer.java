package io.gridcast.models.networks;

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
 * row {@code t * batch + b}. The input projection {@code x W} of all steps is one GEMM; the recurrence
 * ({@code h_{t-1} RW}), the bias and the gates run in one Java loop in double precision (a step is a few thousand
 * values: a native call per operation cost more than the arithmetic); backward, the gate gradients come from one
 * Java loop back through time and the gradients of {@code W}, {@code RW} and the input from one GEMM each.
 *
 * <p>Gates in DL4J's column order: block input {@code a} (tanh), forget {@code f}, output {@code o}, input
 * {@code i} (sigmoid); {@code c_t = f c_{t-1} + i a}, {@code h_t = o tanh(c_t)}, both zero before the first step.
 */
class FusedLstmLayer extends BaseLayer<FusedLstm> {

    /** The last training pass, kept for backpropagation: its input and its activated gates and states. */
    private Pass pass;

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
     * One pass's sizes, its input as rows, the recurrent weights it used by row, and per row its activated gates,
     * cell states, their tanh and outputs.
     */
    private record Pass(INDArray input, int batch, int time, int units, INDArray rows, double[][] recurrent,
                        double[] gates, double[] cell, double[] cellTanh, double[] hidden) {
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        boolean lastStepOnly = layerConf().isLastStepOnly();
        Pass p;
        INDArray hidden;
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            p = forward();
            int rows = lastStepOnly ? p.batch : p.time * p.batch;
            int from = p.hidden.length - rows * p.units;
            hidden = matrix(Arrays.copyOfRange(p.hidden, from, p.hidden.length), rows, p.units);
        }
        pass = training ? p : null;
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType, hidden.shape(), 'f');
        out.assign(hidden);
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
        INDArray rows = rows(input.castTo(dataType), batch, time);
        INDArray projected = Nd4j.createUninitialized(dataType, new long[] {(long) time * batch, g}, 'c');
        Nd4j.gemm(rows, getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY), projected, false, false, 1.0, 0.0);
        double[] z = projected.data().asDouble();
        double[] bias = values(getParam(LSTMParamInitializer.BIAS_KEY));
        double[][] recurrent = byRow(values(getParam(LSTMParamInitializer.RECURRENT_WEIGHT_KEY)), n, g);

        double[] gates = new double[time * batch * g];
        double[] cell = new double[time * batch * n];
        double[] cellTanh = new double[time * batch * n];
        double[] hidden = new double[time * batch * n];
        double[] acc = new double[g];
        for (int r = 0; r < time * batch; r++) {
            int prev = r - batch;
            System.arraycopy(z, r * g, acc, 0, g);
            for (int j = 0; j < g; j++) {
                acc[j] += bias[j];
            }
            for (int k = 0; prev >= 0 && k < n; k++) {
                double hk = hidden[prev * n + k];
                double[] w = recurrent[k];
                for (int j = 0; j < g; j++) {
                    acc[j] += hk * w[j];
                }
            }
            for (int j = 0; j < n; j++) {
                double a = Math.tanh(acc[j]);
                double f = sigmoid(acc[n + j]);
                double o = sigmoid(acc[2 * n + j]);
                double i = sigmoid(acc[3 * n + j]);
                double state = (prev >= 0 ? f * cell[prev * n + j] : 0) + i * a;
                double tanh = Math.tanh(state);
                int at = r * g + j;
                gates[at] = a;
                gates[at + n] = f;
                gates[at + 2 * n] = o;
                gates[at + 3 * n] = i;
                cell[r * n + j] = state;
                cellTanh[r * n + j] = tanh;
                hidden[r * n + j] = o * tanh;
            }
        }
        return new Pass(input, batch, time, n, rows, recurrent, gates, cell, cellTanh, hidden);
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
            dz = matrix(gateGradients(p, epsilon), p.time * p.batch, 4 * p.units);
            Nd4j.gemm(p.rows, dz, gradientViews.get(LSTMParamInitializer.INPUT_WEIGHT_KEY), true, false, 1.0, 0.0);
            double[] previous = new double[p.hidden.length];
            System.arraycopy(p.hidden, 0, previous, p.batch * p.units, previous.length - p.batch * p.units);
            Nd4j.gemm(matrix(previous, p.time * p.batch, p.units), dz,
                    gradientViews.get(LSTMParamInitializer.RECURRENT_WEIGHT_KEY), true, false, 1.0, 0.0);
            INDArray biasGradient = gradientViews.get(LSTMParamInitializer.BIAS_KEY);
            biasGradient.assign(dz.sum(0).reshape(biasGradient.shape()));
        }
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[] {(long) p.time * p.batch, layerConf().getNIn()}, 'f');
        Nd4j.gemm(dz, getParam(LSTMParamInitializer.INPUT_WEIGHT_KEY), inputGradient, false, true, 1.0, 0.0);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : LSTMParamInitializer.getInstance().paramKeys(layerConf())) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        return new Pair<>(gradient, sequence(inputGradient, p.batch, p.time));
    }

    /**
     * The gradients with respect to the gates' pre-activations, per row (back through time), given the gradient
     * with respect to the layer's output.
     */
    private double[] gateGradients(Pass p, INDArray epsilon) {
        int n = p.units;
        int g = 4 * n;
        int batch = p.batch;
        double[] dOut = layerConf().isLastStepOnly() ? values(epsilon) : values(epsilon.permute(2, 0, 1));
        int firstOut = p.time * batch - dOut.length / n;
        double[] dz = new double[p.time * batch * g];
        // Per example, the gradients reaching step t from step t + 1: through h_t (RW) and through c_t (f).
        double[] dhNext = new double[batch * n];
        double[] dcNext = new double[batch * n];
        for (int r = p.time * batch - 1; r >= 0; r--) {
            int prev = r - batch;
            int b = r % batch;
            for (int j = 0; j < n; j++) {
                int at = r * g + j;
                double a = p.gates[at];
                double f = p.gates[at + n];
                double o = p.gates[at + 2 * n];
                double i = p.gates[at + 3 * n];
                double tanh = p.cellTanh[r * n + j];
                double dh = dhNext[b * n + j] + (r >= firstOut ? dOut[(r - firstOut) * n + j] : 0);
                double dc = dh * o * (1 - tanh * tanh) + dcNext[b * n + j];
                dz[at] = dc * i * (1 - a * a);
                dz[at + n] = prev >= 0 ? dc * p.cell[prev * n + j] * f * (1 - f) : 0;
                dz[at + 2 * n] = dh * tanh * o * (1 - o);
                dz[at + 3 * n] = dc * a * i * (1 - i);
                dcNext[b * n + j] = dc * f;
            }
            for (int k = 0; k < n; k++) {
                double[] w = p.recurrent[k];
                double sum = 0;
                for (int j = 0; j < g; j++) {
                    sum += dz[r * g + j] * w[j];
                }
                dhNext[b * n + k] = sum;
            }
        }
        return dz;
    }

    private static double sigmoid(double x) {
        return 1 / (1 + Math.exp(-x));
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

    /** The elements of {@code a} in 'c' order, as doubles. */
    private static double[] values(INDArray a) {
        return a.dup('c').data().asDouble();
    }

    private INDArray matrix(double[] values, int rows, int columns) {
        return Nd4j.create(values, new long[] {rows, columns}, dataType);
    }

    /** A 'c'-order [rows, columns] array as Java rows: a row is one array, which the JIT vectorises loops over. */
    private static double[][] byRow(double[] values, int rows, int columns) {
        double[][] out = new double[rows][];
        for (int r = 0; r < rows; r++) {
            out[r] = Arrays.copyOfRange(values, r * columns, (r + 1) * columns);
        }
        return out;
    }

    @Override
    public void clear() {
        super.clear();
        pass = null;
    }
}
