/**
 * Neural network building blocks: the ConvLSTM as a DL4J layer ({@link io.gridcast.models.networks.ConvLstm}, for
 * any DL4J network), the {@code convlstm} variant's encoder–forecaster
 * ({@link io.gridcast.models.networks.ConvLstmNetwork}), the cell both run and oneDNN's gate convolution
 * ({@link io.gridcast.models.networks.OneDnnGateConvolution}), and the CNN-LSTM's convolution and LSTM layers
 * ({@link io.gridcast.models.networks.NativeConvolutionLayer}, {@link io.gridcast.models.networks.FusedLstm}).
 * Depends on no other models package.
 */
package io.gridcast.models.networks;
