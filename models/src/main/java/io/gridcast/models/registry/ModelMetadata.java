package io.gridcast.models.registry;

import io.gridcast.features.ChannelTransform;
import io.gridcast.features.FeatureChannel;
import io.gridcast.features.Region;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.models.nowcasts.EpochResult;
import io.gridcast.models.nowcasts.ModelSpec;
import java.time.Instant;
import java.util.List;
import java.util.Map;

/**
 * What a later forecast or report needs to know of a trained model variant, saved beside it as
 * {@code metadata.json}: its configuration, the data it saw (variable, region grid, window, split periods, the
 * windows skipped by reason: {@link io.gridcast.features.WindowPlan}'s gap, missing channel, ...),
 * how the split periods were chosen ({@link io.gridcast.features.WindowPlan#choice()}), the input channels in order with their fitted transforms (channel 0 the target, whose transform also turns
 * forecasts back into physical units), how training went, and its version in the {@link ModelRegistry}.
 */
public record ModelMetadata(String region, String variant, ModelSpec spec, String variable, String units,
                            String standardName, Region regionBox, Grid grid, List<FeatureChannel> channels, int in,
                            int out, long stepSeconds, List<Period> periods, Map<String, Integer> skippedWindows,
                            String splitChoice,
                            List<EpochResult> history,
                            double validationMse, Instant trainedAt, String version) {

    /** The target channel's transform: model units to physical units. */
    public ChannelTransform target() {
        return channels.get(0).transform();
    }

    /** One split's time block and its number of windows. */
    public record Period(String split, Instant first, Instant last, int windows) {
    }
}
