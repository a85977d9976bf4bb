/**
 * Training a variant ({@link io.gridcast.models.training.Training}): the epoch loop with early stopping, the best
 * epoch's weights and checkpoints, and the validation loss every model is compared by. Depends on the root package,
 * {@code nowcasts} and {@code registry}.
 */
package io.gridcast.models.training;
