package io.gridcast.models.nowcasts;

import io.gridcast.features.WindowShape;
import io.gridcast.models.Nowcaster;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.factory.Nd4j;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** The baseline every model must beat: the last observed frame of the forecast variable, for every lead. */
final class PersistenceNowcaster implements Nowcaster {

    public static final String TYPE = "persistence";

    private final WindowShape shape;

    public PersistenceNowcaster(WindowShape shape) {
        this.shape = shape;
    }

    @Override
    public String type() {
        return TYPE;
    }

    @Override
    public INDArray predict(INDArray inputs) {
        Windows.requireInputs(inputs, shape);
        INDArray last = inputs.get(NDArrayIndex.all(), NDArrayIndex.point(shape.in() - 1), NDArrayIndex.point(0),
                NDArrayIndex.all(), NDArrayIndex.all());
        INDArray out = Nd4j.create(inputs.dataType(), inputs.size(0), shape.out(), shape.height(), shape.width());
        for (int lead = 0; lead < shape.out(); lead++) {
            out.get(NDArrayIndex.all(), NDArrayIndex.point(lead), NDArrayIndex.all(), NDArrayIndex.all()).assign(last);
        }
        return out;
    }
}
