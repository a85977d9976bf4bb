package io.gridcast.features;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.NoSuchElementException;
import java.util.Random;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicLong;
import org.nd4j.linalg.api.buffer.DataType;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.DataSetPreProcessor;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.nd4j.linalg.factory.Nd4j;

/**
 * Streams windows to training as DL4J mini-batches: features {@code [batch, in, channels, h, w]} (channel 0 the
 * target variable), labels {@code [batch, out, h, w]}, in model units. A background thread builds batches from
 * the frame shards into a bounded queue of {@code prefetch} batches, so memory is bounded by the batch size, the
 * prefetch depth and a few decompressed shards, not by the archive. With a seed the windows are shuffled
 * reproducibly across shards: the shards' order is shuffled, then the windows of every {@code shuffleShards}
 * consecutive shards of that order are shuffled together; each {@link #reset} draws the next epoch's order.
 * An error on the streaming thread is raised by {@link #hasNext}/{@link #next} on the caller's thread.
 */
public final class WindowIterator implements DataSetIterator, AutoCloseable {

    private static final Object END = new Object();

    private record Failure(Throwable cause) {
    }

    private final WindowSource source;
    private final List<Integer> starts;
    private final int batchSize;
    private final int prefetch;
    private final int shuffleShards;
    private final Random shuffle;
    private final boolean rotate;
    private final boolean mirror;
    private final AtomicLong missingCells = new AtomicLong();
    private List<Integer> order;
    private int[] quarterTurns;
    private boolean[] mirrored;
    private BlockingQueue<Object> queue;
    private DataSetPreProcessor preProcessor;
    private Thread producer;
    private Object pending;
    private final Queue<INDArray[]> released = new ConcurrentLinkedQueue<>();

    /**
     * @param shuffleSeed null keeps time order (validation, test); a seed reshuffles every epoch reproducibly
     * @param augment     augmentations drawn per window from the seed ({@link WindowSpec#AUGMENTATIONS}); only
     *                    with a seed, so only for training
     */
    public WindowIterator(WindowSource source, List<Integer> starts, int batchSize, Long shuffleSeed,
                          List<String> augment, int prefetch, int shuffleShards) {
        if (batchSize < 1) {
            throw new IllegalArgumentException("batch size must be 1 or more, got " + batchSize);
        }
        if (!augment.isEmpty() && shuffleSeed == null) {
            throw new IllegalArgumentException("augmentation " + augment + " needs a seed: it is for training only");
        }
        // Windows of a pool of shards may reach into the next shard: room for twice the pool, and one ahead.
        this.source = source.withCache(2 * shuffleShards + 2);
        this.starts = List.copyOf(starts);
        this.batchSize = batchSize;
        this.prefetch = prefetch;
        this.shuffleShards = shuffleShards;
        this.shuffle = shuffleSeed == null ? null : new Random(shuffleSeed);
        this.rotate = augment.contains("rot90");
        this.mirror = augment.contains("flip");
        reset();
    }

    /** Window start frames in the order this epoch streams them. */
    public List<Integer> order() {
        return order;
    }

    /** Missing cell values met so far (set to 0 in model units). */
    public long missingCells() {
        return missingCells.get();
    }

    @Override
    public synchronized void reset() {
        stop();
        order = shuffle == null ? new ArrayList<>(starts) : shuffledOrder();
        quarterTurns = new int[order.size()];
        mirrored = new boolean[order.size()];
        boolean square = source.shape().height() == source.shape().width();
        for (int w = 0; w < order.size() && shuffle != null; w++) {
            quarterTurns[w] = !rotate ? 0 : square ? shuffle.nextInt(4) : 2 * shuffle.nextInt(2);
            mirrored[w] = mirror && shuffle.nextBoolean();
        }
        queue = new ArrayBlockingQueue<>(prefetch);
        pending = null;
    }

    private List<Integer> shuffledOrder() {
        int shardFrames = source.shards().index().shardFrames();
        Map<Integer, List<Integer>> byShard = new LinkedHashMap<>();
        for (int start : starts) {
            byShard.computeIfAbsent(start / shardFrames, s -> new ArrayList<>()).add(start);
        }
        List<List<Integer>> shards = new ArrayList<>(byShard.values());
        Collections.shuffle(shards, shuffle);
        List<Integer> shuffled = new ArrayList<>(starts.size());
        for (int s = 0; s < shards.size(); s += shuffleShards) {
            List<Integer> pool = new ArrayList<>();
            shards.subList(s, Math.min(shards.size(), s + shuffleShards)).forEach(pool::addAll);
            Collections.shuffle(pool, shuffle);
            shuffled.addAll(pool);
        }
        return shuffled;
    }

