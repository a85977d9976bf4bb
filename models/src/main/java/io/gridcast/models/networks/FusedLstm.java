package io.gridcast.models.networks;

import java.util.Collection;
import java.util.Objects;

import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.RNNFormat;
import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.layers.LSTM;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.activations.impl.ActivationSigmoid;
import org.nd4j.linalg.activations.impl.ActivationTanH;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.core.JsonProcessingException;
import org.nd4j.shade.jackson.databind.ObjectMapper;
import org.nd4j.shade.jackson.databind.node.ObjectNode;

/**
 * DL4J's {@link LSTM} layer (the same configuration, parameters {@code W}, {@code RW}, {@code b} in DL4J's layout
 * and initialisation, so its {@code LSTMParamInitializer}, JSON and updater) computed by {@link FusedLstmLayer}:
 * the input projection of every time step in one GEMM, the recurrence and the gates in one Java loop, and in
 * backpropagation one GEMM each for the input gradient and the weight gradients of all steps. DL4J 1.0.0-M2.1's
 * own layer makes a GEMM and a dozen element-wise native calls per time step and runs its forward pass a second
 * time in backpropagation. With {@link #isLastStepOnly()} the layer returns only the last step's hidden state
 * ({@code [batch, nOut]}, a feed-forward output), as DL4J's {@code LastTimeStep} wrapper would, without computing
 * and copying the whole sequence's output.
 *
 * <p>What it computes is DL4J's LSTM with its defaults: a tanh block input and cell output, sigmoid gates,
 * {@link RNNFormat#NCW} sequences ({@code [batch, features, time]}) of the same length (no masks), no dropout or
 * weight noise; a network with anything else fails on {@code init()}, naming the layer.
 */
public class FusedLstm extends LSTM {

    private boolean lastStepOnly;

    /** For JSON (a saved model's configuration): layers are made by {@link #of}. */
    public FusedLstm() {
    }

    /**
     * DL4J's LSTM configuration {@code lstm}, every setting carried over (through its JSON, so that none is left
     * behind), computed by this layer; {@code lastStepOnly} as {@code new LastTimeStep(lstm)}.
     */
    public static FusedLstm of(LSTM lstm, boolean lastStepOnly) {
        ObjectMapper json = NeuralNetConfiguration.mapper();
        ObjectNode node = json.valueToTree(lstm);
        node.put("@class", FusedLstm.class.getName());
        node.put("lastStepOnly", lastStepOnly);
        try {
            return (FusedLstm) json.treeToValue(node, Layer.class);
        } catch (JsonProcessingException e) {
            throw new IllegalArgumentException("cannot read LSTM layer '" + lstm.getLayerName() + "' as a "
                    + FusedLstm.class.getSimpleName() + ": " + e.getMessage(), e);
        }
    }

    @Override
    public org.deeplearning4j.nn.api.Layer instantiate(NeuralNetConfiguration conf,
            Collection<TrainingListener> listeners, int layerIndex, INDArray paramsView, boolean initializeParams,
            DataType networkDataType) {
        requireComputable(layerIndex);
        return LayerWiring.wire(new FusedLstmLayer(conf, networkDataType), conf, listeners, layerIndex, paramsView,
                initializeParams);
    }

    private void requireComputable(int layerIndex) {
        if (!(getActivationFn() instanceof ActivationTanH) || !(getGateActivationFn() instanceof ActivationSigmoid)
                || getRnnDataFormat() != RNNFormat.NCW || getIDropout() != null || getWeightNoise() != null) {
            throw new IllegalArgumentException("FusedLstm layer " + layerIndex + " ('" + getLayerName() + "')"
                    + " computes tanh activations, sigmoid gates and NCW sequences without dropout or weight noise;"
                    + " got activation " + getActivationFn() + ", gates " + getGateActivationFn() + ", "
                    + getRnnDataFormat() + ", dropout " + getIDropout() + ", weight noise " + getWeightNoise());
        }
    }

    @Override
    public InputType getOutputType(int layerIndex, InputType inputType) {
        InputType sequence = super.getOutputType(layerIndex, inputType);
        return lastStepOnly ? InputType.feedForward(getNOut()) : sequence;
    }

    /** True: the output is the last step's hidden state {@code [batch, nOut]}; false: every step's. */
    public boolean isLastStepOnly() {
        return lastStepOnly;
    }

    public void setLastStepOnly(boolean lastStepOnly) {
        this.lastStepOnly = lastStepOnly;
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof FusedLstm other && super.equals(o) && lastStepOnly == other.lastStepOnly;
    }

    @Override
    protected boolean canEqual(Object other) {
        return other instanceof FusedLstm;
    }

    @Override
    public int hashCode() {
        return Objects.hash(super.hashCode(), lastStepOnly);
    }
}
