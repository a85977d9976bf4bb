package io.gridcast.ingest.read;

import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;
import ucar.nc2.grib.GribNumbers;
import ucar.nc2.grib.grib2.Grib2SectionBitMap;
import ucar.nc2.grib.grib2.Grib2SectionData;
import ucar.nc2.grib.grib2.Grib2SectionDataRepresentation;
import ucar.unidata.io.RandomAccessFile;

/**
 * Decodes GRIB2 data representation template 5.41 (PNG packing), which NetCDF-Java 4.5.5 does not ("Unsupported
 * DRS type = 41"; NOAA's MRMS uses it). Section 5 gives the reference value R (IEEE float), the binary scale E and
 * the decimal scale D (sign and magnitude) and the PNG's bit depth; section 6 the bitmap; section 7 is a PNG
 * whose samples, in the grid's scanning order, are the packed values X of the points the bitmap keeps:
 * value = (R + X * 2^E) / 10^D, and a point the bitmap leaves out is missing (NaN, as NetCDF-Java returns it for
 * the other templates). The JDK's ImageIO reads the PNG: grey at 1 to 16 bits, or RGB(A) at 24 or 32 bits with
 * the bands as one big-endian number.
 */
public final class GribPngPacking {

    /** Code table 5.0: grid point data, PNG. */
    public static final int TEMPLATE = 41;

    private GribPngPacking() {
    }

    /** The data representation template number of the section 5 that starts at {@code drsPos}. */
    public static int template(RandomAccessFile raf, long drsPos) throws IOException {
        raf.seek(drsPos);
        return new Grib2SectionDataRepresentation(raf).getDataTemplate();
    }

    /**
     * The values of the record whose section 5 starts at {@code drsPos} ({@code bmsPos} a bitmap defined by an
     * earlier record, or 0), as NetCDF-Java returns them for its own templates: {@code points} values of rows of
     * {@code nx} in the scanning order it expects (rows scanned in -i or alternating directions are reversed).
     */
    public static float[] decode(RandomAccessFile raf, long drsPos, long bmsPos, int points, int nx, int scanMode)
            throws IOException {
        raf.seek(drsPos);
        Grib2SectionDataRepresentation drs = new Grib2SectionDataRepresentation(raf);
        Grib2SectionBitMap bms = new Grib2SectionBitMap(raf);
        Grib2SectionData data = new Grib2SectionData(raf);
        if (bmsPos > 0) {
            bms = Grib2SectionBitMap.factory(raf, bmsPos);
        }
        raf.seek(drs.getStartingPosition() + 11);
        float reference = raf.readFloat(); // IEEE, big-endian (GribNumbers.float4 is GRIB1's IBM float)
        int binaryScale = GribNumbers.int2(raf);
        int decimalScale = GribNumbers.int2(raf);
        int depth = raf.read();
        // Computed as ecCodes does: (R + X * 2^E) * 10^-D in double precision.
        double decimal = Math.pow(10, -decimalScale);
        double offset = reference * decimal;
        double step = Math.scalb(1.0, binaryScale) * decimal;

        byte[] bitmap = bms.getBitmap(raf);
        int packed = drs.getDataPoints();
        float[] values = new float[points];
        if (depth == 0) {
            // A constant field: every present value is R, and section 7 holds no image.
            for (int point = 0; point < points; point++) {
                values[point] = present(bitmap, point) ? (float) offset : Float.NaN;
            }
        } else {
            raf.seek(data.getStartingPosition() + 5);
            byte[] png = new byte[data.getMsgLength() - 5];
            raf.readFully(png);
            Raster raster = readPng(png);
            int width = raster.getWidth();
            if ((long) width * raster.getHeight() < packed) {
                throw new IOException("PNG of " + width + " x " + raster.getHeight() + " pixels holds fewer than the "
                        + packed + " values section 5 declares");
            }
            int[] row = new int[width * raster.getNumBands()];
            int[] samples = new int[width];
            int next = 0;
            for (int y = 0; next < points && y < raster.getHeight(); y++) {
                raster.getPixels(0, y, width, 1, row);
                combineBands(row, raster.getNumBands(), samples);
                next = fill(values, bitmap, samples, next, offset, step);
            }
        }
        reverseRows(values, nx, scanMode);
        return values;
    }

    /**
     * Writes the next packed samples into {@code values} from point {@code from}, skipping (as NaN) the points
     * the bitmap leaves out; returns the next point to fill.
     */
    private static int fill(float[] values, byte[] bitmap, int[] samples, int from, double offset, double step) {
        int point = from;
        int s = 0;
        while (point < values.length && s < samples.length) {
            if (!present(bitmap, point)) {
                values[point++] = Float.NaN;
            } else {
                values[point++] = (float) (offset + samples[s++] * step);
            }
        }
        // Trailing points the bitmap leaves out once the samples are used up.
        while (point < values.length && !present(bitmap, point)) {
            values[point++] = Float.NaN;
        }
        return point;
    }

    /** Whether the bitmap (most significant bit first; null: none) keeps {@code point}. */
    private static boolean present(byte[] bitmap, int point) {
        return bitmap == null || (bitmap[point >>> 3] & (0x80 >>> (point & 7))) != 0;
    }

    /** One row of pixels as packed values: grey is the sample itself, RGB(A) the bands as one big-endian number. */
    private static void combineBands(int[] pixels, int bands, int[] samples) {
        if (bands == 1) {
            System.arraycopy(pixels, 0, samples, 0, samples.length);
            return;
        }
        for (int i = 0, p = 0; i < samples.length; i++) {
            int v = 0;
            for (int b = 0; b < bands; b++) {
                v = v << 8 | pixels[p++];
            }
            samples[i] = v;
        }
    }

    /** The reader is asked for directly, with an in-memory stream: ImageIO.read would cache the bytes in a file. */
    private static Raster readPng(byte[] png) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw new IllegalStateException("the JDK has no PNG reader (javax.imageio)");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
            reader.setInput(in, true, true);
            // The raster holds the stored samples (16-bit grey as 0..65535), untouched by any colour conversion.
            return reader.read(0).getRaster();
        } finally {
            reader.dispose();
        }
    }

    /**
     * NetCDF-Java's own rule for its templates (Grib2DataReader2's scanning-mode check), so that values match the
     * coordinates it builds: with -i scanning (bit 1, 128) every row is reversed; with alternating rows (other
     * modes with bit 4) every second row.
     */
    private static void reverseRows(float[] values, int nx, int scanMode) {
        if (scanMode == 0 || scanMode == 64) {
            return;
        }
        boolean everyRow = scanMode == 128 || scanMode == 192;
        for (int start = 0, r = 0; start + nx <= values.length; start += nx, r++) {
            if (everyRow || r % 2 == 1) {
                for (int i = 0, j = nx - 1; i < j; i++, j--) {
                    float t = values[start + i];
                    values[start + i] = values[start + j];
                    values[start + j] = t;
                }
            }
        }
    }
}
