package io.gridcast.models.networks;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseLayer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * What the running halves of {@link AbstractConvLstm} layers share: their {@link ConvLstmCell}s on the parameter and
 * gradient views DL4J hands the layer (made again whenever it hands new ones), the buffers the cells reuse from pass
 * to pass, the input they accept and the gradients they hand back.
 */
abstract class AbstractConvLstmLayer<C extends AbstractConvLstm> extends BaseLayer<C> {

    /** The cells' buffers: null until the first cells are made. */
    ConvLstmBuffers buffers;

    AbstractConvLstmLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** Forgets the cells made on the views DL4J replaces. */
    abstract void dropCells();

    @Override
    public void setParamsViewArray(INDArray params) {
        super.setParamsViewArray(params);
        dropCells();
    }

    @Override
    public void setBackpropGradientsViewArray(INDArray gradients) {
        super.setBackpropGradientsViewArray(gradients);
        dropCells();
    }

    /**
     * Every cell of the configuration's {@link AbstractConvLstm#lstmCells}, in order, on the current parameter and
     * gradient views (a gradient vector of their own until DL4J hands one).
     */
    ConvLstmCell[] newCells() {
        C c = layerConf();
        if (buffers == null) {
            buffers = new ConvLstmBuffers(dataType, c.getKernel(), c.getHeight(), c.getWidth());
        }
        INDArray gradients = gradientsFlattened != null ? gradientsFlattened
                : Nd4j.zeros(dataType, 1, paramsFlattened.length());
        ConvLstmParamInitializer.Cells cells = c.lstmCells();
        ConvLstmCell[] made = new ConvLstmCell[cells.cells().size()];
        long offset = 0;
        for (int i = 0; i < made.length; i++) {
            ConvLstmParamInitializer.Cell cell = cells.cells().get(i);
            long n = cells.count(cell);
            made[i] = new ConvLstmCell(buffers, cell.in(), cell.hid(), c.isPeephole(),
                    ConvLstmCell.run(paramsFlattened, offset, n), ConvLstmCell.run(gradients, offset, n));
            offset += n;
        }
        return made;
    }

    @Override
    public Type type() {
        return Type.RECURRENT;
    }

    @Override
    public boolean isPretrainLayer() {
        return false;
    }

    /** Rejects, naming the layer, an input other than {@code [batch, nIn channels x cells, time]} or a mask. */
    void checkInput() {
        assertInputSet(false);
        C c = layerConf();
        long[] expected = {input.size(0), c.getNIn() * c.cells(), input.rank() == 3 ? input.size(2) : -1};
        if (!Arrays.equals(input.shape(), expected)) {
            throw new IllegalArgumentException(name() + ": expected input [batch, " + c.getNIn() + " channels x "
                    + c.getHeight() + " x " + c.getWidth() + " cells, time], got " + Arrays.toString(input.shape()));
        }
        if (maskArray != null) {
            throw new IllegalArgumentException(name()
                    + ": masks are not supported (every sequence of a batch has every step)");
        }
    }

    /** Rejects a backward pass without a training pass before it. */
    void checkTrainingPass(boolean kept) {
        if (!kept) {
            throw new IllegalStateException(name()
                    + ": backpropGradient needs a training pass first (activate with training = true)");
        }
    }

    private String name() {
        return layerConf().getClass().getSimpleName() + " layer '" + layerConf().getLayerName() + "'";
    }

    /**
     * What {@link #backpropGradient} returns once the backward pass has set the gradient views: the gradient by
     * parameter key, and {@code inputGradient} ({@code [time, batch, cells, nIn]}) in DL4J's recurrent layout.
     */
    Pair<Gradient, INDArray> gradients(INDArray inputGradient, LayerWorkspaceMgr workspaceMgr) {
        C c = layerConf();
        long time = inputGradient.size(0);
        long batch = inputGradient.size(1);
        Gradient gradient = new DefaultGradient(gradientsFlattened);
        for (String key : ConvLstmParamInitializer.INSTANCE.paramKeys(c)) {
            gradient.gradientForVariable().put(key, gradientViews.get(key));
        }
        INDArray epsilonOut = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, dataType,
                new long[]{batch, c.getNIn() * c.cells(), time}, 'c');
        // [time, batch, cell, channel] -> [batch, channel, cell, time]
        epsilonOut.reshape('c', batch, c.getNIn(), c.cells(), time).assign(inputGradient.permute(1, 3, 2, 0));
        return new Pair<>(gradient, epsilonOut);
    }
}
