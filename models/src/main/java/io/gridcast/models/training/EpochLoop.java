package io.gridcast.models.training;

import io.gridcast.features.WindowIterator;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.models.TrainableNowcaster;
import io.gridcast.models.nowcasts.EpochResult;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.registry.ModelRegistry;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import org.nd4j.linalg.dataset.DataSet;
import org.nd4j.linalg.dataset.api.iterator.DataSetIterator;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The epoch loop shared by the trainable models: learning-rate schedule, validation, early stopping, the best
 * epoch's weights, and checkpoints that a crashed run resumes from.
 *
 * <p>A working folder holds {@code checkpoint/} ({@code state.json}: the epochs done and their history, and
 * {@code model/}: the model with its optimiser state, as {@link TrainableNowcaster#save} writes it) and
 * {@code best/} (the weights of the epoch with the lowest validation loss). Each is written complete under a
 * temporary name and renamed in. Resuming loads {@code checkpoint/model}, replays the training iterator's
 * per-epoch reshuffles up to the checkpoint (so the next epoch sees the same order as an uninterrupted run), and
 * carries on: the schedule and early stopping depend only on the history, so the result equals an uninterrupted
 * run's.
 */
final class EpochLoop {

    private static final Logger log = LoggerFactory.getLogger(EpochLoop.class);
    static final String CHECKPOINT = "checkpoint";
    static final String BEST = "best";
    static final String MODEL = "model";
    static final String STATE = "state.json";

    /**
     * What a checkpoint records beside the model.
     *
     * @param data    identifies the training data and configuration; a checkpoint for other data is not resumed
     * @param history every epoch done, in order
     */
    record State(String data, List<EpochResult> history) {
    }

    /** The trained model (the best epoch's weights when there was validation data) and how training went. */
    record Outcome(TrainableNowcaster model, TrainingHistory history, int bestEpoch, int resumedAfter,
                   boolean stoppedEarly) {
    }

    private EpochLoop() {
    }

    /** Plain training: a constant learning rate, every epoch, no checkpoints; the model trained in place. */
    static TrainingHistory run(TrainableNowcaster model, DataSetIterator train, DataSetIterator validation, int epochs,
                               Consumer<EpochResult> onEpoch) {
        if (epochs < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + epochs);
        }
        List<EpochResult> results = new ArrayList<>();
        for (int epoch = 1; epoch <= epochs; epoch++) {
            results.add(epoch(model, train, validation, epoch, Double.NaN, false, onEpoch));
        }
        return new TrainingHistory(results);
    }

    /**
     * Trains {@code fresh} as {@code spec} says, or resumes from the checkpoint in {@code workDir} if there is one
     * for the same {@code data}.
     *
     * @param workDir checkpoints and the best weights; null for a temporary folder, deleted at the end (no resume)
     * @param data    a description of the training data and configuration that a checkpoint must match to be resumed
     */
    static Outcome run(TrainableNowcaster fresh, ModelSpec spec, DataSetIterator train, DataSetIterator validation,
                       Path workDir, String data, Consumer<EpochResult> onEpoch) {
        if (spec.epochs() < 0) {
            throw new IllegalArgumentException("epochs must be >= 0, got " + spec.epochs());
        }
        boolean temporary = workDir == null;
        Path dir = temporary ? temporaryFolder() : workDir;
        try {
            TrainableNowcaster model = fresh;
            List<EpochResult> history = new ArrayList<>();
            State resumed = temporary ? null : readState(dir.resolve(CHECKPOINT), data);
            if (resumed != null) {
                model = (TrainableNowcaster) ModelVariants.load(spec.type(), dir.resolve(CHECKPOINT).resolve(MODEL));
                history.addAll(resumed.history());
                // Each epoch starts with a reset, which reshuffles: replay the ones done to reach the same order.
                for (int k = 0; k < history.size(); k++) {
                    train.reset();
                }
                log.info("resuming {} after epoch {} from {}", spec.name(), history.size(), dir.resolve(CHECKPOINT));
            }
            int resumedAfter = history.size();
            boolean stopped = shouldStop(spec, history);
            for (int epoch = history.size() + 1; epoch <= spec.epochs() && !stopped; epoch++) {
                double rate = spec.lrSchedule().rate(spec.learningRate(), epoch, spec.epochs(), history);
                history.add(epoch(model, train, validation, epoch, rate, !spec.lrSchedule().isConstant(), onEpoch));
                if (bestEpoch(history) == epoch) {
                    writeAtomically(dir.resolve(BEST), model::save);
                }
                stopped = shouldStop(spec, history);
                if (!temporary && spec.checkpointEvery() > 0
                        && (epoch % spec.checkpointEvery() == 0 || epoch == spec.epochs() || stopped)) {
                    TrainableNowcaster current = model;
                    State state = new State(data, history);
                    writeAtomically(dir.resolve(CHECKPOINT), staging -> {
                        current.save(staging.resolve(MODEL));
                        writeJson(staging.resolve(STATE), state);
                    });
                }
            }
            int best = bestEpoch(history);
            if (best > 0 && best < history.size()) {
                model = (TrainableNowcaster) ModelVariants.load(spec.type(), dir.resolve(BEST));
                log.info("{}: keeping the weights of epoch {} (validation loss {}), the lowest of {} epochs",
                        spec.name(), best, history.get(best - 1).validationLoss(), history.size());
            }
            return new Outcome(model, new TrainingHistory(history), best, resumedAfter,
                    stopped && history.size() < spec.epochs());
        } finally {
            if (temporary) {
                delete(dir);
            }
        }
    }

    /** The 1-based epoch with the lowest validation loss (the first of equals), 0 if none has one. */
    static int bestEpoch(List<EpochResult> history) {
        int best = 0;
        for (EpochResult e : history) {
            if (e.validationLoss() < (best == 0 ? Double.POSITIVE_INFINITY : history.get(best - 1).validationLoss())) {
                best = e.epoch();
            }
        }
        return best;
    }

    /** Early stopping: {@code patience} epochs in a row without a validation loss lower by more than min_delta. */
    static boolean shouldStop(ModelSpec spec, List<EpochResult> history) {
        if (spec.patience() == 0) {
            return false;
        }
        double best = Double.POSITIVE_INFINITY;
        int waited = 0;
        for (EpochResult e : history) {
            if (e.validationLoss() < best - spec.minDelta()) {
                best = e.validationLoss();
                waited = 0;
            } else {
                waited++;
            }
        }
        return waited >= spec.patience();
    }

    /**
     * @param rate    the epoch's learning rate (NaN if unknown)
     * @param setRate whether to set it first (a constant rate is the model's own already)
     */
    private static EpochResult epoch(TrainableNowcaster model, DataSetIterator train, DataSetIterator validation,
                                     int epoch, double rate, boolean setRate, Consumer<EpochResult> onEpoch) {
        long start = System.nanoTime();
        if (setRate) {
            model.learningRate(rate);
        }
        double trainLoss = trainEpoch(model, train);
        double validationLoss = validation == null ? Double.NaN : Validation.mse(model, validation);
        EpochResult result = new EpochResult(epoch, trainLoss, validationLoss, (System.nanoTime() - start) / 1e9, rate);
        if (onEpoch != null) {
            onEpoch.accept(result);
        }
        return result;
    }

    /** The epoch's element-wise mean loss: per-batch mean losses weighted by batch size. */
    private static double trainEpoch(TrainableNowcaster model, DataSetIterator train) {
        double weightedSum = 0;
        long windows = 0;
        train.reset();
        while (train.hasNext()) {
            DataSet batch = train.next();
            long size = batch.getFeatures().size(0);
            weightedSum += model.fitBatch(batch) * size;
            windows += size;
            if (train instanceof WindowIterator streamed) {
                streamed.release(batch);
            }
        }
        if (windows == 0) {
            throw new IllegalArgumentException("the training iterator yielded no windows");
        }
        return weightedSum / windows;
    }

    /** The checkpoint's state if it is complete and for the same data; otherwise null, and it is started anew. */
    private static State readState(Path checkpoint, String data) {
        Path file = checkpoint.resolve(STATE);
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try {
            State state = ModelRegistry.JSON.readValue(file.toFile(), State.class);
            if (!data.equals(state.data())) {
                log.warn("not resuming from {}: it was written for other data or another configuration", checkpoint);
                return null;
            }
            return state;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read the training checkpoint " + file
                    + " (delete the folder to start the training anew)", e);
        }
    }

    private static void writeAtomically(Path target, Consumer<Path> write) {
        Path staging = AtomicFiles.stagingFor(target);
        try {
            Files.createDirectories(staging);
            write.accept(staging);
            AtomicFiles.replaceDirectory(staging, target);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + target, e);
        }
    }

    private static void writeJson(Path file, Object value) {
        try {
            ModelRegistry.JSON.writeValue(file.toFile(), value);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
    }

    private static Path temporaryFolder() {
        try {
            return Files.createTempDirectory("gridcast-training-");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create a temporary folder for the best weights", e);
        }
    }

    static void delete(Path dir) {
        try {
            AtomicFiles.deleteTree(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot delete " + dir, e);
        }
    }
}
