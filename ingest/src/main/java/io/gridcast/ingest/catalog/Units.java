package io.gridcast.ingest.catalog;

import java.util.Objects;
import ucar.nc2.units.SimpleUnit;

/** Unit strings compared as UDUNITS units, so {@code mm h-1} and {@code mm/h} agree but {@code m} and {@code mm} do not. */
public final class Units {

    private Units() {
    }

    /**
     * True when both strings name the same unit (conversion factor 1). Strings UDUNITS cannot parse (KNMI's
     * {@code mm} parses; a free-text unit may not) must match exactly.
     */
    public static boolean same(String a, String b) {
        if (Objects.equals(a, b)) {
            return true;
        }
        if (a == null || b == null || a.isBlank() || b.isBlank()) {
            return false;
        }
        try {
            SimpleUnit ua = SimpleUnit.factoryWithExceptions(a);
            SimpleUnit ub = SimpleUnit.factoryWithExceptions(b);
            return ua != null && ub != null && !ua.isUnknownUnit() && !ub.isUnknownUnit()
                    && ua.isCompatible(b) && Math.abs(ua.convertTo(1.0, ub) - 1.0) < 1e-9;
        } catch (Exception e) {
            return false;
        }
    }

    /**
     * {@code value} in units {@code from} converted to units {@code to} (e.g. 1 mm/h to 0.001 m h-1, 0 degC to
     * 273.15 K); the same strings need no conversion.
     *
     * @throws IllegalArgumentException when UDUNITS cannot parse either string or the units are not convertible
     */
    public static double convert(double value, String from, String to) {
        if (Objects.equals(from, to)) {
            return value;
        }
        try {
            SimpleUnit source = SimpleUnit.factoryWithExceptions(from);
            SimpleUnit target = SimpleUnit.factoryWithExceptions(to);
            if (source != null && target != null && !source.isUnknownUnit() && !target.isUnknownUnit()
                    && source.isCompatible(to)) {
                return source.convertTo(value, target);
            }
        } catch (Exception e) {
            throw new IllegalArgumentException("'" + from + "' cannot be converted to '" + to + "': " + e.getMessage(), e);
        }
        throw new IllegalArgumentException("'" + from + "' cannot be converted to '" + to + "'");
    }
}
