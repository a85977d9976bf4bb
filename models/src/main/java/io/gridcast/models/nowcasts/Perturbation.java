package io.gridcast.models.nowcasts;

import java.io.Serializable;

/**
 * How the members of an ensemble differ from the deterministic forecast ({@link PerturbedEnsemble}).
 *
 * @param motion the standard deviation of each member's motion error, each component, in cells per time step
 * @param noise  the standard deviation added per time step to the natural log of each member's multiplicative noise,
 *               so at lead k it is {@code noise * sqrt(k)}
 * @param scale  the noise's correlation length: the standard deviation of the Gaussian that smooths white noise, in
 *               model cells (0: uncorrelated)
 */
public record Perturbation(double motion, double noise, double scale) implements Serializable {

    /**
     * Set before any verification, not tuned: a tenth to a third of a cell per step of motion error (a few km an
     * hour on radar grids), about 25% amount error per step, noise in patches a few cells wide.
     */
    public static final Perturbation DEFAULT = new Perturbation(0.3, 0.25, 2);

    public Perturbation {
        if (!(motion >= 0) || !(noise >= 0) || !(scale >= 0)) {
            throw new IllegalArgumentException("perturbation motion, noise and scale of 0 or more, got " + motion
                    + ", " + noise + ", " + scale);
        }
    }
}
