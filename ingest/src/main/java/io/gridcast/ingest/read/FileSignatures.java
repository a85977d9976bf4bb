package io.gridcast.ingest.read;

import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.HexFormat;
import java.util.Locale;

/** Checks a file's first bytes before a library opens it, so empty and foreign files get a clear reason. */
final class FileSignatures {

    private static final byte[] HDF5_SIGNATURE = {(byte) 0x89, 'H', 'D', 'F', '\r', '\n', 0x1a, '\n'};

    private FileSignatures() {
    }

    /** Accepts NetCDF-3 (classic, 64-bit offset, CDF-5) and NetCDF-4/HDF5; true for HDF5. */
    static boolean requireNetcdf(Path file) throws UnusableFileException {
        byte[] head = head(file);
        boolean netcdf3 = head.length >= 4 && head[0] == 'C' && head[1] == 'D' && head[2] == 'F'
                && (head[3] == 1 || head[3] == 2 || head[3] == 5);
        boolean hdf5 = isHdf5(head);
        if (!netcdf3 && !hdf5) {
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "not a NetCDF file (starts with bytes " + hex(head)
                    + "); expected the NetCDF-3 signature 'CDF' or the NetCDF-4/HDF5 signature");
        }
        return hdf5;
    }

    static void requireHdf5(Path file, String expected) throws UnusableFileException {
        byte[] head = head(file);
        if (!isHdf5(head)) {
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "not an HDF5 file (starts with bytes " + hex(head)
                    + "); expected " + expected);
        }
    }

    // HDF5 allows a user block before the superblock (at 512, 1024, ...); the writers we read put none there.
    private static boolean isHdf5(byte[] head) {
        return head.length == 8 && Arrays.equals(head, HDF5_SIGNATURE);
    }

    private static byte[] head(Path file) throws UnusableFileException {
        if (!Files.isRegularFile(file)) {
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "no such file (or not a regular file)");
        }
        try (InputStream in = Files.newInputStream(file)) {
            byte[] head = in.readNBytes(8);
            if (head.length == 0) {
                throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "file is empty (0 bytes); expected a NetCDF-3 or HDF5 file");
            }
            return head;
        } catch (IOException e) {
            throw new UnusableFileException(RejectionKind.NOT_READABLE, file, "cannot be read", e);
        }
    }

    private static String hex(byte[] head) {
        return HexFormat.ofDelimiter(" ").formatHex(head);
    }

    static String openFailureReason(Throwable e) {
        for (Throwable t = e; t != null; t = t.getCause()) {
            String m = t.getMessage();
            if (m != null && m.toLowerCase(Locale.ROOT).contains("truncated")) {
                return "file is truncated (shorter than its header says); expected a complete file";
            }
            if (t instanceof EOFException) {
                return "file ends inside its header (truncated); expected a complete file";
            }
        }
        return "cannot be opened (corrupt?); expected a readable NetCDF-3 or NetCDF-4/HDF5 file";
    }
}
