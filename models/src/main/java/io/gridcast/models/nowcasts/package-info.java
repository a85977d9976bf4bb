/**
 * The nowcasting methods and their registry ({@link io.gridcast.models.nowcasts.ModelVariants}): ConvLSTM, CNN-LSTM,
 * persistence and advection; a variant as configured ({@code ModelSpec}) with its loss and learning-rate schedule.
 * Depends on the root package, {@code motion}, {@code networks} and {@code postprocessing}.
 */
package io.gridcast.models.nowcasts;
