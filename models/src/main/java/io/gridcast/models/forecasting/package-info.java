/**
 * A trained variant run on data: the forecast file of the newest frames
 * ({@link io.gridcast.models.forecasting.Forecasting}) and the verification of held-out windows
 * ({@link io.gridcast.models.forecasting.Evaluation}). Depends on the root package, {@code nowcasts},
 * {@code registry} and {@code verification}.
 */
package io.gridcast.models.forecasting;
