package io.gridcast.models;

import org.nd4j.linalg.api.ndarray.INDArray;

/**
 * A nowcasting model: maps a window of input frames {@code [batch, in, channels, height, width]} to the forecast
 * variable at each lead time {@code [batch, out, height, width]}, all in normalised units.
 */
public interface Nowcaster {

    /** The method's key in the registry of variants ({@code nowcasts.ModelVariants}), e.g. {@code convlstm}. */
    String type();

    /**
     * @param inputs {@code [batch, in, channels, height, width]}; channel 0 is the forecast variable
     * @return {@code [batch, out, height, width]}
     */
    INDArray predict(INDArray inputs);
}
