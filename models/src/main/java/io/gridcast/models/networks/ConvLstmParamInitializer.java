package io.gridcast.models.networks;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.interval;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.deeplearning4j.nn.api.ParamInitializer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.nn.conf.layers.BaseLayer;
import org.deeplearning4j.nn.conf.layers.Layer;
import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * The parameters of a layer of ConvLSTM cells ({@link ConvLstm}: one cell; {@link ConvLstmEncoderForecaster}: an
 * encoder and a forecaster cell per depth) as views of the flat vector DL4J hands the layer: cell after cell, each
 * in the order the cell reads them ({@code ConvLstmCell.parameterShapes}): {@code W}, {@code b}, and {@code P} with
 * peepholes, each key prefixed with the cell's name (none for a {@link ConvLstm}).
 */
final class ConvLstmParamInitializer implements ParamInitializer {

    static final ConvLstmParamInitializer INSTANCE = new ConvLstmParamInitializer();
    static final String WEIGHTS = "W";
    static final String BIAS = "b";
    static final String PEEPHOLES = "P";

    /** One cell of a layer: its parameter keys' prefix, its input and hidden channels. */
    record Cell(String prefix, int in, int hid) {
    }

    /** What a layer configuration tells its initializer: its cells, in the order their parameters lie. */
    record Cells(List<Cell> cells, int kernel, boolean peephole, int plane, double forgetGateBias) {

        long[][] shapes(Cell cell) {
            return ConvLstmCell.parameterShapes(cell.in(), cell.hid(), kernel, peephole, plane);
        }

        long count(Cell cell) {
            return ConvLstmCell.parameterCount(cell.in(), cell.hid(), kernel, peephole, plane);
        }

        List<String> keys(Cell cell) {
            return peephole ? List.of(cell.prefix() + WEIGHTS, cell.prefix() + BIAS, cell.prefix() + PEEPHOLES)
                    : List.of(cell.prefix() + WEIGHTS, cell.prefix() + BIAS);
        }
    }

    private ConvLstmParamInitializer() {
    }

    private static Cells cells(Layer layer) {
        return ((AbstractConvLstm) layer).lstmCells();
    }

    @Override
    public long numParams(NeuralNetConfiguration conf) {
        return numParams(conf.getLayer());
    }

    @Override
    public long numParams(Layer layer) {
        Cells cells = cells(layer);
        return cells.cells().stream().mapToLong(cells::count).sum();
    }

    @Override
    public List<String> paramKeys(Layer layer) {
        Cells cells = cells(layer);
        List<String> keys = new ArrayList<>();
        cells.cells().forEach(cell -> keys.addAll(cells.keys(cell)));
        return keys;
    }

    /** The convolution weights and the peepholes (regularised as weights). */
    @Override
    public List<String> weightKeys(Layer layer) {
        return paramKeys(layer).stream().filter(key -> !key.endsWith(BIAS)).toList();
    }

    @Override
    public List<String> biasKeys(Layer layer) {
        return paramKeys(layer).stream().filter(key -> key.endsWith(BIAS)).toList();
    }

    @Override
    public boolean isWeightParam(Layer layer, String key) {
        return weightKeys(layer).contains(key);
    }

    @Override
    public boolean isBiasParam(Layer layer, String key) {
        return biasKeys(layer).contains(key);
    }

    /**
     * Weights from the layer's weight initialisation (fan-in {@code (in + hid) k k}, fan-out {@code 4 hid k k}), biases
     * zero but the forget gate's, peepholes zero.
     */
    @Override
    public Map<String, INDArray> init(NeuralNetConfiguration conf, INDArray paramsView, boolean initializeParams) {
        Map<String, INDArray> params = views(conf.getLayer(), paramsView);
        if (initializeParams) {
            Cells cells = cells(conf.getLayer());
            long k2 = (long) cells.kernel() * cells.kernel();
            for (Cell cell : cells.cells()) {
                INDArray w = params.get(cell.prefix() + WEIGHTS);
                ((BaseLayer) conf.getLayer()).getWeightInitFn()
                        .init((cell.in() + cell.hid()) * k2, 4 * cell.hid() * k2, w.shape(), 'c', w);
                INDArray b = params.get(cell.prefix() + BIAS);
                b.assign(0);
                b.get(interval(cell.hid(), 2L * cell.hid()), all()).assign(cells.forgetGateBias());
                if (cells.peephole()) {
                    params.get(cell.prefix() + PEEPHOLES).assign(0);
                }
            }
        }
        return params;
    }

    @Override
    public Map<String, INDArray> getGradientsFromFlattened(NeuralNetConfiguration conf, INDArray gradientView) {
        return views(conf.getLayer(), gradientView);
    }

    private static Map<String, INDArray> views(Layer layer, INDArray flat) {
        Cells cells = cells(layer);
        Map<String, INDArray> byKey = new LinkedHashMap<>();
        long offset = 0;
        for (Cell cell : cells.cells()) {
            INDArray[] views = ConvLstmCell.views(ConvLstmCell.run(flat, offset, cells.count(cell)), cells.shapes(cell));
            List<String> keys = cells.keys(cell);
            for (int i = 0; i < views.length; i++) {
                byKey.put(keys.get(i), views[i]);
            }
            offset += cells.count(cell);
        }
        return byKey;
    }
}
