package io.gridcast.models.networks;

import java.nio.ByteBuffer;
import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.memory.MemoryWorkspace;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The running half of a {@link ConvLstmEncoderForecaster}: the encoder's and the forecaster's {@link ConvLstmCell}s
 * unrolled with a hand-written forward and backward pass, their weights and gradients the views DL4J hands the layer
 * (so DL4J's updater trains them and {@code ModelSerializer} saves them). Each depth's state goes straight to the
 * depth above and to the next step; the forecaster's states are written once, into the layer's output. A training
 * pass keeps every step for {@link #backpropGradient}; inference alternates two steps' buffers. The cells' buffers
 * are reused from pass to pass, outside DL4J's workspaces; only the output and the input gradient are in the arrays
 * DL4J's workspace manager makes.
 */
class ConvLstmEncoderForecasterLayer extends AbstractConvLstmLayer<ConvLstmEncoderForecaster> {

    /** Bottom first; null until the parameter and gradient views are known. */
    private ConvLstmCell[] encoder;
    private ConvLstmCell[] forecaster;
    /** Each depth's first column in a cell's row of the output: its states lie side by side there. */
    private int[] firstColumn;
    /** The steps of the last training pass, for the backward pass; null after inference. */
    private Pass pass;

    /** What a training pass leaves for the backward pass: every cell step, per time step and depth. */
    private record Pass(int batch, ConvLstmCell.Step[][] encoder, ConvLstmCell.Step[][] forecaster) {
    }

    ConvLstmEncoderForecasterLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    void dropCells() {
        encoder = null;
    }

    /** The cells on the current parameter and gradient views. */
    private void cells() {
        if (encoder != null) {
            return;
        }
        ConvLstmEncoderForecaster c = layerConf();
        int depths = c.getHidden().length;
        ConvLstmCell[] all = newCells();
        encoder = Arrays.copyOfRange(all, 0, depths);
        forecaster = Arrays.copyOfRange(all, depths, 2 * depths);
        firstColumn = new int[depths];
        for (int l = 1; l < depths; l++) {
            firstColumn[l] = firstColumn[l - 1] + c.getHidden()[l - 1];
        }
    }

    private ConvLstmCell[] allCells() {
        ConvLstmCell[] all = Arrays.copyOf(encoder, 2 * encoder.length);
        System.arraycopy(forecaster, 0, all, encoder.length, forecaster.length);
        return all;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        checkInput();
        ConvLstmEncoderForecaster c = layerConf();
        long plane = c.cells();
        int batch = Math.toIntExact(input.size(0));
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[]{batch, c.getLeads(), plane * c.getNOut()}, 'c');
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            forward(batch, Math.toIntExact(input.size(2)), training, output);
        }
        return output;
    }

    /** Unrolls the encoder over the input and the forecaster over the leads, writing the forecaster's states. */
    private void forward(int batch, int time, boolean training, INDArray output) {
        cells();
        ConvLstmEncoderForecaster conf = layerConf();
        int in = encoder[0].in;
        long plane = conf.cells();
        int n = Math.toIntExact(batch * plane);
        buffers.batch(batch);
        for (ConvLstmCell cell : allCells()) {
            cell.loadForwardWeights(batch);
        }
        INDArray sequence = buffers.buffer("input", time, batch, plane, in);
        // [batch, channel, cell, time] -> [time, batch, cell, channel]: each step's frame cell-major, in one copy.
        sequence.assign(input.reshape('c', batch, in, plane, time).permute(3, 0, 2, 1));
        int depths = encoder.length;
        CellValues[] h = new CellValues[depths];
        CellValues[] c = new CellValues[depths];
        for (int l = 0; l < depths; l++) {
            // Never written: the zero initial states.
            h[l] = buffers.values("zero", (long) encoder[l].hid * n);
            c[l] = h[l];
        }
        ConvLstmCell.Step[][] enc = new ConvLstmCell.Step[time][];
        for (int t = 0; t < time; t++) {
            CellValues x = buffers.values("x", (long) in * n).read(CellValues.nativeRun(sequence, t, in * n));
            enc[t] = unroll(encoder, "e" + slot(t, training), x, h, c, batch);
        }
        int leads = conf.getLeads();
        ConvLstmCell.Step[][] fc = new ConvLstmCell.Step[leads][];
        ByteBuffer outputBytes = CellValues.nativeBytes(output, output.length());
        for (int t = 0; t < leads; t++) {
            fc[t] = unroll(forecaster, "f" + slot(t, training), null, h, c, batch);
            writeStates(fc[t], t, batch, outputBytes);
        }
        pass = training ? new Pass(batch, enc, fc) : null;
    }

    /** Training keeps every time step's buffers; inference alternates two, the current step's and the last. */
    private static int slot(int t, boolean training) {
        return training ? t : t % 2;
    }

    private ConvLstmCell.Step[] unroll(ConvLstmCell[] stack, String slot, CellValues input, CellValues[] h,
                                       CellValues[] c, int batch) {
        ConvLstmCell.Step[] steps = new ConvLstmCell.Step[stack.length];
        CellValues x = input;
        for (int l = 0; l < stack.length; l++) {
            ConvLstmCell.Step step = stack[l].forward(slot + "." + l + ".", x, h[l], c[l], batch);
            h[l] = step.h();
            c[l] = step.c();
            x = step.h();
            steps[l] = step;
        }
        return steps;
    }

    /** Lead {@code t}'s states of every depth, side by side per cell, into each batch member's row of the output. */
    private void writeStates(ConvLstmCell.Step[] steps, int t, int batch, ByteBuffer output) {
        ConvLstmEncoderForecaster conf = layerConf();
        int width = Math.toIntExact(conf.getNOut());
        int plane = Math.toIntExact(conf.cells());
        CellValues states = steps[0].h();
        if (steps.length > 1) {
            states = buffers.values("states", (long) batch * plane * width);
            for (int l = 0; l < steps.length; l++) {
                states.putColumns(steps[l].h(), forecaster[l].hid, firstColumn[l], width, batch * plane);
            }
        }
        int block = plane * width;
        for (int b = 0; b < batch; b++) {
            states.writeRun(output, b * block, (b * conf.getLeads() + t) * block, block);
        }
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        checkTrainingPass(pass != null);
        INDArray inputGradient;
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            inputGradient = backward(epsilon);
        }
        return gradients(inputGradient, workspaceMgr);
    }

    /**
     * Back through the leads, then through the input steps, top depth first at each step: sets the gradient views and
     * returns the input's gradient, {@code [time, batch, cells, nIn]} (a reused buffer).
     *
     * @param epsilon the gradient with respect to the output
     */
    private INDArray backward(INDArray epsilon) {
        cells();
        ConvLstmEncoderForecaster conf = layerConf();
        int batch = pass.batch;
        int plane = Math.toIntExact(conf.cells());
        int n = batch * plane;
        int in = encoder[0].in;
        int time = pass.encoder.length;
        gradientsFlattened.assign(0);
        for (ConvLstmCell cell : allCells()) {
            cell.loadBackwardWeights(batch);
        }
        ByteBuffer dOutput = CellValues.nativeBytes(dense(epsilon), epsilon.length());
        int depths = encoder.length;
        CellValues[] dh = new CellValues[depths];
        CellValues[] dc = new CellValues[depths];
        int parity = 0;
        for (int t = pass.forecaster.length - 1; t >= 0; t--) {
            CellValues fromOutput = readStateGradients(dOutput, t, batch);
            for (int l = 0; l < depths; l++) {
                int hid = forecaster[l].hid;
                if (dh[l] == null) {
                    dh[l] = buffers.values("dh" + l + "." + parity, (long) hid * n);
                    dh[l].copyColumns(fromOutput, Math.toIntExact(conf.getNOut()), firstColumn[l], hid, 0, n);
                } else {
                    dh[l].addColumns(fromOutput, Math.toIntExact(conf.getNOut()), firstColumn[l], hid, 0, n);
                }
            }
            parity = 1 - parity;
            backThroughStacks(forecaster, pass.forecaster[t], dh, dc, true, parity, null);
        }
        INDArray dInput = buffers.buffer("dInput", time, batch, plane, in);
        for (int t = time - 1; t >= 0; t--) {
            parity = 1 - parity;
            CellValues dx = buffers.values("dx", (long) in * n);
            dx.zero();
            backThroughStacks(encoder, pass.encoder[t], dh, dc, t > 0, parity, dx);
            dx.write(CellValues.nativeRun(dInput, t, in * n));
        }
        return dInput;
    }

    /** {@code a} itself when it is a dense array at the start of its own buffer (DL4J's usual), else a copy. */
    private INDArray dense(INDArray a) {
        return CellValues.isDense(a) ? a : buffers.buffer("dOutput", a.shape()).assign(a);
    }

    /** The output gradient at lead {@code t}, {@code [batch * cells, nOut]}: each cell's row of every depth. */
    private CellValues readStateGradients(ByteBuffer dOutput, int t, int batch) {
        ConvLstmEncoderForecaster conf = layerConf();
        int block = Math.toIntExact(conf.cells() * conf.getNOut());
        CellValues rows = buffers.values("dStates", (long) batch * block);
        for (int b = 0; b < batch; b++) {
            rows.readRun(dOutput, (b * conf.getLeads() + t) * block, b * block, block);
        }
        return rows;
    }

    /**
     * One time step, top depth first: a depth's input gradient joins the gradient of the depth below's output (at the
     * bottom, {@code bottomInput}'s, if not null). The gradients with respect to the previous step's states go to the
     * buffers of {@code parity}, the ones {@code dh} and {@code dc} do not hold.
     */
    private void backThroughStacks(ConvLstmCell[] stack, ConvLstmCell.Step[] steps, CellValues[] dh, CellValues[] dc,
                                   boolean needPrevious, int parity, CellValues bottomInput) {
        for (int l = stack.length - 1; l >= 0; l--) {
            CellValues dhPrev = needPrevious ? buffers.values("dh" + l + "." + parity, dh[l].length()) : null;
            CellValues dcPrev = needPrevious ? buffers.values("dc" + l + "." + parity, dh[l].length()) : null;
            stack[l].backward(steps[l], dh[l], dc[l], pass.batch, l > 0 ? dh[l - 1] : bottomInput, dhPrev, dcPrev);
            dh[l] = dhPrev;
            dc[l] = dcPrev;
        }
    }

    @Override
    public void clear() {
        super.clear();
        pass = null;
    }
}
