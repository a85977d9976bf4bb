package io.gridcast.ingest.read;

import java.io.IOException;
import java.nio.file.Path;
import ucar.nc2.NetcdfFile;
import ucar.nc2.iosp.hdf5.H5iosp;

/** Opens a plain (non-CF) HDF5 file with NetCDF-Java for an importer, and closes it again if reading it fails. */
final class Hdf5Sources {

    /** Makes an importer's source of an open file. */
    interface Opener {
        FrameSource open(NetcdfFile nc) throws UnusableFileException;
    }

    private Hdf5Sources() {
    }

    /**
     * Checks the HDF5 signature, opens {@code file} and hands it to {@code opener}.
     *
     * @param expected what the file should be, for messages (e.g. {@code an ODIM_H5 file})
     */
    static FrameSource open(Path file, String expected, Opener opener) throws UnusableFileException {
        FileSignatures.requireHdf5(file, expected);
        NetcdfFile nc;
        try {
            // The HDF5 provider named: NetCDF-Java's own search loads every provider of the classpath per open.
            nc = NetcdfFile.open(file.toString(), H5iosp.class.getName(), -1, null, null);
        } catch (IOException | RuntimeException e) {
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, FileSignatures.openFailureReason(e), e);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException("NetCDF-Java's HDF5 reader cannot be made", e);
        }
        try {
            return opener.open(nc);
        } catch (UnusableFileException e) {
            closeQuietly(nc);
            throw e;
        } catch (RuntimeException e) {
            closeQuietly(nc);
            throw new UnusableFileException(file, "cannot be read as " + expected, e);
        }
    }

    static void closeQuietly(NetcdfFile nc) {
        try {
            nc.close();
        } catch (IOException ignored) {
            // Nothing was written, so a failing close loses nothing.
        }
    }
}
