package io.gridcast.models.networks;

import java.util.Collection;

import org.deeplearning4j.nn.api.Layer;
import org.deeplearning4j.nn.conf.NeuralNetConfiguration;
import org.deeplearning4j.optimize.api.TrainingListener;
import org.nd4j.linalg.api.ndarray.INDArray;

/** What a DL4J layer configuration's {@code instantiate} does to the layer it made, as DL4J's own configurations do. */
final class LayerWiring {

    private LayerWiring() {
    }

    /**
     * {@code layer} with the network's listeners, its index, its view of the network's parameters and their table from
     * the configuration's initializer (which fills them when {@code initializeParams}), and its configuration.
     */
    static <L extends Layer> L wire(L layer, NeuralNetConfiguration conf, Collection<TrainingListener> listeners,
                                    int layerIndex, INDArray paramsView, boolean initializeParams) {
        layer.setListeners(listeners);
        layer.setIndex(layerIndex);
        layer.setParamsViewArray(paramsView);
        layer.setParamTable(conf.getLayer().initializer().init(conf, paramsView, initializeParams));
        layer.setConf(conf);
        return layer;
    }
}
