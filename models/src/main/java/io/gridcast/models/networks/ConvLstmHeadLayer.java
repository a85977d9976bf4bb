package io.gridcast.models.networks;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.gradient.DefaultGradient;
import org.deeplearning4j.nn.gradient.Gradient;
import org.deeplearning4j.nn.layers.BaseOutputLayer;
import org.deeplearning4j.nn.params.DefaultParamInitializer;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;

/**
 * The running half of a {@link ConvLstmHead}: the 1x1 convolution is one matrix product of the input's rows (one per
 * cell and lead, {@code [batch * leads * cells, nIn]}) with {@code W}; the loss function sees each example's outputs
 * as one row, {@code [batch, leads * cells * nOut]} (the same memory). Besides its score (the loss) it keeps the
 * mean squared error of the batch it last scored, which a training curve reports whatever the loss.
 */
public final class ConvLstmHeadLayer extends BaseOutputLayer<ConvLstmHead> {

    private double meanSquaredError = Double.NaN;

    ConvLstmHeadLayer(NeuralNetConfiguration conf, DataType dataType) {
        super(conf, dataType);
    }

    /** The mean squared error of the outputs against the labels of the batch last scored (NaN before any). */
    public double meanSquaredError() {
        return meanSquaredError;
    }

    /** The input as one row per cell and lead. */
    private INDArray inputRows() {
        ConvLstmHead c = layerConf();
        long[] expected = {input.size(0), input.rank() == 3 ? input.size(1) : -1, c.cells() * c.getNIn()};
        if (!Arrays.equals(input.shape(), expected)) {
            throw new IllegalArgumentException("ConvLstmHead layer '" + c.getLayerName() + "': expected input [batch, "
                    + "leads, " + c.getHeight() + " x " + c.getWidth() + " cells x " + c.getNIn() + " channels], got "
                    + Arrays.toString(input.shape()));
        }
        return input.reshape('c', input.length() / c.getNIn(), c.getNIn());
    }

    /** Each example's outputs before the activation, {@code [batch, leads * cells * nOut]}. */
    @Override
    protected INDArray preOutput2d(boolean training, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(false);
        INDArray rows = inputRows();
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray out = workspaceMgr.createUninitialized(ArrayType.ACTIVATIONS, w.dataType(),
                new long[]{rows.size(0), w.size(1)}, 'c');
        rows.castTo(w.dataType()).mmuli(w, out);
        out.addiRowVector(getParam(DefaultParamInitializer.BIAS_KEY));
        return out.reshape('c', input.size(0), out.length() / input.size(0));
    }

    @Override
    protected INDArray getLabels2d(LayerWorkspaceMgr workspaceMgr, ArrayType arrayType) {
        return perExample(labels);
    }

    /** An array of the output's shape (labels, a labels mask) as one row per example; null stays null. */
    private static INDArray perExample(INDArray a) {
        return a == null ? null : a.reshape('c', a.size(0), a.length() / a.size(0));
    }

    @Override
    public INDArray activate(boolean training, LayerWorkspaceMgr workspaceMgr) {
        INDArray out = layerConf().getActivationFn().getActivation(preOutput2d(training, workspaceMgr), training);
        return out.reshape('c', input.size(0), input.size(1), out.length() / (input.size(0) * input.size(1)));
    }

    @Override
    public double computeScore(double fullNetRegTerm, boolean training, LayerWorkspaceMgr workspaceMgr) {
        if (input == null || labels == null) {
            throw new IllegalStateException("ConvLstmHead layer '" + layerConf().getLayerName()
                    + "': a score needs input and labels");
        }
        INDArray preOut = preOutput2d(training, workspaceMgr);
        INDArray labels2d = getLabels2d(workspaceMgr, ArrayType.FF_WORKING_MEM);
        INDArray output = layerConf().getActivationFn().getActivation(preOut.dup(), training);
        meanSquaredError = output.squaredDistance(labels2d.castTo(output.dataType())) / output.length();
        double loss = layerConf().getLossFn().computeScore(labels2d, preOut, layerConf().getActivationFn(),
                perExample(maskArray), false) + fullNetRegTerm;
        score = conf().isMiniBatch() ? loss / getInputMiniBatchSize() : loss;
        return score;
    }

    @Override
    public INDArray computeScoreForExamples(double fullNetRegTerm, LayerWorkspaceMgr workspaceMgr) {
        INDArray scores = layerConf().getLossFn().computeScoreArray(getLabels2d(workspaceMgr,
                ArrayType.FF_WORKING_MEM), preOutput2d(false, workspaceMgr), layerConf().getActivationFn(),
                perExample(maskArray));
        return workspaceMgr.leverageTo(ArrayType.ACTIVATIONS, scores.addi(fullNetRegTerm));
    }

    @Override
    public void computeGradientAndScore(LayerWorkspaceMgr workspaceMgr) {
        gradient = backpropGradient(null, workspaceMgr).getFirst();
        computeScore(0, true, workspaceMgr);
    }

    @Override
    public Pair<Gradient, INDArray> backpropGradient(INDArray epsilon, LayerWorkspaceMgr workspaceMgr) {
        assertInputSet(true);
        INDArray delta = layerConf().getLossFn().computeGradient(getLabels2d(workspaceMgr, ArrayType.BP_WORKING_MEM),
                preOutput2d(true, workspaceMgr), layerConf().getActivationFn(), perExample(maskArray));
        long nOut = layerConf().getNOut();
        INDArray deltaRows = delta.reshape('c', delta.length() / nOut, nOut);
        INDArray rows = inputRows();
        INDArray weightGradient = gradientViews.get(DefaultParamInitializer.WEIGHT_KEY);
        INDArray biasGradient = gradientViews.get(DefaultParamInitializer.BIAS_KEY);
        Nd4j.gemm(rows.castTo(weightGradient.dataType()), deltaRows, weightGradient, true, false, 1.0, 0.0);
        deltaRows.sum(biasGradient, 0);
        Gradient gradient = new DefaultGradient();
        gradient.gradientForVariable().put(DefaultParamInitializer.WEIGHT_KEY, weightGradient);
        gradient.gradientForVariable().put(DefaultParamInitializer.BIAS_KEY, biasGradient);
        INDArray w = getParam(DefaultParamInitializer.WEIGHT_KEY);
        INDArray inputGradient = workspaceMgr.createUninitialized(ArrayType.ACTIVATION_GRAD, w.dataType(),
                new long[]{rows.size(0), w.size(0)}, 'c');
        Nd4j.gemm(deltaRows, w, inputGradient, false, true, 1.0, 0.0);
        return new Pair<>(gradient, inputGradient.reshape('c', input.shape()));
    }
}
