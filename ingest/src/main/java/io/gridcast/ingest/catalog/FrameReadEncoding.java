package io.gridcast.ingest.catalog;

import io.gridcast.ingest.read.RejectionKind;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * A task's frame rows as one byte array, field after field, for the trip from executor to driver. Spark ships
 * task results with Java serialization, which wrote and read every row as an object graph (a record, its strings,
 * its {@link Instant}): per row that cost more CPU than the row's statistics, ran on the driver's result threads,
 * and kept the JIT compiling Java serialization's large generic methods for thousands of ingested files (its
 * {@code readSerialData} was the costliest compilation of a warmed-up 2,000-file ingest).
 */
final class FrameReadEncoding {

    private FrameReadEncoding() {
    }

    static byte[] encode(List<FrameIngest.FrameRead> rows) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream(64 + rows.size() * 160);
        try (DataOutputStream out = new DataOutputStream(bytes)) {
            out.writeInt(rows.size());
            for (FrameIngest.FrameRead r : rows) {
                writeString(out, r.file());
                out.writeLong(r.size());
                out.writeLong(r.modified());
                out.writeInt(r.timeIndex());
                out.writeBoolean(r.time() != null);
                if (r.time() != null) {
                    out.writeLong(r.time().getEpochSecond());
                    out.writeInt(r.time().getNano());
                }
                writeString(out, r.units());
                writeString(out, r.standardName());
                writeString(out, r.gridKey());
                out.writeLong(r.validCells());
                out.writeDouble(r.min());
                out.writeDouble(r.max());
                out.writeDouble(r.mean());
                writeString(out, r.kind() == null ? null : r.kind().name());
                writeString(out, r.reason());
                writeString(out, r.exception());
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode " + rows.size() + " frame rows", e);
        }
        return bytes.toByteArray();
    }

    static List<FrameIngest.FrameRead> decode(byte[] encoded) {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(encoded))) {
            int n = in.readInt();
            List<FrameIngest.FrameRead> rows = new ArrayList<>(n);
            for (int i = 0; i < n; i++) {
                String file = readString(in);
                long size = in.readLong();
                long modified = in.readLong();
                int timeIndex = in.readInt();
                Instant time = in.readBoolean() ? Instant.ofEpochSecond(in.readLong(), in.readInt()) : null;
                rows.add(new FrameIngest.FrameRead(file, size, modified, timeIndex, time, readString(in),
                        readString(in), readString(in), in.readLong(), in.readDouble(), in.readDouble(),
                        in.readDouble(), kind(readString(in)), readString(in), readString(in)));
            }
            return rows;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot decode frame rows (" + encoded.length + " bytes)", e);
        }
    }

    /** UTF-8 with its byte length, -1 for null (DataOutput's writeUTF stops at 64 KB, an exception text may not). */
    private static void writeString(DataOutputStream out, String s) throws IOException {
        if (s == null) {
            out.writeInt(-1);
            return;
        }
        byte[] utf8 = s.getBytes(StandardCharsets.UTF_8);
        out.writeInt(utf8.length);
        out.write(utf8);
    }

    /** A rejection kind stored by its enum name; null for an accepted row. */
    static RejectionKind kind(String name) {
        return name == null ? null : RejectionKind.valueOf(name);
    }

    private static String readString(DataInputStream in) throws IOException {
        int n = in.readInt();
        if (n < 0) {
            return null;
        }
        byte[] utf8 = new byte[n];
        in.readFully(utf8);
        return new String(utf8, StandardCharsets.UTF_8);
    }
}
