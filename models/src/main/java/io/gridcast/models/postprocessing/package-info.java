/**
 * What is done to a variant's every forecast, by name ({@link io.gridcast.models.postprocessing.PostProcessing}):
 * probability matching. Depends only on the root package's {@code Nowcaster}.
 */
package io.gridcast.models.postprocessing;
