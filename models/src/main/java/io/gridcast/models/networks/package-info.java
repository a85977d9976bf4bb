/**
 * Neural network building blocks, as DL4J layers: the ConvLSTM ({@link io.gridcast.models.networks.ConvLstm}, for any
 * DL4J network), the encoder–forecaster of the {@code convlstm} variant
 * ({@link io.gridcast.models.networks.ConvLstmEncoderForecaster}) and its 1x1 output layer
 * ({@link io.gridcast.models.networks.ConvLstmHead}), the cell they run and oneDNN's gate convolution
 * ({@link io.gridcast.models.networks.OneDnnGateConvolution}), and the CNN-LSTM's convolution and LSTM layers
 * ({@link io.gridcast.models.networks.NativeConvolutionLayer}, {@link io.gridcast.models.networks.FusedLstm}) with
 * the preprocessors that run an LSTM on every cell of a grid
 * ({@link io.gridcast.models.networks.CnnToCellSequencesPreProcessor},
 * {@link io.gridcast.models.networks.CellsToCnnPreProcessor}).
 * Depends on no other models package.
 */
package io.gridcast.models.networks;
