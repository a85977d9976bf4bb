package io.gridcast.models.training;

import static org.nd4j.linalg.indexing.NDArrayIndex.interval;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import io.gridcast.features.WindowShape;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.deeplearning4j.datasets.iterator.ExistingDataSetIterator;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * A synthetic archive with known motion, made from a seed: each scene is a few Gaussian rain cells carried by one
 * velocity (one steering wind per scene), in any direction at 1 to 2 cells a step, over {@link #IN} input frames
 * and {@link #OUT} leads. Every cell's centre stays inside the grid, so the leads follow from the inputs alone: a
 * model that learned to move rain can forecast them, one that only damps or blurs the last frame cannot, since by
 * the last lead a cell has moved 3 to 6 cells, one to four of its widths.
 */
final class AdvectedBlobs {

    static final int IN = 3;
    static final int OUT = 3;
    private static final double MIN_SPEED = 1;
    private static final double MAX_SPEED = 2;
    private static final double MIN_SIGMA = 1.5;
    private static final double MAX_SIGMA = 2.5;
    /** Cells a rain cell's centre keeps from the grid's edges. */
    private static final double EDGE = 2;

    private final int size;
    /** {@code [scene, frame, y, x]}. */
    private final INDArray frames;

    /** {@code scenes} scenes on a {@code size} x {@code size} grid, the same for the same seed. */
    AdvectedBlobs(int scenes, int size, long seed) {
        double travel = MAX_SPEED * (IN + OUT - 1);
        if (size - 1 - 2 * EDGE < travel) {
            throw new IllegalArgumentException("a " + size + " x " + size + " grid is too small for cells moving "
                    + travel + " cells over a scene, " + EDGE + " cells from the edges");
        }
        this.size = size;
        Random rng = new Random(seed);
        float[] values = new float[scenes * (IN + OUT) * size * size];
        int i = 0;
        for (int s = 0; s < scenes; s++) {
            double direction = 2 * Math.PI * rng.nextDouble();
            double speed = MIN_SPEED + (MAX_SPEED - MIN_SPEED) * rng.nextDouble();
            double vy = speed * Math.sin(direction);
            double vx = speed * Math.cos(direction);
            int count = 2 + rng.nextInt(2);
            double[][] cells = new double[count][];
            for (int c = 0; c < count; c++) {
                cells[c] = new double[]{start(rng, vy), start(rng, vx), 0.5 + 0.5 * rng.nextDouble(),
                        MIN_SIGMA + (MAX_SIGMA - MIN_SIGMA) * rng.nextDouble()};
            }
            for (int t = 0; t < IN + OUT; t++) {
                for (int y = 0; y < size; y++) {
                    for (int x = 0; x < size; x++) {
                        double value = 0;
                        for (double[] cell : cells) {
                            double dy = y - (cell[0] + vy * t);
                            double dx = x - (cell[1] + vx * t);
                            value += cell[2] * Math.exp(-(dy * dy + dx * dx) / (2 * cell[3] * cell[3]));
                        }
                        values[i++] = (float) value;
                    }
                }
            }
        }
        frames = Nd4j.create(values, new long[]{scenes, IN + OUT, size, size}, DataType.FLOAT);
    }

    /** A first position from which a cell moving {@code v} a step stays {@link #EDGE} cells inside the grid. */
    private double start(Random rng, double v) {
        double travel = v * (IN + OUT - 1);
        double low = EDGE - Math.min(0, travel);
        double high = size - 1 - EDGE - Math.max(0, travel);
        return low + (high - low) * rng.nextDouble();
    }

    /** Windows of the newest {@code in} input frames (one channel) and the {@link #OUT} leads. */
    WindowShape shape(int in) {
        return new WindowShape(in, OUT, 1, size, size);
    }

    /** Every scene once, in order, as windows of {@link #shape}: validation and held-out windows. */
    DataSetIterator windows(int in, int batchSize) {
        List<Integer> scenes = new ArrayList<>();
        for (int s = 0; s < frames.size(0); s++) {
            scenes.add(s);
        }
        return new ExistingDataSetIterator(batches(scenes, in, batchSize));
    }

    /** As {@link #windows}, reshuffled from {@code seed} at every reset, as training windows are. */
    DataSetIterator shuffled(int in, int batchSize, long seed) {
        List<Integer> scenes = new ArrayList<>();
        for (int s = 0; s < frames.size(0); s++) {
            scenes.add(s);
        }
        Random rng = new Random(seed);
        return new ExistingDataSetIterator(() -> {
            Collections.shuffle(scenes, rng);
            return batches(scenes, in, batchSize).iterator();
        });
    }

    private List<DataSet> batches(List<Integer> scenes, int in, int batchSize) {
        if (in < 1 || in > IN) {
            throw new IllegalArgumentException("expected 1 to " + IN + " input frames, got " + in);
        }
        List<DataSet> batches = new ArrayList<>();
        for (int first = 0; first < scenes.size(); first += batchSize) {
            List<Integer> batch = scenes.subList(first, Math.min(scenes.size(), first + batchSize));
            INDArray features = Nd4j.create(DataType.FLOAT, batch.size(), in, 1, size, size);
            INDArray labels = Nd4j.create(DataType.FLOAT, batch.size(), OUT, size, size);
            for (int b = 0; b < batch.size(); b++) {
                INDArray scene = frames.get(point(batch.get(b)));
                features.get(point(b)).assign(scene.get(interval(IN - in, IN)).reshape(in, 1, size, size));
                labels.get(point(b)).assign(scene.get(interval(IN, IN + OUT)));
            }
            batches.add(new DataSet(features, labels));
        }
        return batches;
    }
}
