package io.gridcast.models;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A nowcaster that also forecasts an ensemble: {@link #members()} equally likely forecasts of the same window, made
 * one at a time so that a writer or scorer never needs all of them at once. {@link #predict} is the unperturbed
 * control forecast.
 */
public interface EnsembleNowcaster extends Nowcaster {

    /** The ensemble's size, 2 or more. */
    int members();

    /**
     * Member {@code member} (0 .. members - 1) for {@code inputs}: the same member for the same configured seed,
     * whichever other members are made or in which order.
     *
     * @param inputs {@code [batch, in, channels, height, width]}, as for {@link #predict}
     * @return {@code [batch, out, height, width]}
     */
    INDArray predictMember(INDArray inputs, int member);
}
