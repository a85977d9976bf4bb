package io.gridcast.models.nowcasts;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;

import io.gridcast.features.WindowShape;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Synthetic windows: a Gaussian blob moving one cell per step in one of four directions; channel 1 (if any) is a
 * static "elevation" ramp, constant over time.
 */
public final class MovingBlobs {

    private MovingBlobs() {
    }

    public static DataSetIterator iterator(WindowShape shape, int windows, int batchSize, long seed) {
        Random rng = new Random(seed);
        int[][] directions = {{0, 1}, {0, -1}, {1, 0}, {-1, 0}};
        int steps = shape.in() + shape.out();
        List<INDArray> allFeatures = new ArrayList<>();
        List<INDArray> allLabels = new ArrayList<>();
        for (int n = 0; n < windows; n++) {
            int[] d = directions[rng.nextInt(directions.length)];
            double y0 = shape.height() / 2.0 - d[0] * steps / 2.0 + rng.nextInt(3) - 1;
            double x0 = shape.width() / 2.0 - d[1] * steps / 2.0 + rng.nextInt(3) - 1;
            INDArray features = Nd4j.zeros(DataType.FLOAT, 1, shape.in(), shape.channels(), shape.height(),
                    shape.width());
            INDArray labels = Nd4j.zeros(DataType.FLOAT, 1, shape.out(), shape.height(), shape.width());
            for (int t = 0; t < steps; t++) {
                for (int y = 0; y < shape.height(); y++) {
                    for (int x = 0; x < shape.width(); x++) {
                        double dy = y - (y0 + d[0] * t);
                        double dx = x - (x0 + d[1] * t);
                        double value = Math.exp(-(dy * dy + dx * dx) / (2 * 1.5 * 1.5));
                        if (t < shape.in()) {
                            features.putScalar(new long[]{0, t, 0, y, x}, value);
                            for (int c = 1; c < shape.channels(); c++) {
                                features.putScalar(new long[]{0, t, c, y, x}, (double) y / shape.height() - 0.5);
                            }
                        } else {
                            labels.putScalar(new long[]{0, t - shape.in(), y, x}, value);
                        }
                    }
                }
            }
            allFeatures.add(features);
            allLabels.add(labels);
        }
        List<DataSet> batches = new ArrayList<>();
        for (int start = 0; start < windows; start += batchSize) {
            int end = Math.min(windows, start + batchSize);
            batches.add(new DataSet(Nd4j.concat(0, allFeatures.subList(start, end).toArray(INDArray[]::new)),
                    Nd4j.concat(0, allLabels.subList(start, end).toArray(INDArray[]::new))));
        }
        // Built from a list (an Iterable), the iterator is resettable.
        return new ExistingDataSetIterator(batches);
    }
}
