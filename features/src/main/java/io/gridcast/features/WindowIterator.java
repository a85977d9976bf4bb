package io.gridcast.features;

import static org.nd4j.linalg.indexing.NDArrayIndex.all;
import static org.nd4j.linalg.indexing.NDArrayIndex.point;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Random;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Streams normalised windows to training as DL4J mini-batches: features {@code [batch, in, channels, h, w]}
 * (channel 0 the variable), labels {@code [batch, out, h, w]}. Frames come from {@link RegionFrames}, so
 * memory is bounded by its cache and one batch. Missing cells become the normalised mean (0), counted.
 */
public final class WindowIterator implements DataSetIterator {

    private final RegionFrames frames;
    private final Normalisation normalisation;
    private final WindowShape shape;
    private final List<Integer> starts;
    private final int batchSize;
    private final Random shuffle;
    private List<Integer> order;
    private int cursor;
    private long missingCells;

    /**
     * @param shuffleSeed null keeps time order (validation, test); a seed reshuffles every epoch reproducibly
     */
    public WindowIterator(RegionFrames frames, Normalisation normalisation, WindowShape shape, List<Integer> starts,
                          int batchSize, Long shuffleSeed) {
        if (shape.channels() != 1) {
            throw new IllegalArgumentException("windows carry 1 channel (the variable), shape asks for " + shape.channels());
        }
        this.frames = frames;
        this.normalisation = normalisation;
        this.shape = shape;
        this.starts = List.copyOf(starts);
        this.batchSize = batchSize;
        this.shuffle = shuffleSeed == null ? null : new Random(shuffleSeed);
        reset();
    }

    /** Inputs of the window starting at catalog index {@code start}: {@code [1, in, 1, h, w]}, normalised. */
    public INDArray inputs(int start) {
        INDArray x = Nd4j.create(DataType.FLOAT, 1, shape.in(), 1, shape.height(), shape.width());
        fill(x.get(point(0), all(), point(0)), start);
        return x;
    }

    /** Writes frames {@code first, first + 1, ...} normalised into {@code target} {@code [frames, h, w]}. */
    private void fill(INDArray target, int first) {
        for (int t = 0; t < target.size(0); t++) {
            float[] physical = frames.frame(first + t);
            float[] values = new float[physical.length];
            for (int i = 0; i < physical.length; i++) {
                if (Float.isNaN(physical[i])) {
                    missingCells++;
                } else {
                    values[i] = normalisation.normalise(physical[i]);
                }
            }
            target.get(point(t)).assign(Nd4j.createFromArray(values).reshape(shape.height(), shape.width()));
        }
    }

    public long missingCells() {
        return missingCells;
    }

    @Override
    public boolean hasNext() {
        return cursor < order.size();
    }

    @Override
    public DataSet next() {
        return next(batchSize);
    }

    @Override
    public DataSet next(int num) {
        if (!hasNext()) {
            throw new NoSuchElementException("no more windows");
        }
        int n = Math.min(num, order.size() - cursor);
        int h = shape.height();
        int w = shape.width();
        INDArray features = Nd4j.create(DataType.FLOAT, n, shape.in(), 1, h, w);
        INDArray labels = Nd4j.create(DataType.FLOAT, n, shape.out(), h, w);
        for (int b = 0; b < n; b++) {
            int start = order.get(cursor + b);
            fill(features.get(point(b), all(), point(0)), start);
            fill(labels.get(point(b)), start + shape.in());
        }
        cursor += n;
        return new DataSet(features, labels);
    }

    @Override
    public void reset() {
        order = new ArrayList<>(starts);
        if (shuffle != null) {
            Collections.shuffle(order, shuffle);
        }
        cursor = 0;
    }

    @Override
    public int inputColumns() {
        return shape.in() * shape.height() * shape.width();
    }

    @Override
    public int totalOutcomes() {
        return shape.out() * shape.height() * shape.width();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        throw new UnsupportedOperationException("windows are normalised by the features stage, not by a pre-processor");
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return null;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
