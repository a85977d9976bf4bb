/**
 * What every part of the models speaks: a {@link io.gridcast.models.Nowcaster} (a window of frames in, the forecast
 * leads out) and a {@link io.gridcast.models.TrainableNowcaster}. Depends on none of its subpackages, which all may
 * depend on it; the subpackages depend one way (DEVELOPERS.md, Layout; {@code PackageDependenciesTest}).
 */
package io.gridcast.models;
