package io.gridcast.ingest.statics;

import io.gridcast.ingest.grid.Geolocation;

/**
 * Where a latitude/longitude lies in a curvilinear grid, as fractional row and column indices: the nearest cell
 * centre from a k-d tree of the centres as points on the unit sphere (so neither the antimeridian nor a pole
 * breaks it), then the position within one of the four quads of centres around it by inverting the quad's
 * bilinear map in a plane tangent at the point. Bilinear sampling of a layer then works as on any other grid.
 */
final class CurvilinearSearch {

    private final int ny;
    private final int nx;
    private final double[] lat;
    private final double[] lon;
    /** Unit vectors of the centres, {@code [x0, y0, z0, x1, ...]}. */
    private final double[] points;
    /** Cell indices arranged as an implicit k-d tree: the median of each range splits it, on axis depth % 3. */
    private final int[] tree;

    CurvilinearSearch(Geolocation geolocation, int ny, int nx) {
        this.ny = ny;
        this.nx = nx;
        this.lat = geolocation.lat();
        this.lon = geolocation.lon();
        this.points = new double[3 * lat.length];
        this.tree = new int[lat.length];
        for (int k = 0; k < lat.length; k++) {
            double[] p = unit(lat[k], lon[k]);
            System.arraycopy(p, 0, points, 3 * k, 3);
            tree[k] = k;
        }
        build(0, tree.length, 0);
    }

    /** {@code [fy, fx]} of the point, extrapolated beyond the outer centres; NaN when no quad maps onto it. */
    double[] position(double latitude, double longitude) {
        int nearest = nearest(unit(latitude, longitude));
        int j = nearest / nx;
        int i = nearest % nx;
        double[] best = null;
        double bestOutside = Double.POSITIVE_INFINITY;
        for (int j0 = Math.max(0, j - 1); j0 <= Math.min(ny - 2, j); j0++) {
            for (int i0 = Math.max(0, i - 1); i0 <= Math.min(nx - 2, i); i0++) {
                double[] uv = invert(j0, i0, latitude, longitude);
                if (uv == null) {
                    continue;
                }
                double outside = Math.max(Math.max(-uv[0], uv[0] - 1), Math.max(-uv[1], uv[1] - 1));
                if (outside < bestOutside) {
                    bestOutside = outside;
                    best = new double[] {j0 + uv[1], i0 + uv[0]};
                }
            }
        }
        return best == null ? new double[] {Double.NaN, Double.NaN} : best;
    }

    /**
     * {@code [u, v]} (along columns, rows) with the bilinear interpolation of quad (j0, i0)'s corners equal to
     * the point, by Newton's method in local east/north degrees; null when it does not converge.
     */
    private double[] invert(int j0, int i0, double latitude, double longitude) {
        double cos = Math.cos(Math.toRadians(latitude));
        double[] e = new double[4];
        double[] n = new double[4];
        int[] corners = {j0 * nx + i0, j0 * nx + i0 + 1, (j0 + 1) * nx + i0, (j0 + 1) * nx + i0 + 1};
        for (int c = 0; c < 4; c++) {
            double dLon = lon[corners[c]] - longitude;
            e[c] = (dLon - 360 * Math.rint(dLon / 360)) * cos;
            n[c] = lat[corners[c]] - latitude;
        }
        double u = 0.5;
        double v = 0.5;
        for (int iteration = 0; iteration < 30; iteration++) {
            double fe = (1 - u) * (1 - v) * e[0] + u * (1 - v) * e[1] + (1 - u) * v * e[2] + u * v * e[3];
            double fn = (1 - u) * (1 - v) * n[0] + u * (1 - v) * n[1] + (1 - u) * v * n[2] + u * v * n[3];
            double eu = (1 - v) * (e[1] - e[0]) + v * (e[3] - e[2]);
            double ev = (1 - u) * (e[2] - e[0]) + u * (e[3] - e[1]);
            double nu = (1 - v) * (n[1] - n[0]) + v * (n[3] - n[2]);
            double nv = (1 - u) * (n[2] - n[0]) + u * (n[3] - n[1]);
            double det = eu * nv - ev * nu;
            if (det == 0 || !Double.isFinite(det)) {
                return null;
            }
            double du = (fe * nv - fn * ev) / det;
            double dv = (fn * eu - fe * nu) / det;
            u -= du;
            v -= dv;
            if (Math.abs(du) + Math.abs(dv) < 1e-10) {
                return new double[] {u, v};
            }
        }
        return null;
    }

    private int nearest(double[] q) {
        int[] best = {-1};
        double[] bestDistance = {Double.POSITIVE_INFINITY};
        search(0, tree.length, 0, q, best, bestDistance);
        return best[0];
    }

    private void search(int from, int to, int depth, double[] q, int[] best, double[] bestDistance) {
        if (from >= to) {
            return;
        }
        int mid = (from + to) >>> 1;
        int k = tree[mid];
        double dx = points[3 * k] - q[0];
        double dy = points[3 * k + 1] - q[1];
        double dz = points[3 * k + 2] - q[2];
        double d = dx * dx + dy * dy + dz * dz;
        if (d < bestDistance[0]) {
            bestDistance[0] = d;
            best[0] = k;
        }
        int axis = depth % 3;
        double delta = q[axis] - points[3 * k + axis];
        boolean left = delta < 0;
        search(left ? from : mid + 1, left ? mid : to, depth + 1, q, best, bestDistance);
        if (delta * delta < bestDistance[0]) {
            search(left ? mid + 1 : from, left ? to : mid, depth + 1, q, best, bestDistance);
        }
    }

    /** Arranges {@code tree[from, to)} so that its median on the depth's axis sits in the middle, recursively. */
    private void build(int from, int to, int depth) {
        if (to - from < 2) {
            return;
        }
        int mid = (from + to) >>> 1;
        select(from, to - 1, mid, depth % 3);
        build(from, mid, depth + 1);
        build(mid + 1, to, depth + 1);
    }

    /** Quickselect: the element of rank {@code rank} on {@code axis} at its place, smaller ones before it. */
    private void select(int lo, int hi, int rank, int axis) {
        while (lo < hi) {
            double pivot = points[3 * tree[(lo + hi) >>> 1] + axis];
            int a = lo;
            int b = hi;
            while (a <= b) {
                while (points[3 * tree[a] + axis] < pivot) {
                    a++;
                }
                while (points[3 * tree[b] + axis] > pivot) {
                    b--;
                }
                if (a <= b) {
                    int t = tree[a];
                    tree[a++] = tree[b];
                    tree[b--] = t;
                }
            }
            if (rank <= b) {
                hi = b;
            } else if (rank >= a) {
                lo = a;
            } else {
                return;
            }
        }
    }

    private static double[] unit(double latitude, double longitude) {
        double phi = Math.toRadians(latitude);
        double lambda = Math.toRadians(longitude);
        return new double[] {Math.cos(phi) * Math.cos(lambda), Math.cos(phi) * Math.sin(lambda), Math.sin(phi)};
    }
}
