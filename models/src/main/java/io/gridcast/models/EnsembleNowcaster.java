package io.gridcast.models;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A nowcaster that also forecasts an ensemble: {@link #members()} equally likely forecasts of the same window, made
 * a few at a time so that a writer or scorer never needs all of them at once. {@link #predict} is the unperturbed
 * control forecast.
 */
public interface EnsembleNowcaster extends Nowcaster {

    /** The ensemble's size, 2 or more. */
    int members();

    /**
     * The ensemble of {@code inputs} ({@code [batch, in, channels, height, width]}, as for {@link #predict}), its
     * members made when asked: what they share (advection's motion field) is computed once per call of this.
     */
    Members of(INDArray inputs);

    /** One batch of windows' members. */
    interface Members {

        /**
         * Member {@code member} (0 .. members - 1): the same member for the same configured seed, whichever other
         * members are made or in which order.
         *
         * @return {@code [batch, out, height, width]}
         */
        INDArray member(int member);
    }
}
