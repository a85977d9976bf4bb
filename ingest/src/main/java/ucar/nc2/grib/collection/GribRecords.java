package ucar.nc2.grib.collection;

import io.gridcast.ingest.read.GribPngPacking;
import java.io.IOException;
import java.util.Arrays;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;
import ucar.nc2.grib.GdsHorizCoordSys;
import ucar.unidata.io.RandomAccessFile;

/**
 * One GRIB record's values as the array NetCDF-Java's provider decodes them, or a grid row at a time. NetCDF-Java's
 * own read of a variable decodes each record into an array and then copies it into the result, so a frame is held
 * twice (196 MB for an MRMS frame); this finds the record through NetCDF-Java's index and returns the decoded array
 * itself, or hands a PNG-packed record's rows on as they are decoded. It sits in NetCDF-Java's package for the
 * package-private record ({@code GribIosp.DataRecord}) and the provider's decoding.
 */
public final class GribRecords {

    private GribRecords() {
    }

    /**
     * The values of record {@code index} of {@code variable} (its index over the dimensions before y and x, as in
     * NetCDF-Java's own read), {@code ny * nx} row-major as NetCDF-Java's read returns them: NaN where missing,
     * and all NaN when the file has no record there.
     */
    public static float[] read(NetcdfFile nc, Variable variable, int index) throws IOException {
        Located r = Located.find(nc, variable, index);
        if (r.data == null) {
            return missing(r.cells());
        }
        RandomAccessFile raf = r.open();
        try {
            return r.checked(r.iosp.readData(raf, r.data));
        } finally {
            raf.close();
        }
    }

    /**
     * The values of {@link #read(NetcdfFile, Variable, int)} handed to {@code rows} a grid row at a time, rows in
     * order; a PNG-packed record's are decoded as its PNG is read and never held whole, another template's come
     * from the array NetCDF-Java decodes.
     */
    public static void read(NetcdfFile nc, Variable variable, int index, GribPngPacking.Rows rows) throws IOException {
        Located r = Located.find(nc, variable, index);
        int nx = r.hcs.nx;
        if (r.data == null) {
            float[] row = missing(nx);
            for (int y = 0; y < r.hcs.ny; y++) {
                rows.row(row, 0, y);
            }
            return;
        }
        if (r.hcs.gdsNumberPoints != r.cells()) {
            throw r.sizeError(r.hcs.gdsNumberPoints);
        }
        RandomAccessFile raf = r.open();
        try {
            if (r.iosp instanceof Grib2PngIosp png && png.readRows(raf, r.data, rows)) {
                return;
            }
            float[] values = r.checked(r.iosp.readData(raf, r.data));
            for (int y = 0; y < r.hcs.ny; y++) {
                rows.row(values, y * nx, y);
            }
        } finally {
            raf.close();
        }
    }

    private static float[] missing(int count) {
        float[] values = new float[count];
        Arrays.fill(values, Float.NaN);
        return values;
    }

    /** A variable's record found through NetCDF-Java's index; {@code data} is null where the file has none. */
    private record Located(GribIosp iosp, GdsHorizCoordSys hcs, GribIosp.DataRecord data, int fileno, String what) {

        static Located find(NetcdfFile nc, Variable variable, int index) throws IOException {
            if (!(nc.getIosp() instanceof GribIosp iosp)
                    || !(variable.getSPobject() instanceof GribCollection.VariableIndex vindex)) {
                throw new IllegalArgumentException("'" + variable.getFullName() + "' is not a variable of a GRIB file");
            }
            if (iosp.isPartitioned) {
                throw new IOException("'" + variable.getFullName() + "' is in a partitioned GRIB collection; expected "
                        + "one file");
            }
            GdsHorizCoordSys hcs = vindex.group.getGdsHorizCoordSys();
            vindex.readRecords();
            GribCollection.Record record = vindex.getSparseArray().getContent(index);
            String what = "record " + index + " of '" + variable.getFullName() + "'";
            if (record == null) {
                return new Located(iosp, hcs, null, 0, what);
            }
            return new Located(iosp, hcs, new GribIosp.DataRecord(0, record.fileno, record.pos, record.bmsPos,
                    record.scanMode, hcs), record.fileno, what);
        }

        int cells() {
            return hcs.ny * hcs.nx;
        }

        RandomAccessFile open() throws IOException {
            return iosp.gribCollection.getDataRaf(fileno);
        }

        float[] checked(float[] values) throws IOException {
            if (values.length != cells()) {
                throw sizeError(values.length);
            }
            return values;
        }

        IOException sizeError(int count) {
            return new IOException(what + " decodes to " + count + " values; expected " + hcs.ny + " x " + hcs.nx
                    + " = " + cells());
        }
    }
}
