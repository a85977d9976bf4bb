package io.gridcast.features;

/**
 * A static layer (terrain, land cover) on the data grid, used as an input channel. Continuous layers are
 * block-averaged to each region's cells and standardised over the region; categorical ones take the most
 * common class of each block and are passed as they are.
 */
public record StaticChannel(String name, float[] dataGridValues, boolean categorical) {
}
