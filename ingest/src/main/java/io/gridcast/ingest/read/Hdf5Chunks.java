package io.gridcast.ingest.read;

import com.fulcrumgenomics.jlibdeflate.DecompressionResult;
import com.fulcrumgenomics.jlibdeflate.LibdeflateDecompressor;
import com.fulcrumgenomics.jlibdeflate.LibdeflateException;
import java.io.IOException;
import java.nio.Buffer;
import java.nio.ByteBuffer;
import java.nio.DoubleBuffer;
import java.nio.FloatBuffer;
import java.nio.IntBuffer;
import java.nio.LongBuffer;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import ucar.ma2.DataType;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;
import ucar.nc2.iosp.hdf5.H5Chunks;
import ucar.unidata.io.RandomAccessFile;

/**
 * Reads a chunked 2-D HDF5 dataset a chunk at a time ({@link H5Chunks}): each chunk's stored bytes read once, its
 * filters undone (deflate through libdeflate, which inflated OPERA's chunks at several times the speed of the
 * JDK's zlib; shuffle) into buffers each thread keeps and reuses, and each of its
 * rows within the dataset handed on as stored values, so no array of the whole dataset is made and, read after
 * read, nothing of a chunk's size is allocated.
 *
 * <p>The chunk buffers are direct (outside the Java heap): a chunk of OPERA's is 1.3 MB, which in G1's heap of 1 MB
 * regions is a humongous object, and each humongous allocation may start a collection of its own; libdeflate also
 * inflates direct buffers without pinning arrays of the heap (a JNI critical section, which holds collections back).
 */
final class Hdf5Chunks {

    /** Receives stored values {@code values[from, from + count)}, whose first cell is {@code at} (row-major). */
    interface Rows {
        void accept(Object values, int from, int count, int at);
    }

    /** A thread's buffers: the stored bytes, two for undoing filters (all direct), one row of typed values. */
    private static final class Buffers {
        final LibdeflateDecompressor inflater = new LibdeflateDecompressor();
        ByteBuffer stored = ByteBuffer.allocateDirect(0);
        ByteBuffer a = ByteBuffer.allocateDirect(0);
        ByteBuffer b = ByteBuffer.allocateDirect(0);
        /** What the file's reads go through into {@link #stored}. */
        final byte[] transfer = new byte[64 * 1024];
        Object row;
    }

    private static final ThreadLocal<Buffers> BUFFERS = ThreadLocal.withInitial(Buffers::new);

    private Hdf5Chunks() {
    }

