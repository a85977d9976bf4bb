package io.gridcast.models.networks;

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
 * The running half of a {@link ConvLstm} layer: one {@link ConvLstmCell} unrolled over the input sequence, its
 * weights and gradients the views DL4J hands the layer (so DL4J's updater trains them and {@code ModelSerializer}
 * saves them). A training pass keeps every step for {@link #backpropGradient}; inference keeps two steps' buffers.
 * The cell's buffers are reused from pass to pass, outside DL4J's workspaces; only the returned activations and
 * input gradients are in the arrays DL4J's workspace manager makes.
 */
class ConvLstmLayer extends AbstractConvLstmLayer<ConvLstm> {

    private ConvLstmCell cell;
    /** The steps of the last training pass, for the backward pass; null after inference. */
    private ConvLstmCell.Step[] steps;
    private int stepsBatch;

    ConvLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    @Override
    void dropCells() {
        cell = null;
    }

    /** The cell on the current parameter and gradient views. */
    private ConvLstmCell cell() {
        if (cell == null) {
            cell = newCells()[0];
        }
        return cell;
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        checkInput();
        ConvLstm c = layerConf();
        long plane = c.cells();
        int batch = Math.toIntExact(input.size(0));
        int time = Math.toIntExact(input.size(2));
        int hid = Math.toIntExact(c.getNOut());
        INDArray hidden;
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            hidden = forward(batch, time, training);
        }
        INDArray output = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, dataType,
                new long[]{batch, hid * plane, time}, 'c');
        // [time, batch, cell, channel] -> [batch, channel, cell, time]
        output.reshape('c', batch, hid, plane, time).assign(hidden.permute(1, 3, 2, 0));
        return output;
    }

    /** Every step's hidden state, {@code [time, batch, cells, nOut]} (a reused buffer). */
    private INDArray forward(int batch, int time, boolean training) {
        ConvLstmCell cell = cell();
        long plane = layerConf().cells();
        int n = Math.toIntExact(batch * plane);
        buffers.batch(batch);
        cell.loadForwardWeights(batch);
        INDArray sequence = buffers.buffer("input", time, batch, plane, cell.in);
        // [batch, channel, cell, time] -> [time, batch, cell, channel]: each step's frame cell-major, in one copy.
        sequence.assign(input.reshape('c', batch, cell.in, plane, time).permute(3, 0, 2, 1));
        INDArray hidden = buffers.buffer("hidden", time, batch, plane, cell.hid);
        CellValues h = buffers.values("zero", (long) cell.hid * n);
        CellValues state = h;
        steps = training ? new ConvLstmCell.Step[time] : null;
        stepsBatch = batch;
        for (int t = 0; t < time; t++) {
            CellValues x = buffers.values("x", (long) cell.in * n).read(CellValues.nativeRun(sequence, t,
                    cell.in * n));
            // Training keeps every step's buffers; inference alternates two, the current step's and the last.
            ConvLstmCell.Step step = cell.forward("s" + (training ? t : t % 2) + ".", x, h, state, batch);
            step.h().write(CellValues.nativeRun(hidden, t, cell.hid * n));
            h = step.h();
            state = step.c();
            if (training) {
                steps[t] = step;
            }
        }
        return hidden;
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        checkTrainingPass(steps != null);
        INDArray inputGradient;
        try (MemoryWorkspace outside = Nd4j.getWorkspaceManager().scopeOutOfWorkspaces()) {
            inputGradient = backward(epsilon, stepsBatch, steps.length);
        }
        return gradients(inputGradient, workspaceMgr);
    }

    /**
     * Back through time from the last step: sets the gradient views and returns the input's gradient,
     * {@code [time, batch, cells, nIn]} (a reused buffer).
     */
    private INDArray backward(INDArray epsilon, int batch, int time) {
        ConvLstmCell cell = cell();
        long plane = layerConf().cells();
        int n = Math.toIntExact(batch * plane);
        gradientsFlattened.assign(0);
        cell.loadBackwardWeights(batch);
        INDArray dOutput = buffers.buffer("dHidden", time, batch, plane, cell.hid);
        dOutput.assign(epsilon.reshape('c', batch, cell.hid, plane, time).permute(3, 0, 2, 1));
        INDArray dInput = buffers.buffer("dInput", time, batch, plane, cell.in);
        long length = (long) cell.hid * n;
        CellValues dhNext = null;
        CellValues dcNext = null;
        for (int t = time - 1; t >= 0; t--) {
            // The gradient of step t's h: from the layer above at t, and from step t + 1 through the recurrence.
            CellValues dh = buffers.values("dh", length).read(CellValues.nativeRun(dOutput, t, cell.hid * n));
            if (dhNext != null) {
                dh.addRun(dhNext, 0, 0, dh.length());
            }
            CellValues dx = buffers.values("dx", (long) cell.in * n);
            dx.zero();
            CellValues dhPrev = t > 0 ? buffers.values("dhPrev" + t % 2, length) : null;
            CellValues dcPrev = t > 0 ? buffers.values("dcPrev" + t % 2, length) : null;
            cell.backward(steps[t], dh, dcNext, batch, dx, dhPrev, dcPrev);
            dx.write(CellValues.nativeRun(dInput, t, cell.in * n));
            dhNext = dhPrev;
            dcNext = dcPrev;
        }
        return dInput;
    }

    @Override
    public void clear() {
        super.clear();
        steps = null;
    }
}
