package ucar.nc2.grib.collection;

import java.io.IOException;
import java.util.Arrays;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;
import ucar.nc2.grib.GdsHorizCoordSys;
import ucar.unidata.io.RandomAccessFile;

/**
 * One GRIB record's values as the array NetCDF-Java's provider decodes them. NetCDF-Java's own read of a variable
 * decodes each record into an array and then copies it into the result, so a frame is held twice (196 MB for an
 * MRMS frame); this finds the record through NetCDF-Java's index and returns the decoded array itself. It sits in
 * NetCDF-Java's package for the package-private record ({@code GribIosp.DataRecord}) and the provider's decoding.
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
        if (!(nc.getIosp() instanceof GribIosp iosp) || !(variable.getSPobject() instanceof GribCollection.VariableIndex vindex)) {
            throw new IllegalArgumentException("'" + variable.getFullName() + "' is not a variable of a GRIB file");
        }
        if (iosp.isPartitioned) {
            throw new IOException("'" + variable.getFullName() + "' is in a partitioned GRIB collection; expected one file");
        }
        GdsHorizCoordSys hcs = vindex.group.getGdsHorizCoordSys();
        int cells = hcs.ny * hcs.nx;
        vindex.readRecords();
        GribCollection.Record record = vindex.getSparseArray().getContent(index);
        if (record == null) {
            float[] missing = new float[cells];
            Arrays.fill(missing, Float.NaN);
            return missing;
        }
        GribIosp.DataRecord dr = new GribIosp.DataRecord(0, record.fileno, record.pos, record.bmsPos,
                record.scanMode, hcs);
        RandomAccessFile raf = iosp.gribCollection.getDataRaf(record.fileno);
        float[] values;
        try {
            values = iosp.readData(raf, dr);
        } finally {
            raf.close();
        }
        if (values.length != cells) {
            throw new IOException("record " + index + " of '" + variable.getFullName() + "' decodes to "
                    + values.length + " values; expected " + hcs.ny + " x " + hcs.nx + " = " + cells);
        }
        return values;
    }
}
