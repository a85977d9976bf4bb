package io.gridcast.models;

import io.gridcast.features.RegionFeatures;
import io.gridcast.features.WindowIterator;
import io.gridcast.features.WindowPlan;
import io.gridcast.ingest.catalog.FrameCatalog;
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
        String region = features.regionGrid().region().name();
        WindowPlan plan = features.plan();
        Nowcaster model;
        List<EpochResult> history;
        if (ModelVariants.isTrainable(spec.type())) {
            TrainableNowcaster trainable = ModelVariants.create(spec, features.shape());
            try (WindowIterator train = features.iterator(plan.train(), spec.batchSize(), spec.seed());
                 WindowIterator validation = features.iterator(plan.validation(), spec.batchSize(), null)) {
                history = trainable.fit(train, validation, spec.epochs(),
                        epoch -> log.info("train {}/{}: epoch {}/{} train loss {} validation loss {} ({} s)", region,
                                spec.name(), epoch.epoch(), spec.epochs(), String.format("%.5f", epoch.trainLoss()),
                                String.format("%.5f", epoch.validationLoss()), String.format("%.1f", epoch.seconds())))
                        .epochs();
                if (train.missingCells() > 0) {
                    log.warn("train {}/{}: {} missing cell values of training windows (counted over {} epochs) were"
                            + " set to 0 in model units", region, spec.name(), train.missingCells(), spec.epochs());
                }
            }
            model = trainable;
        } else {
            model = ModelVariants.baseline(spec.type(), features.shape());
            history = List.of();
        }
        double validationMse;
        try (WindowIterator validation = features.iterator(plan.validation(), spec.batchSize(), null)) {
            validationMse = Validation.mse(model, validation);
        }
        ModelMetadata metadata = new ModelMetadata(region, spec.name(), spec, data.variable(), data.units(),
                data.standardName(), features.regionGrid().region(), features.regionGrid().grid(),
                features.channels(), plan.in(), plan.out(), plan.step().toSeconds(),
                plan.splits().stream().map(Training::period).toList(), history, validationMse,
                Instant.now().truncatedTo(ChronoUnit.SECONDS));
        registry.save(metadata, dir -> {
            if (model instanceof TrainableNowcaster trainable) {
                trainable.save(dir);
            }
        });
        log.info("train {}/{}: validation MSE {} (normalised units), saved", region, spec.name(),
                String.format("%.5f", validationMse));
        return metadata;
    }

    private static ModelMetadata.Period period(WindowPlan.Split split) {
        return new ModelMetadata.Period(split.name(), split.first(), split.last(), split.starts().size());
    }
}
