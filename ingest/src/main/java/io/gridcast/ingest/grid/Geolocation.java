package io.gridcast.ingest.grid;

import java.io.Serializable;
import java.util.Arrays;

/**
 * Latitude and longitude of every cell centre of a curvilinear grid, row-major like its values: a grid placed on
 * the Earth only by 2-D auxiliary coordinates (CF 5.2, e.g. {@code lat(y, x)}, {@code lon(y, x)}), with no
 * projection that NetCDF-Java could invert.
 *
 * @param lat degrees north
 * @param lon degrees east, in the file's convention (-180..180 or 0..360)
 */
public record Geolocation(double[] lat, double[] lon) implements Serializable {

    public Geolocation {
        if (lat.length != lon.length) {
            throw new IllegalArgumentException("latitude has " + lat.length + " values, longitude " + lon.length
                    + "; expected one of each per cell");
        }
        for (int k = 0; k < lat.length; k++) {
            if (!(Math.abs(lat[k]) <= 90) || !Double.isFinite(lon[k])) {
                throw new IllegalArgumentException("cell " + k + " is at latitude " + lat[k] + ", longitude " + lon[k]
                        + "; expected finite values, latitudes within [-90, 90]");
            }
        }
    }

    /** The cells of {@code block} of a grid {@code nx} cells wide, each block of factor x factor cells averaged. */
    public Geolocation coarsen(int nx, CellBlock block, int factor) {
        int outNy = block.ny() / factor;
        int outNx = block.nx() / factor;
        double[] outLat = new double[outNy * outNx];
        double[] outLon = new double[outNy * outNx];
        for (int j = 0; j < outNy; j++) {
            for (int i = 0; i < outNx; i++) {
                double first = lon[(block.y0() + j * factor) * nx + block.x0() + i * factor];
                double sumLat = 0;
                double sumLon = 0;
                for (int dj = 0; dj < factor; dj++) {
                    for (int di = 0; di < factor; di++) {
                        int k = (block.y0() + j * factor + dj) * nx + block.x0() + i * factor + di;
                        sumLat += lat[k];
                        // Averaged on the block's first cell's side of the antimeridian.
                        sumLon += lon[k] + 360 * Math.rint((first - lon[k]) / 360);
                    }
                }
                outLat[j * outNx + i] = sumLat / (factor * factor);
                outLon[j * outNx + i] = sumLon / (factor * factor);
            }
        }
        return new Geolocation(outLat, outLon);
    }

    @Override
    public boolean equals(Object o) {
        return o instanceof Geolocation g && Arrays.equals(lat, g.lat) && Arrays.equals(lon, g.lon);
    }

    @Override
    public int hashCode() {
        return 31 * Arrays.hashCode(lat) + Arrays.hashCode(lon);
    }

    @Override
    public String toString() {
        return "Geolocation[" + lat.length + " cells]";
    }
}
