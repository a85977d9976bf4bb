package io.gridcast.models.networks;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InputType.InputTypeFeedForward;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * One feature vector per grid cell, row {@code (b*height + y)*width + x} as {@link CnnToCellSequencesPreProcessor}
 * lays the cells out (e.g. a per-cell LSTM's last step, {@code [batch*height*width, features]}), back on the grid as
 * CNN feature maps {@code [batch, features, height, width]}.
 */
public class CellsToCnnPreProcessor extends CellGridPreProcessor {

    @JsonCreator
    public CellsToCnnPreProcessor(@JsonProperty("height") long height, @JsonProperty("width") long width) {
        super(height, width);
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (input.rank() != 2 || input.size(0) != miniBatchSize * height * width) {
            throw new IllegalArgumentException("expected one feature vector per cell, [" + miniBatchSize + "*"
                    + height + "*" + width + ", features], got " + Arrays.toString(input.shape()));
        }
        INDArray maps = input.reshape('c', miniBatchSize, height, width, input.size(1)).permute(0, 3, 1, 2);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, maps, 'c');
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        long features = output.size(1);
        INDArray cells = output.permute(0, 2, 3, 1);
        return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, cells, 'c')
                .reshape('c', miniBatchSize * height * width, features);
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (!(inputType instanceof InputTypeFeedForward f)) {
            throw new IllegalStateException("expected a feed-forward input type (one vector per cell), got "
                    + inputType);
        }
        return InputType.convolutional(height, width, f.getSize());
    }

    @Override
    public CellsToCnnPreProcessor clone() {
        return new CellsToCnnPreProcessor(height, width);
    }
}
