package io.gridcast.models.networks;

import java.util.Arrays;

import org.deeplearning4j.nn.conf.inputs.InputType;
import org.deeplearning4j.nn.conf.inputs.InputType.InputTypeConvolutional;
import org.deeplearning4j.nn.workspace.ArrayType;
import org.deeplearning4j.nn.workspace.LayerWorkspaceMgr;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.shade.jackson.annotation.JsonCreator;
import org.nd4j.shade.jackson.annotation.JsonProperty;

/**
 * From a CNN's feature maps of every time step to one sequence per grid cell, for an LSTM that runs on every cell
 * with the same weights (an LSTM convolutional in space, with a 1x1 kernel): input
 * {@code [time*batch, channels, height, width]}, stacked time-major as DL4J's {@code RnnToCnnPreProcessor} stacks the
 * frames (image {@code t*batch + b}); output {@code [batch*height*width, channels, time]}, row
 * {@code (b*height + y)*width + x}, in DL4J's NCW sequence layout. {@link CellsToCnnPreProcessor} puts the LSTM's
 * per-cell output back on the grid.
 */
public class CnnToCellSequencesPreProcessor extends CellGridPreProcessor {

    @JsonCreator
    public CnnToCellSequencesPreProcessor(@JsonProperty("height") long height, @JsonProperty("width") long width) {
        super(height, width);
    }

    @Override
    public INDArray preProcess(INDArray input, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        if (input.rank() != 4 || input.size(0) % miniBatchSize != 0 || input.size(2) != height
                || input.size(3) != width) {
            throw new IllegalArgumentException("expected CNN activations [time*" + miniBatchSize + ", channels, "
                    + height + ", " + width + "], got " + Arrays.toString(input.shape()));
        }
        long channels = input.size(1);
        long time = input.size(0) / miniBatchSize;
        INDArray cells = input.reshape('c', time, miniBatchSize, channels, height, width)
                .permute(1, 3, 4, 2, 0);
        return workspaceMgr.dup(ArrayType.ACTIVATIONS, cells, 'c')
                .reshape('c', miniBatchSize * height * width, channels, time);
    }

    @Override
    public INDArray backprop(INDArray output, int miniBatchSize, LayerWorkspaceMgr workspaceMgr) {
        long channels = output.size(1);
        long time = output.size(2);
        INDArray frames = output.reshape('c', miniBatchSize, height, width, channels, time)
                .permute(4, 0, 3, 1, 2);
        return workspaceMgr.dup(ArrayType.ACTIVATION_GRAD, frames, 'c')
                .reshape('c', time * miniBatchSize, channels, height, width);
    }

    @Override
    public InputType getOutputType(InputType inputType) {
        if (!(inputType instanceof InputTypeConvolutional c) || c.getHeight() != height || c.getWidth() != width) {
            throw new IllegalStateException("expected CNN input of " + height + " x " + width + ", got " + inputType);
        }
        return InputType.recurrent(c.getChannels());
    }

    @Override
    public CnnToCellSequencesPreProcessor clone() {
        return new CnnToCellSequencesPreProcessor(height, width);
    }
}
