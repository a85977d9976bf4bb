package io.gridcast.models.networks;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of a {@link ConvLstm} layer as views of the flat vector DL4J hands the layer, in the order the
 * cell reads them ({@code ConvLstmCell.parameterShapes}): {@code W}, {@code b}, and {@code P} with peepholes.
 */
final class ConvLstmParamInitializer implements ParamInitializer {

    static final ConvLstmParamInitializer INSTANCE = new ConvLstmParamInitializer();
    static final String WEIGHTS = "W";
    static final String BIAS = "b";
    static final String PEEPHOLES = "P";

    private ConvLstmParamInitializer() {
    }

    private static ConvLstm convLstm(Layer layer) {
        return (ConvLstm) layer;
    }

    private static long[][] shapes(ConvLstm layer) {
        return ConvLstmCell.parameterShapes(Math.toIntExact(layer.getNIn()), Math.toIntExact(layer.getNOut()),
                layer.getKernel(), layer.isPeephole(), Math.toIntExact(layer.cells()));
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        ConvLstm c = convLstm(layer);
        return ConvLstmCell.parameterCount(Math.toIntExact(c.getNIn()), Math.toIntExact(c.getNOut()), c.getKernel(),
                c.isPeephole(), Math.toIntExact(c.cells()));
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        return convLstm(layer).paramKeys();
    }

    /** The convolution weights and the peepholes (regularised as weights). */
    @Override
    public List<String> weightKeys(Layer layer) {
        return convLstm(layer).isPeephole() ? List.of(WEIGHTS, PEEPHOLES) : List.of(WEIGHTS);
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return List.of(BIAS);
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return BIAS.equals(key);
    }

    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        ConvLstm layer = convLstm(conf.getLayer());
        Map<String, INDArray> params = views(layer, paramsView);
        if (initializeParams) {
            INDArray w = params.get(WEIGHTS);
            long k2 = (long) layer.getKernel() * layer.getKernel();
            long hid = layer.getNOut();
            layer.getWeightInitFn().init((layer.getNIn() + hid) * k2, 4 * hid * k2, w.shape(), 'c', w);
            INDArray b = params.get(BIAS);
            b.assign(0);
            b.get(interval(hid, 2 * hid), all()).assign(layer.getForgetGateBiasInit());
            if (layer.isPeephole()) {
                params.get(PEEPHOLES).assign(0);
            }
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(convLstm(conf.getLayer()), gradientView);
    }

    private static Map<String, INDArray> views(ConvLstm layer, INDArray flat) {
        INDArray[] views = ConvLstmCell.views(flat, shapes(layer));
        Map<String, INDArray> byKey = new LinkedHashMap<>();
        List<String> keys = layer.paramKeys();
        for (int i = 0; i < views.length; i++) {
            byKey.put(keys.get(i), views[i]);
        }
        return byKey;
    }
}
