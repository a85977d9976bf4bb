package ucar.nc2.grib.collection;

import io.gridcast.ingest.read.GribPngPacking;
import java.io.IOException;
import ucar.nc2.grib.GdsHorizCoordSys;
import ucar.nc2.grib.grib2.Grib2Index;
import ucar.unidata.io.RandomAccessFile;

/**
 * NetCDF-Java 4.5.5's GRIB2 provider with PNG packing (template 5.41) decoded by gridcast's
 * {@link GribPngPacking}; every other template, the grid, the times and the variables stay NetCDF-Java's own.
 * It sits in NetCDF-Java's package because the record it is handed ({@code GribIosp.DataRecord}) is package-private.
 */
public class Grib2PngIosp extends Grib2Iosp {

    @Override
    protected float[] readData(RandomAccessFile raf, DataRecord dr) throws IOException {
        if (GribPngPacking.template(raf, dr.dataPos) != GribPngPacking.TEMPLATE) {
            return super.readData(raf, dr);
        }
        int nx = dr.hcs.nxRaw;
        float[] values = new float[dr.hcs.gdsNumberPoints];
        readPng(raf, dr, (row, from, y) -> System.arraycopy(row, from, values, y * nx, nx));
        return values;
    }

    /**
     * Hands a PNG-packed record's values to {@code rows} as its PNG is decoded, never holding them whole; false,
     * reading nothing, for another template (NetCDF-Java decodes those into one array).
     */
    boolean readRows(RandomAccessFile raf, DataRecord dr, GribPngPacking.Rows rows) throws IOException {
        if (GribPngPacking.template(raf, dr.dataPos) != GribPngPacking.TEMPLATE) {
            return false;
        }
        readPng(raf, dr, rows);
        return true;
    }

    private static void readPng(RandomAccessFile raf, DataRecord dr, GribPngPacking.Rows rows) throws IOException {
        GdsHorizCoordSys hcs = dr.hcs;
        if (hcs.nptsInLine != null) {
            throw new IOException("PNG packing (template 5.41) on a quasi-regular grid is not supported");
        }
        int scanMode = dr.scanMode == Grib2Index.ScanModeMissing ? hcs.scanMode : dr.scanMode;
        GribPngPacking.decode(raf, dr.dataPos, dr.bmsPos, hcs.gdsNumberPoints, hcs.nxRaw, scanMode, rows);
    }
}
