package io.gridcast.models.nowcasts;

import java.io.Serializable;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import java.util.List;
import java.util.Set;

/**
 * How Adam's learning rate changes from epoch to epoch. Each rate is a function of the epoch and of the
 * validation losses so far, so a run resumed from a checkpoint (which keeps the history) continues the schedule
 * exactly where the interrupted run left it.
 *
 * @param type     {@code constant}; {@code cosine}: from the base rate down to {@code minRate} over the epochs along
 *                 half a cosine; {@code plateau}: multiplied by {@code factor} after {@code patience} epochs without
 *                 a lower validation loss (Keras' ReduceLROnPlateau), never below {@code minRate}
 * @param factor   plateau only: the multiplier, in (0, 1)
 * @param patience plateau only: epochs without improvement before the rate is cut, >= 1
 * @param minRate  the lowest rate, >= 0
 */
// "constant" is derived from the type: not a field of its own in metadata.json.
@JsonIgnoreProperties({"constant"})
public record LearningRateSchedule(String type, double factor, int patience, double minRate) implements Serializable {

    public static final Set<String> TYPES = Set.of("constant", "cosine", "plateau");
    public static final LearningRateSchedule CONSTANT = new LearningRateSchedule("constant", 1, 1, 0);

    public LearningRateSchedule {
        if (!TYPES.contains(type)) {
            throw new IllegalArgumentException("unknown learning-rate schedule '" + type + "'; expected one of "
                    + TYPES.stream().sorted().toList());
        }
        if (type.equals("plateau") && (!(factor > 0 && factor < 1) || patience < 1)) {
            throw new IllegalArgumentException("the plateau schedule needs 0 < factor < 1 and patience >= 1, got factor "
                    + factor + ", patience " + patience);
        }
        if (!(minRate >= 0)) {
            throw new IllegalArgumentException("the learning-rate schedule's min_rate must be >= 0, got " + minRate);
        }
    }

    public boolean isConstant() {
        return type.equals("constant");
    }

    /**
     * The rate for 1-based {@code epoch} of {@code epochs}, after the epochs in {@code history} (their validation
     * losses drive {@code plateau}; NaN losses never count as an improvement).
     */
    public double rate(double base, int epoch, int epochs, List<EpochResult> history) {
        return switch (type) {
            case "cosine" -> epochs <= 1 ? base
                    : minRate + (base - minRate) * (1 + Math.cos(Math.PI * (epoch - 1) / (epochs - 1))) / 2;
            case "plateau" -> plateau(base, history);
            default -> base;
        };
    }

    private double plateau(double base, List<EpochResult> history) {
        double rate = base;
        double best = Double.POSITIVE_INFINITY;
        int waited = 0;
        for (EpochResult e : history) {
            if (e.validationLoss() < best) {
                best = e.validationLoss();
                waited = 0;
            } else if (++waited >= patience) {
                rate = Math.max(minRate, rate * factor);
                waited = 0;
            }
        }
        return rate;
    }
}
