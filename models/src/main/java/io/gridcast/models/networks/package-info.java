/**
 * Building blocks of the neural networks: oneDNN's gate convolution of the ConvLSTM
 * ({@link io.gridcast.models.networks.OneDnnGateConvolution}) and the CNN-LSTM's convolution layer
 * ({@link io.gridcast.models.networks.NativeConvolutionLayer}). Depends on no other models package.
 */
package io.gridcast.models.networks;