    /**
     * Hands every row of every chunk of {@code variable} (a chunked 2-D dataset of {@code nc}, {@code chunks} its
     * storage) to {@code rows}; chunks the file never wrote are its fill value. Row order follows the file's chunks.
     *
     * @param name the dataset's path, for messages
     */
    static void read(Path file, String name, NetcdfFile nc, Variable variable, H5Chunks chunks, Rows rows)
            throws UnusableFileException {
        int ny = variable.getShape(0);
        int nx = variable.getShape(1);
        ReadLimits.checkGrid(file, name + " chunk shape", chunks.rows(), chunks.columns());
        long chunkBytes = (long) chunks.rows() * chunks.columns() * chunks.elementBytes();
        if (chunkBytes > Integer.MAX_VALUE - 1024) {
            throw new UnusableFileException(file, name + " has chunks of " + chunks.rows() + " x " + chunks.columns()
                    + " values of " + chunks.elementBytes() + " bytes; expected chunks under 2 GB");
        }
        int size = (int) chunkBytes;
        // Deflate can grow incompressible data a little (zlib's bound: 0.03% + 13 bytes), Fletcher-32 adds 4.
        long largestStored = chunks.filters().length == 0 ? size : size + size / 1000L + 64;
        int chunkRows = (ny + chunks.rows() - 1) / chunks.rows();
        int chunkColumns = (nx + chunks.columns() - 1) / chunks.columns();
        boolean[] seen = new boolean[chunkRows * chunkColumns];
        RandomAccessFile raf = (RandomAccessFile) nc.sendIospMessage(NetcdfFile.IOSP_MESSAGE_RANDOM_ACCESS_FILE);
        Buffers buffers = BUFFERS.get();
        try {
            for (H5Chunks.Chunk c : chunks.chunks()) {
                String where = name + " chunk at row " + c.row() + ", column " + c.column();
                if (c.row() % chunks.rows() != 0 || c.column() % chunks.columns() != 0 || c.row() >= ny
                        || c.column() >= nx || c.row() < 0 || c.column() < 0) {
                    throw new UnusableFileException(file, where + " lies off the " + chunks.rows() + " x "
                            + chunks.columns() + " chunk grid of " + ny + " x " + nx + " cells (corrupt file?)");
                }
                if (c.storedBytes() < 0 || c.storedBytes() > largestStored
                        || c.filePosition() < 0 || c.filePosition() + c.storedBytes() > raf.length()) {
                    throw new UnusableFileException(file, where + " is " + c.storedBytes() + " bytes at byte "
                            + c.filePosition() + " of a file of " + raf.length() + "; expected at most "
                            + largestStored + " bytes within the file (truncated or corrupt data?)");
                }
                seen[c.row() / chunks.rows() * chunkColumns + c.column() / chunks.columns()] = true;
                buffers.stored = capacity(buffers.stored, c.storedBytes());
                readStored(raf, c, buffers);
                ByteBuffer values = unfilter(file, where, chunks, c, buffers, size);
                hand(values, c.row(), c.column(), chunks, variable.getDataType(), ny, nx, buffers, rows);
            }
        } catch (IOException e) {
            throw new UnusableFileException(file, name + " cannot be read (truncated or corrupt data?)", e);
        }
        ByteBuffer fill = null;
        for (int k = 0; k < seen.length; k++) {
            if (!seen[k]) {
                if (fill == null) {
                    // Every chunk the file holds has been handed on: a filter buffer is free.
                    fill = fillChunk(chunks, buffers.a = capacity(buffers.a, size), size);
                }
                hand(fill, k / chunkColumns * chunks.rows(), k % chunkColumns * chunks.columns(), chunks,
                        variable.getDataType(), ny, nx, buffers, rows);
            }
        }
    }

    /** Reads the chunk's stored bytes into {@code buffers.stored}, from its start. */
    private static void readStored(RandomAccessFile raf, H5Chunks.Chunk c, Buffers buffers) throws IOException {
        raf.seek(c.filePosition());
        buffers.stored.clear();
        for (int left = c.storedBytes(); left > 0; ) {
            int n = Math.min(left, buffers.transfer.length);
            raf.readFully(buffers.transfer, 0, n);
            buffers.stored.put(buffers.transfer, 0, n);
            left -= n;
        }
    }

    /** Undoes the chunk's filters, last applied first; the result holds exactly one chunk of values. */
    private static ByteBuffer unfilter(Path file, String where, H5Chunks chunks, H5Chunks.Chunk c, Buffers buffers,
                                       int size) throws UnusableFileException {
        int[] filters = chunks.filters();
        ByteBuffer in = buffers.stored;
        int length = c.storedBytes();
        for (int i = filters.length - 1; i >= 0; i--) {
            if ((c.skippedFilters() & (1 << i)) != 0) {
                continue;
            }
            ByteBuffer out = in == buffers.a ? (buffers.b = capacity(buffers.b, size))
                    : (buffers.a = capacity(buffers.a, size));
            switch (filters[i]) {
                case H5Chunks.DEFLATE -> {
                    length = inflate(file, where, buffers.inflater, in, length, out, size);
                    in = out;
                }
                case H5Chunks.SHUFFLE -> {
                    unshuffle(in, length, out, chunks.elementBytes());
                    in = out;
                }
                // The checksum is stripped, not verified, as NetCDF-Java's own read does.
                case H5Chunks.FLETCHER32 -> length -= 4;
                default -> throw new IllegalStateException("filter " + filters[i]);
            }
        }
        if (length != size) {
            throw new UnusableFileException(file, where + " holds " + length + " bytes once its filters are undone; "
                    + "expected " + size + " (" + chunks.rows() + " x " + chunks.columns() + " values of "
                    + chunks.elementBytes() + " bytes; corrupt data?)");
        }
        return in;
    }

