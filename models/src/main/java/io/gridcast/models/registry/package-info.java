/**
 * Trained variants on disk, every training a version with its metadata
 * ({@link io.gridcast.models.registry.ModelRegistry}). Depends on the root package, {@code nowcasts} and
 * {@code postprocessing}.
 */
package io.gridcast.models.registry;
