package io.gridcast.models.training;

import com.fasterxml.jackson.core.JsonProcessingException;
import io.gridcast.features.RegionFeatures;
import io.gridcast.features.WindowIterator;
import io.gridcast.features.WindowPlan;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.models.Nowcaster;
import io.gridcast.models.nowcasts.EpochResult;
import io.gridcast.models.nowcasts.ModelSpec;
import io.gridcast.models.nowcasts.ModelVariants;
import io.gridcast.models.nowcasts.NowcastLoss;
import io.gridcast.models.registry.ModelMetadata;
import io.gridcast.models.registry.ModelRegistry;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Trains one model variant on one region's windows and saves it, with its metadata, in the registry. */
public final class Training {

    private static final Logger log = LoggerFactory.getLogger(Training.class);

    private Training() {
    }

    public static ModelMetadata train(RegionFeatures features, ModelSpec spec, FrameCatalog.Description data,
                                      ModelRegistry registry) {
        return train(features, spec, data, registry, null);
    }

    /**
     * Trains as {@link #train(RegionFeatures, ModelSpec, FrameCatalog.Description, ModelRegistry)} and saves the
     * model as the version of {@code trainedAt} exactly, so that a rerun of the same training (a Spark task retried
     * after its executor was lost) ends in the same registry: if an earlier attempt saved that version, it is kept
     * and returned; an attempt killed earlier left checkpoints to resume from and, at most, its own staging folders
     * beside the version, which are removed first.
     */
    public static ModelMetadata trainAs(RegionFeatures features, ModelSpec spec, FrameCatalog.Description data,
                                        ModelRegistry registry, Instant trainedAt) {
        String region = features.regionGrid().region().name();
        String version = ModelRegistry.VERSION.format(trainedAt);
        if (registry.versions(region, spec.name()).contains(version)) {
            log.info("train {}/{}: version {} already saved by an earlier attempt", region, spec.name(), version);
            return registry.metadata(region, spec.name(), version);
        }
        registry.deleteStaging(region, spec.name(), version);
        return train(features, spec, data, registry, trainedAt.truncatedTo(ChronoUnit.SECONDS));
    }

    private static ModelMetadata train(RegionFeatures features, ModelSpec spec, FrameCatalog.Description data,
                                       ModelRegistry registry, Instant fixedTime) {
        String region = features.regionGrid().region().name();
        WindowPlan plan = features.plan();
        Nowcaster model;
        List<EpochResult> history;
        if (ModelVariants.isTrainable(spec.type())) {
            if (!plan.trainable()) {
                throw new IllegalArgumentException("model '" + spec.name() + "' (" + spec.type() + ") cannot be"
                        + " trained: " + plan.choice());
            }
            try (WindowIterator train = features.iterator(plan.train(), spec.batchSize(), spec.seed());
                 WindowIterator validation = features.iterator(plan.validation(), spec.batchSize(), null)) {
                if (NowcastLoss.of(spec.loss()).needsWeights()) {
                    train.setPreProcessor(NowcastLoss.hko7Weighting(features.channels().get(0).transform(),
                            data.units(), plan.step()));
                }
                EpochLoop.Outcome outcome = EpochLoop.run(ModelVariants.create(spec, features.shape()), spec, train,
                        validation, registry.trainingDir(region, spec.name()), dataKey(features, spec, data),
                        epoch -> log.info("train {}/{}: epoch {}/{} lr {} train loss {} validation loss {} ({} s)",
                                region, spec.name(), epoch.epoch(), spec.epochs(),
                                String.format("%.2e", epoch.learningRate()), String.format("%.5f", epoch.trainLoss()),
                                String.format("%.5f", epoch.validationLoss()), String.format("%.1f", epoch.seconds())));
                history = outcome.history().epochs();
                if (outcome.stoppedEarly()) {
                    log.info("train {}/{}: stopped early after epoch {}: no validation improvement for {} epochs",
                            region, spec.name(), history.size(), spec.patience());
                }
                if (train.missingCells() > 0) {
                    log.warn("train {}/{}: {} missing cell values of training windows (counted over {} epochs) were"
                            + " set to 0 in model units", region, spec.name(), train.missingCells(), spec.epochs());
                }
                model = outcome.model();
            }
        } else {
            // An external model is checked against the region's windows here, so a misfit fails the train job.
            model = ModelVariants.isExternal(spec.type())
                    ? ModelVariants.external(spec, features.shape(), features.channels())
                    : ModelVariants.baseline(spec.type(), features.shape());
            history = List.of();
        }
        Instant trainedAt = fixedTime != null ? fixedTime : Instant.now().truncatedTo(ChronoUnit.SECONDS);
        // A baseline of an archive too short for a validation block has no validation score.
        double validationMse = Double.NaN;
        if (!plan.validation().starts().isEmpty()) {
            try (WindowIterator validation = features.iterator(plan.validation(), spec.batchSize(), null)) {
                validationMse = Validation.mse(model, validation);
            }
        }
        ModelMetadata metadata = new ModelMetadata(region, spec.name(), spec, data.variable(), data.units(),
                data.standardName(), features.regionGrid().region(), features.regionGrid().grid(),
                features.channels(), plan.in(), plan.out(), plan.step().toSeconds(),
                plan.splits().stream().map(Training::period).toList(), plan.skipped(), plan.choice(), history, validationMse,
                trainedAt, fixedTime != null ? ModelRegistry.VERSION.format(fixedTime)
                        : registry.newVersion(region, spec.name(), trainedAt));
        registry.save(metadata, dir -> ModelVariants.save(model, dir));
        // Saved in the registry, the training's checkpoints have done their job.
        EpochLoop.delete(registry.trainingDir(region, spec.name()));
        log.info("train {}/{}: validation MSE {} (normalised units), saved as version {}", region, spec.name(),
                String.format("%.5f", validationMse), metadata.version());
        return metadata;
    }

    /**
     * What a checkpoint must have been written for to be resumed: the same configuration, window plan and
     * normalisation (so a changed catalog or configuration starts the training anew).
     */
    private static String dataKey(RegionFeatures features, ModelSpec spec, FrameCatalog.Description data) {
        try {
            return ModelRegistry.JSON.writeValueAsString(List.of(spec, data.variable(),
                    features.regionGrid().region(), features.channels(), features.plan()));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot describe the training data", e);
        }
    }

    private static ModelMetadata.Period period(WindowPlan.Split split) {
        return new ModelMetadata.Period(split.name(), split.first(), split.last(), split.starts().size());
    }
}
