package io.gridcast.models.training;

import io.gridcast.features.WindowIterator;
import io.gridcast.models.Nowcaster;
import java.util.Arrays;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;

/** The one loss every model is compared by, so that trained models and baselines are scored identically. */
public final class Validation {

    private Validation() {
    }

    /**
     * Mean squared error of {@code model}'s predictions over every element of every window of {@code windows}
     * (normalised units), accumulated in double precision. Resets the iterator first.
     */
    public static double mse(Nowcaster model, DataSetIterator windows) {
        windows.reset();
        double sum = 0;
        long count = 0;
        while (windows.hasNext()) {
            DataSet batch = windows.next();
            INDArray predicted = model.predict(batch.getFeatures());
            INDArray labels = batch.getLabels();
            if (!Arrays.equals(predicted.shape(), labels.shape())) {
                throw new IllegalArgumentException("labels " + Arrays.toString(labels.shape())
                        + " do not match the predictions " + Arrays.toString(predicted.shape())
                        + " of model '" + model.type() + "'");
            }
            INDArray error = predicted.castTo(DataType.DOUBLE).sub(labels.castTo(DataType.DOUBLE));
            sum += error.muli(error).sumNumber().doubleValue();
            count += error.length();
            if (windows instanceof WindowIterator streamed) {
                streamed.release(batch);
            }
        }
        if (count == 0) {
            throw new IllegalArgumentException("the validation iterator yielded no windows");
        }
        return sum / count;
    }
}