    /** Inflates a zlib stream (HDF5's deflate filter) into {@code out}; the bytes it gives. */
    private static int inflate(Path file, String where, LibdeflateDecompressor inflater, ByteBuffer in, int length,
                               ByteBuffer out, int size) throws UnusableFileException {
        try {
            DecompressionResult r = inflater.zlibDecompressEx(in.clear().limit(length), out.clear().limit(size));
            return r.outputBytesProduced();
        } catch (LibdeflateException e) {
            throw new UnusableFileException(file, where + " does not inflate to at most " + size + " bytes ("
                    + e.getMessage() + "; truncated or corrupt data?)", e);
        }
    }

    /** HDF5's shuffle stored byte k of every value together; the bytes after the last whole value stay as they are. */
    private static void unshuffle(ByteBuffer in, int length, ByteBuffer out, int elementBytes) {
        int count = length / elementBytes;
        for (int b = 0; b < elementBytes; b++) {
            int from = b * count;
            for (int i = 0; i < count; i++) {
                out.put(i * elementBytes + b, in.get(from + i));
            }
        }
        int whole = count * elementBytes;
        out.put(whole, in, whole, length - whole);
    }

    /** {@code fill} made a chunk of the fill value: the dataset's own, or HDF5's default of zero bytes. */
    private static ByteBuffer fillChunk(H5Chunks chunks, ByteBuffer fill, int size) {
        byte[] value = chunks.fillValue();
        if (value == null || value.length != chunks.elementBytes()) {
            value = new byte[chunks.elementBytes()];
        }
        for (int k = 0; k < size; k += value.length) {
            fill.put(k, value);
        }
        return fill;
    }

    /** Hands the rows of the chunk at {@code (row, column)} that lie within the dataset, as stored values. */
    private static void hand(ByteBuffer bytes, int row, int column, H5Chunks chunks, DataType type, int ny, int nx,
                             Buffers buffers, Rows rows) {
        int rowsIn = Math.min(chunks.rows(), ny - row);
        int count = Math.min(chunks.columns(), nx - column);
        ByteBuffer view = bytes.duplicate().clear().order(chunks.byteOrder());
        // One typed view of the chunk, not one a row: until compiled, each would be an object (11,400 an OPERA frame).
        Buffer typed;
        Object values;
        switch (type) {
            case BYTE -> {
                typed = view;
                values = row(buffers, byte[].class, count);
            }
            case SHORT -> {
                typed = view.asShortBuffer();
                values = row(buffers, short[].class, count);
            }
            case INT -> {
                typed = view.asIntBuffer();
                values = row(buffers, int[].class, count);
            }
            case LONG -> {
                typed = view.asLongBuffer();
                values = row(buffers, long[].class, count);
            }
            case FLOAT -> {
                typed = view.asFloatBuffer();
                values = row(buffers, float[].class, count);
            }
            case DOUBLE -> {
                typed = view.asDoubleBuffer();
                values = row(buffers, double[].class, count);
            }
            default -> throw new IllegalStateException("HDF5 values of type " + type);
        }
        for (int r = 0; r < rowsIn; r++) {
            int first = r * chunks.columns();
            if (typed instanceof ByteBuffer b) {
                b.get(first, (byte[]) values, 0, count);
            } else if (typed instanceof ShortBuffer b) {
                b.get(first, (short[]) values, 0, count);
            } else if (typed instanceof IntBuffer b) {
                b.get(first, (int[]) values, 0, count);
            } else if (typed instanceof LongBuffer b) {
                b.get(first, (long[]) values, 0, count);
            } else if (typed instanceof FloatBuffer b) {
                b.get(first, (float[]) values, 0, count);
            } else {
                ((DoubleBuffer) typed).get(first, (double[]) values, 0, count);
            }
            rows.accept(values, 0, count, (row + r) * nx + column);
        }
    }

    /** The thread's row buffer of {@code type}, at least {@code count} long. */
    private static <T> T row(Buffers buffers, Class<T> type, int count) {
        if (!type.isInstance(buffers.row) || java.lang.reflect.Array.getLength(buffers.row) < count) {
            buffers.row = java.lang.reflect.Array.newInstance(type.getComponentType(), count);
        }
        return type.cast(buffers.row);
    }

    private static ByteBuffer capacity(ByteBuffer buffer, int size) {
        return buffer.capacity() >= size ? buffer : ByteBuffer.allocateDirect(size);
    }
}
