package io.gridcast.ingest.statics;

import java.nio.file.Path;

/**
 * One configured static layer: read from a file, or derived from another layer of the same list.
 *
 * @param name        the layer's name, unique in its list ({@code elevation}, {@code land_sea}, ...); for a derived
 *                    layer, the derivation ({@code slope}, {@code aspect}; see {@link DerivedLayers})
 * @param file        the NetCDF file holding it (null for a derived layer)
 * @param variable    the variable in {@code file}
 * @param method      a {@link Regridding} method name, or null to choose by {@code categorical} and resolution
 * @param categorical true for classes (a land-sea mask): only {@code nearest} or {@code majority} then
 * @param fillMissing a value for the source's missing cells (e.g. 0 m for GTOPO30's sea), or null to keep them missing
 * @param units       the units when the file states none (GTOPO30's {@code z}); must agree when it does
 * @param derivedFrom for a derived layer, the name of the layer it is computed from (null otherwise)
 */
public record StaticLayerSpec(String name, Path file, String variable, String method, boolean categorical,
                              Double fillMissing, String units, String derivedFrom) {

    public boolean derived() {
        return derivedFrom != null;
    }

    /** A continuous layer from a file, regridded by the default method. */
    public static StaticLayerSpec continuous(String name, Path file, String variable) {
        return new StaticLayerSpec(name, file, variable, null, false, null, null, null);
    }

    /** A categorical layer from a file, regridded by the default method. */
    public static StaticLayerSpec categorical(String name, Path file, String variable) {
        return new StaticLayerSpec(name, file, variable, null, true, null, null, null);
    }

    /** A layer derived ({@code slope}, {@code aspect}) from the layer named {@code from}. */
    public static StaticLayerSpec derived(String derivation, String from) {
        return new StaticLayerSpec(derivation, null, null, null, false, null, null, from);
    }

    public StaticLayerSpec withMethod(String m) {
        return new StaticLayerSpec(name, file, variable, m, categorical, fillMissing, units, derivedFrom);
    }

    public StaticLayerSpec withFillMissing(Double fill) {
        return new StaticLayerSpec(name, file, variable, method, categorical, fill, units, derivedFrom);
    }

    public StaticLayerSpec withUnits(String u) {
        return new StaticLayerSpec(name, file, variable, method, categorical, fillMissing, u, derivedFrom);
    }
}