    private void produce(List<Integer> windows, int[] turns, boolean[] mirrors, BlockingQueue<Object> out) {
        try {
            WindowShape shape = source.shape();
            int inputSize = shape.in() * shape.channels() * shape.height() * shape.width();
            int labelSize = shape.out() * shape.height() * shape.width();
            // One pair of buffers for the whole epoch (each batch is copied off-heap): no garbage per window, which
            // made G1 widen the heap with the number of windows streamed.
            float[] x = new float[batchSize * inputSize];
            float[] y = new float[batchSize * labelSize];
            for (int first = 0; first < windows.size(); first += batchSize) {
                int n = Math.min(batchSize, windows.size() - first);
                for (int b = 0; b < n; b++) {
                    int w = first + b;
                    source.fillInputs(x, b * inputSize, windows.get(w), turns[w], mirrors[w], missingCells);
                    source.fillLabels(y, b * labelSize, windows.get(w), turns[w], mirrors[w], missingCells);
                }
                INDArray[] arrays = n == batchSize ? released.poll() : null;
                out.put(arrays != null
                        ? new DataSet(refill(arrays[0], x), refill(arrays[1], y))
                        : new DataSet(Nd4j.create(Arrays.copyOf(x, n * inputSize),
                                        new long[] {n, shape.in(), shape.channels(), shape.height(), shape.width()},
                                        DataType.FLOAT),
                                Nd4j.create(Arrays.copyOf(y, n * labelSize),
                                        new long[] {n, shape.out(), shape.height(), shape.width()}, DataType.FLOAT)));
            }
            out.put(END);
        } catch (InterruptedException e) {
            // reset() or close() stopped this epoch early: nothing more to deliver.
            Thread.currentThread().interrupt();
        } catch (Throwable e) {
            out.clear();
            out.offer(new Failure(e));
        }
    }

    /** A released batch's array, overwritten with the first values of {@code values}. */
    private static INDArray refill(INDArray array, float[] values) {
        array.data().asNioFloat().put(values, 0, (int) array.length());
        return array;
    }

    private void stop() {
        if (producer != null) {
            producer.interrupt();
            try {
                producer.join();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
            producer = null;
        }
    }

    /** Stops the streaming thread; the iterator may be {@link #reset} and used again. */
    @Override
    public synchronized void close() {
        stop();
    }

    @Override
    public synchronized boolean hasNext() {
        if (pending == null) {
            if (producer == null) {
                List<Integer> windows = order;
                int[] turns = quarterTurns;
                boolean[] mirrors = mirrored;
                BlockingQueue<Object> out = queue;
                producer = new Thread(() -> produce(windows, turns, mirrors, out), "gridcast-windows");
                producer.setDaemon(true);
                producer.start();
            }
            try {
                pending = queue.take();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                throw new IllegalStateException("interrupted while waiting for the next batch of windows", e);
            }
        }
        if (pending instanceof Failure failure) {
            throw new IllegalStateException("building windows failed: " + failure.cause().getMessage(), failure.cause());
        }
        return pending != END;
    }

    @Override
    public synchronized DataSet next() {
        if (!hasNext()) {
            throw new NoSuchElementException("no more windows");
        }
        DataSet batch = (DataSet) pending;
        pending = null;
        if (preProcessor != null) {
            preProcessor.preProcess(batch);
        }
        return batch;
    }

    /**
     * Hands a delivered batch's arrays back for a later batch to be written into; a consumer calls it once it no
     * longer reads the batch. ND4J M2.1 frees an array's native memory only when a collection finds it, not on
     * {@code close()} (DEVELOPERS.md), so batches made new, one after another, piled up off-heap between
     * collections; reused, the stream holds the queue's batches and those released, whatever its length.
     */
    public void release(DataSet batch) {
        WindowShape shape = source.shape();
        INDArray features = batch.getFeatures();
        INDArray labels = batch.getLabels();
        // Only a full batch's own arrays: a pre-processor may have put others in.
        if (Arrays.equals(features.shape(), new long[] {batchSize, shape.in(), shape.channels(), shape.height(),
                shape.width()}) && Arrays.equals(labels.shape(), new long[] {batchSize, shape.out(), shape.height(),
                shape.width()}) && released.size() < prefetch + 2) {
            released.add(new INDArray[] {features, labels});
        }
    }

    @Override
    public DataSet next(int num) {
        if (num != batchSize) {
            throw new UnsupportedOperationException("windows stream in batches of " + batchSize + ", not " + num);
        }
        return next();
    }

    @Override
    public int inputColumns() {
        WindowShape shape = source.shape();
        return shape.in() * shape.channels() * shape.height() * shape.width();
    }

    @Override
    public int totalOutcomes() {
        WindowShape shape = source.shape();
        return shape.out() * shape.height() * shape.width();
    }

    @Override
    public boolean resetSupported() {
        return true;
    }

    /** Already asynchronous: DL4J must not wrap it in a second prefetching iterator. */
    @Override
    public boolean asyncSupported() {
        return false;
    }

    @Override
    public int batch() {
        return batchSize;
    }

    /**
     * Applied to every batch as it is delivered: for what a model adds to a batch (e.g. its loss weights as the
     * labels mask). Channel transforms are the features stage's own and never a pre-processor.
     */
    @Override
    public void setPreProcessor(DataSetPreProcessor preProcessor) {
        this.preProcessor = preProcessor;
    }

    @Override
    public DataSetPreProcessor getPreProcessor() {
        return preProcessor;
    }

    @Override
    public List<String> getLabels() {
        return null;
    }
}
