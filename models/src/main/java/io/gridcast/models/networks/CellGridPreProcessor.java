package io.gridcast.models.networks;

import java.util.Objects;

import org.deeplearning4j.nn.api.MaskState;
import org.deeplearning4j.nn.conf.InputPreProcessor;
import org.nd4j.common.primitives.Pair;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * What {@link CnnToCellSequencesPreProcessor} and {@link CellsToCnnPreProcessor} share: the grid whose cells they
 * take apart or put back (a configuration value, saved in the network's JSON), and no masks.
 */
abstract class CellGridPreProcessor implements InputPreProcessor {

    protected final long height;
    protected final long width;

    CellGridPreProcessor(long height, long width) {
        this.height = height;
        this.width = width;
    }

    @JsonProperty("height")
    public long getHeight() {
        return height;
    }

    @JsonProperty("width")
    public long getWidth() {
        return width;
    }

    @Override
    public Pair<INDArray, MaskState> feedForwardMaskArray(INDArray maskArray, MaskState currentMaskState,
                                                          int minibatchSize) {
        if (maskArray != null) {
            throw new IllegalArgumentException(getClass().getSimpleName() + " takes no mask: every cell has every "
                    + "time step");
        }
        return new Pair<>(null, currentMaskState);
    }

    @Override
    public abstract CellGridPreProcessor clone();

    @Override
    public boolean equals(Object o) {
        return o != null && o.getClass() == getClass() && height == ((CellGridPreProcessor) o).height
                && width == ((CellGridPreProcessor) o).width;
    }

    @Override
    public int hashCode() {
        return Objects.hash(getClass(), height, width);
    }
}
