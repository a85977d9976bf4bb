package ucar.nc2.iosp.hdf5;

import java.io.IOException;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import ucar.ma2.Section;
import ucar.nc2.Variable;

/**
 * Where a chunked 2-D HDF5 dataset's chunks lie in the file, as NetCDF-Java's HDF5 provider found them. NetCDF-Java's
 * own read of such a variable inflates each chunk into a new, growing byte stream, then copies it value by value into
 * a new array (an OPERA frame: 40 MB inflated, 33 MB copied, 110 MB allocated); with this a reader inflates the
 * chunks itself into buffers it reuses and decodes them in place. It sits in NetCDF-Java's package for the
 * package-private B-tree of chunks and the variable's storage description.
 */
public final class H5Chunks {

    /** HDF5 filters the chunks may pass through (their ids): deflate, shuffle, Fletcher-32 checksum. */
    public static final int DEFLATE = 1;
    public static final int SHUFFLE = 2;
    public static final int FLETCHER32 = 3;
    private static final Set<Integer> KNOWN_FILTERS = Set.of(DEFLATE, SHUFFLE, FLETCHER32);

    /**
     * One stored chunk: its first row and column, its bytes in the file, and the filters skipped for it (bit i set:
     * the i-th filter of {@link #filters()} was not applied).
     */
    public record Chunk(int row, int column, long filePosition, int storedBytes, int skippedFilters) {
    }

    private final Variable variable;
    private final DataBTree btree;
    private final int rows;
    private final int columns;
    private final int elementBytes;
    private final ByteOrder byteOrder;
    private final int[] filters;
    private final byte[] fillValue;

    private H5Chunks(Variable variable, H5header.Vinfo vinfo, int[] filters) {
        this.variable = variable;
        this.btree = vinfo.btree;
        this.rows = vinfo.storageSize[0];
        this.columns = vinfo.storageSize[1];
        this.elementBytes = vinfo.typeInfo.byteSize;
        this.byteOrder = vinfo.typeInfo.endian == ucar.unidata.io.RandomAccessFile.LITTLE_ENDIAN
                ? ByteOrder.LITTLE_ENDIAN : ByteOrder.BIG_ENDIAN;
        this.filters = filters;
        this.fillValue = vinfo.fillValue;
    }

    /**
     * The chunks of {@code variable}, a 2-D numeric dataset of a file NetCDF-Java's HDF5 provider opened, or null
     * when it is not stored in chunks (contiguous or compact) or through a filter other than {@link #DEFLATE},
     * {@link #SHUFFLE} and {@link #FLETCHER32}: then NetCDF-Java's own read is the way.
     */
    public static H5Chunks of(Variable variable) {
        if (!(variable.getSPobject() instanceof H5header.Vinfo vinfo) || !vinfo.isChunked || vinfo.btree == null
                || variable.getRank() != 2 || !variable.getDataType().isNumeric() || vinfo.storageSize == null
                || vinfo.storageSize.length != 3) {
            return null;
        }
        H5header.Filter[] pipeline = vinfo.mfp == null ? new H5header.Filter[0] : vinfo.mfp.getFilters();
        int[] filters = new int[pipeline.length];
        for (int i = 0; i < pipeline.length; i++) {
            filters[i] = pipeline[i].id;
            if (!KNOWN_FILTERS.contains(filters[i])) {
                return null;
            }
        }
        return new H5Chunks(variable, vinfo, filters);
    }

    /** Rows of a chunk (edge chunks are stored whole, their cells beyond the dataset unused). */
    public int rows() {
        return rows;
    }

    public int columns() {
        return columns;
    }

    /** Bytes of one stored value. */
    public int elementBytes() {
        return elementBytes;
    }

    public ByteOrder byteOrder() {
        return byteOrder;
    }

    /** The filters' ids in the order they were applied when writing (reading undoes them last first). */
    public int[] filters() {
        return filters.clone();
    }

    /** The dataset's fill value as stored (in {@link #byteOrder()}), or null for HDF5's default, zero bytes. */
    public byte[] fillValue() {
        return fillValue == null ? null : fillValue.clone();
    }

    /** Every chunk the file holds, as NetCDF-Java's B-tree lists them; chunks never written are not listed. */
    public List<Chunk> chunks() throws IOException {
        List<Chunk> chunks = new ArrayList<>();
        DataBTree.DataChunkIterator it = btree.getDataChunkIteratorFilter(new Section(variable.getShape()));
        while (it.hasNext()) {
            DataBTree.DataChunk c = it.next();
            chunks.add(new Chunk(c.offset[0], c.offset[1], c.filePos, c.size, c.filterMask));
        }
        return chunks;
    }
}
