package io.gridcast.features;

/**
 * A static layer (terrain, land cover) on the data grid, used as an input channel. Continuous layers are
 * block-averaged to each region's cells and standardised over the region; categorical ones take the most
 * common class of each block and are passed as they are.
 */
public record StaticChannel(String name, float[] dataGridValues, boolean categorical) {

    /** The layer on the region's cells: block-averaged, or the most common class of each block if categorical. */
    public float[] on(RegionGrid regionGrid) {
        if (dataGridValues.length != regionGrid.sourceGrid().ny() * regionGrid.sourceGrid().nx()) {
            throw new IllegalArgumentException("static layer '" + name + "' holds " + dataGridValues.length
                    + " values, the data grid " + regionGrid.sourceGrid().ny() + " x " + regionGrid.sourceGrid().nx());
        }
        return categorical ? regionGrid.extractMode(dataGridValues) : regionGrid.extract(dataGridValues);
    }
}
