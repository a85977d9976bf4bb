/**
 * Building blocks of the neural networks: oneDNN's gate convolution of the ConvLSTM
 * ({@link io.gridcast.models.networks.OneDnnGateConvolution}). Depends on no other models package.
 */
package io.gridcast.models.networks;
