package io.gridcast.ingest.statics;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * The regridding methods by name, as configured per static layer ({@code method: bilinear}):
 * <ul>
 * <li>{@code bilinear}: continuous fields from a source about as fine as the target or coarser;</li>
 * <li>{@code nearest}: categorical fields (a land-sea mask): the value of the source cell under the centre;</li>
 * <li>{@code area-mean}: continuous fields from a source much finer than the target: the mean of the source cells
 * whose centres fall within the target cell, so that point sampling does not alias the fine detail;</li>
 * <li>{@code majority}: categorical fields from a much finer source: the most frequent class in the target cell
 * (ties go to the smaller class value, so the result never depends on the order of cells).</li>
 * </ul>
 * Every method returns NaN outside the source's coverage. Where source cells are missing, a continuous method
 * uses the finite ones if they carry at least half the weight (so a coast keeps the land's values), else NaN.
 */
public final class Regridding {

    /** One target cell seen in the source grid: fractional indices of its centre and of its footprint's extent. */
    record Cell(double fy, double fx, double fyMin, double fyMax, double fxMin, double fxMax) {
    }

    /** Computes one target cell's value from the source; {@code inside} was checked for the centre already. */
    @FunctionalInterface
    interface Method {
        float sample(SourceLayer source, Cell cell);
    }

    private static final Map<String, Method> METHODS = new LinkedHashMap<>();
    private static final Set<String> CATEGORICAL = Set.of("nearest", "majority");

    static {
        METHODS.put("bilinear", Regridding::bilinear);
        METHODS.put("nearest", Regridding::nearest);
        METHODS.put("area-mean", Regridding::areaMean);
        METHODS.put("majority", Regridding::majority);
    }

    private Regridding() {
    }

    /** The method names, in a stable order. */
    public static Set<String> names() {
        return METHODS.keySet();
    }

    /** Whether a method keeps the source's values (so it suits a categorical field); only those may be used for one. */
    public static boolean keepsCategories(String name) {
        return CATEGORICAL.contains(name);
    }

    /** The method for a fresh choice: the finer-source variant where the source is at least twice as fine. */
    static String defaultMethod(boolean categorical, boolean sourceMuchFiner) {
        if (categorical) {
            return sourceMuchFiner ? "majority" : "nearest";
        }
        return sourceMuchFiner ? "area-mean" : "bilinear";
    }

    static Method method(String name) {
        Method m = METHODS.get(name);
        if (m == null) {
            throw new IllegalArgumentException("unknown regridding method '" + name + "'; expected one of " + names());
        }
        return m;
    }

    private static float bilinear(SourceLayer s, Cell c) {
        double fy = s.clampY(c.fy());
        double fx = s.clampX(c.fx());
        int j0 = (int) Math.floor(fy);
        int i0 = (int) Math.floor(fx);
        int j1 = Math.min(j0 + 1, s.ny() - 1);
        int i1 = s.wraps() ? i0 + 1 : Math.min(i0 + 1, s.nx() - 1);
        double wy = fy - j0;
        double wx = fx - i0;
        double sum = 0;
        double weight = 0;
        int[][] corners = {{j0, i0}, {j0, i1}, {j1, i0}, {j1, i1}};
        double[] weights = {(1 - wy) * (1 - wx), (1 - wy) * wx, wy * (1 - wx), wy * wx};
        for (int k = 0; k < 4; k++) {
            float v = s.value(corners[k][0], corners[k][1]);
            if (!Float.isNaN(v) && weights[k] > 0) {
                sum += weights[k] * v;
                weight += weights[k];
            }
        }
        return weight >= 0.5 ? (float) (sum / weight) : Float.NaN;
    }

    private static float nearest(SourceLayer s, Cell c) {
        return s.value((int) Math.rint(s.clampY(c.fy())), (int) Math.rint(s.clampX(c.fx())));
    }

    private static float areaMean(SourceLayer s, Cell c) {
        int[] jRange = range(c.fyMin(), c.fyMax(), s.ny(), false);
        int[] iRange = range(c.fxMin(), c.fxMax(), s.nx(), s.wraps());
        if (jRange == null || iRange == null) {
            // No source centre inside the footprint: the source is not finer here.
            return bilinear(s, c);
        }
        double sum = 0;
        int finite = 0;
        int cells = 0;
        for (int j = jRange[0]; j <= jRange[1]; j++) {
            for (int i = iRange[0]; i <= iRange[1]; i++) {
                float v = s.value(j, i);
                cells++;
                if (!Float.isNaN(v)) {
                    sum += v;
                    finite++;
                }
            }
        }
        return 2 * finite >= cells ? (float) (sum / finite) : Float.NaN;
    }

    private static float majority(SourceLayer s, Cell c) {
        int[] jRange = range(c.fyMin(), c.fyMax(), s.ny(), false);
        int[] iRange = range(c.fxMin(), c.fxMax(), s.nx(), s.wraps());
        if (jRange == null || iRange == null) {
            return nearest(s, c);
        }
        Map<Float, Integer> counts = new HashMap<>();
        for (int j = jRange[0]; j <= jRange[1]; j++) {
            for (int i = iRange[0]; i <= iRange[1]; i++) {
                float v = s.value(j, i);
                if (!Float.isNaN(v)) {
                    counts.merge(v, 1, Integer::sum);
                }
            }
        }
        float best = Float.NaN;
        int bestCount = 0;
        for (Map.Entry<Float, Integer> e : counts.entrySet()) {
            if (e.getValue() > bestCount || (e.getValue() == bestCount && e.getKey() < best)) {
                best = e.getKey();
                bestCount = e.getValue();
            }
        }
        return best;
    }

    /** Indices of the source centres within {@code [lo, hi)}, cut to the grid unless it wraps; null if none. */
    private static int[] range(double lo, double hi, int n, boolean wraps) {
        int first = (int) Math.ceil(lo);
        int last = (int) Math.ceil(hi) - 1;
        if (!wraps) {
            first = Math.max(first, 0);
            last = Math.min(last, n - 1);
        }
        return first <= last ? new int[] {first, last} : null;
    }
}
