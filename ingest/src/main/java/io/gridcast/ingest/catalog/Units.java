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
     * The factor that turns a value in {@code from} units into {@code to} units, or an error saying why it cannot:
     * the units are missing, UDUNITS cannot parse them, or they measure different quantities.
     */
    public static double factor(String from, String to) {
        if (from == null || from.isBlank()) {
            throw new IllegalArgumentException("no units stated; expected units convertible to '" + to + "'");
        }
        try {
            SimpleUnit source = SimpleUnit.factoryWithExceptions(from);
            if (source != null && !source.isUnknownUnit() && source.isCompatible(to)) {
                return source.convertTo(1.0, SimpleUnit.factoryWithExceptions(to));
            }
        } catch (Exception e) {
            // Unparseable units fall through to the error below.
        }
        throw new IllegalArgumentException("units '" + from + "' are not convertible to '" + to + "'");
    }
}
