/**
 * Forecast scores: {@code LeadScores} of a deterministic forecast, {@code EnsembleScores} and their per-threshold
 * {@code ProbabilityScores} of an ensemble, and the registry of metrics by name
 * ({@link io.gridcast.models.verification.Metrics}). Depends on no other models package.
 */
package io.gridcast.models.verification;
