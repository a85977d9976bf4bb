package io.gridcast.models.nowcasts;

import java.io.Serializable;
import java.util.List;

/**
 * How the members of an ensemble differ from the deterministic forecast ({@link PerturbedEnsemble}).
 *
 * @param motion    the standard deviation of each member's motion error, each component, in cells per time step
 * @param noise     the standard deviation added per time step to the natural log of each member's multiplicative
 *                  noise, so at lead k it is {@code noise * sqrt(k)}
 * @param scale     the noise's correlation length: the standard deviation of the Gaussian that smooths white noise,
 *                  in model cells (0: uncorrelated)
 * @param inflow    what an advection member carries into cells whose rain comes from outside the region:
 *                  {@link #DRY} (nothing, as the deterministic forecast) or {@link #RECENT} (rain drawn per member
 *                  from the last frame's distribution); other models forecast their own inflow
 * @param newRain   the share of cells per time step in which a member's rain may appear where the forecast has
 *                  less (0: rain appears only where the motion error moves it)
 * @param rainScale the correlation length of the rain a member draws for inflow and new rain, in model cells
 */
public record Perturbation(double motion, double noise, double scale, String inflow, double newRain,
                           double rainScale) implements Serializable {

    public static final String DRY = "dry";
    public static final String RECENT = "recent";

    /**
     * Motion error, noise and its scale were set before any verification. Members draw no rain of their own unless
     * asked: on the BOM day it raised the advection ensemble's CRPS by 1–8% and widened its spread beyond the ensemble
     * mean's error (README, "Ensembles on the BOM day"); the synthetic demo asks for it.
     */
    public static final Perturbation DEFAULT = new Perturbation(0.3, 0.25, 2, DRY, 0, 3);

    public Perturbation {
        if (!(motion >= 0) || !(noise >= 0) || !(scale >= 0) || !(rainScale >= 0)) {
            throw new IllegalArgumentException("perturbation motion, noise, scale and rain_scale of 0 or more, got "
                    + motion + ", " + noise + ", " + scale + ", " + rainScale);
        }
        if (!List.of(DRY, RECENT).contains(inflow)) {
            throw new IllegalArgumentException("perturbation inflow '" + DRY + "' or '" + RECENT + "', got '"
                    + inflow + "'");
        }
        if (!(newRain >= 0 && newRain <= 1)) {
            throw new IllegalArgumentException("perturbation new_rain, a share of cells per time step, from 0 to 1,"
                    + " got " + newRain);
        }
    }

    /** The motion error and noise alone: dry inflow and no new rain, as before rain could be drawn. */
    public Perturbation(double motion, double noise, double scale) {
        this(motion, noise, scale, DRY, 0, DEFAULT.rainScale);
    }

    /** Whether a member draws rain of its own (inflow or new rain) from the last frame's distribution. */
    boolean drawsRain() {
        return RECENT.equals(inflow) || newRain > 0;
    }
}
