package io.gridcast.ingest.read;

import java.awt.image.BufferedImage;
import java.awt.image.ComponentSampleModel;
import java.awt.image.PixelInterleavedSampleModel;
import java.awt.image.Raster;
import java.awt.image.WritableRaster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.function.Consumer;
import java.util.function.IntConsumer;
import javax.imageio.ImageIO;
import javax.imageio.ImageReadParam;
import javax.imageio.ImageReader;
import javax.imageio.ImageTypeSpecifier;
import javax.imageio.event.IIOReadUpdateListener;
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
 * the bands as one big-endian number. Values are handed on a grid row at a time as the PNG's rows are decoded,
 * so neither the PNG's samples nor the record's values are held whole (an MRMS frame: 49 and 98 MB).
 */
public final class GribPngPacking {

    /** Code table 5.0: grid point data, PNG. */
    public static final int TEMPLATE = 41;

    /** Receives a record's values a grid row at a time, rows in order: {@code values[from, from + nx)} is row y. */
    public interface Rows {
        void row(float[] values, int from, int y);
    }

    private GribPngPacking() {
    }

    /** The data representation template number of the section 5 that starts at {@code drsPos}. */
    public static int template(RandomAccessFile raf, long drsPos) throws IOException {
        raf.seek(drsPos);
        return new Grib2SectionDataRepresentation(raf).getDataTemplate();
    }

    /**
     * Hands the values of the record whose section 5 starts at {@code drsPos} ({@code bmsPos} a bitmap defined by
     * an earlier record, or 0) to {@code rows}, as NetCDF-Java returns them for its own templates: {@code points}
     * values in rows of {@code nx} in the scanning order it expects (rows scanned in -i or alternating directions
     * are reversed). The array handed on is reused for the next row.
     */
    public static void decode(RandomAccessFile raf, long drsPos, long bmsPos, int points, int nx, int scanMode,
                              Rows rows) throws IOException {
        if (nx < 1 || points % nx != 0) {
            throw new IOException("the grid's " + points + " points are not whole rows of " + nx);
        }
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

        int packed = drs.getDataPoints();
        GridRows grid = new GridRows(bms.getBitmap(raf), points, nx, scanMode, packed, rows);
        if (depth == 0) {
            // A constant field: every present value is R, and section 7 holds no image.
            for (int s = 0; s < packed; s++) {
                grid.add((float) offset);
            }
        } else {
            raf.seek(data.getStartingPosition() + 5);
            byte[] png = new byte[data.getMsgLength() - 5];
            raf.readFully(png);
            readPng(png, packed, samples -> {
                for (int sample : samples) {
                    grid.add((float) (offset + sample * step));
                }
            });
        }
        grid.finish();
    }

    /**
     * Reads the PNG's rows in order, each as packed values (in one reused array): grey is the sample itself, RGB(A)
     * the bands as one big-endian number. The reader is asked for directly, with an in-memory stream: ImageIO.read would cache the
     * bytes in a file.
     */
    private static void readPng(byte[] png, int packed, Consumer<int[]> out) throws IOException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName("png");
        if (!readers.hasNext()) {
            throw new IllegalStateException("the JDK has no PNG reader (javax.imageio)");
        }
        ImageReader reader = readers.next();
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(png))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            if ((long) width * height < packed) {
                throw new IOException("PNG of " + width + " x " + height + " pixels holds fewer than the " + packed
                        + " values section 5 declares");
            }
            // The raw type holds the stored samples (16-bit grey as 0..65535), untouched by any colour conversion.
            ImageTypeSpecifier raw = reader.getRawImageType(0);
            int[] pixels = new int[width * raw.getNumBands()];
            int[] samples = new int[width];
            ImageReadParam param = reader.getDefaultReadParam();
            BufferedImage oneRow = interlaced(png) ? null : oneRowImage(raw, width, height);
            if (oneRow != null) {
                param.setDestination(oneRow);
                reader.addIIOReadUpdateListener(new RowsDecoded(row -> {
                    oneRow.getRaster().getPixels(0, row, width, 1, pixels);
                    out.accept(combineBands(pixels, raw.getNumBands(), samples));
                }));
            }
            BufferedImage image = reader.read(0, param);
            if (oneRow == null) {
                Raster raster = image.getRaster();
                for (int y = 0; y < height; y++) {
                    out.accept(combineBands(raster.getPixels(0, y, width, 1, pixels), raw.getNumBands(), samples));
                }
            }
        } finally {
            reader.dispose();
        }
    }

    /**
     * Whether the PNG is interlaced (Adam7), whose rows arrive in seven passes: the interlace method is byte 12 of
     * IHDR's data, the chunk every PNG starts with after its 8-byte signature.
     */
    private static boolean interlaced(byte[] png) {
        return png.length > 28 && png[28] != 0;
    }

    /**
     * An image of the PNG's size whose rows all share one row of samples (scanline stride 0): ImageIO writes each
     * decoded row into it and then reports the row to {@link RowsDecoded}, which takes it before the next row
     * overwrites it. Null where the raw type does not store whole samples interleaved (1-, 2- and 4-bit grey are
     * packed several to a byte), which ImageIO then decodes into an image of its own, as it does interlaced ones.
     */
    private static BufferedImage oneRowImage(ImageTypeSpecifier raw, int width, int height) {
        if (!(raw.getSampleModel() instanceof PixelInterleavedSampleModel c)) {
            return null;
        }
        // A plain ComponentSampleModel: PixelInterleavedSampleModel refuses a stride shorter than a row.
        ComponentSampleModel shared = new ComponentSampleModel(c.getDataType(), width, height, c.getPixelStride(), 0,
                c.getBandOffsets());
        WritableRaster raster = Raster.createWritableRaster(shared, null);
        return new BufferedImage(raw.getColorModel(), raster, false, null);
    }

    /** ImageIO's report of each row it has decoded into the destination (non-interlaced: once a row, in order). */
    private static final class RowsDecoded implements IIOReadUpdateListener {

        private final IntConsumer row;

        RowsDecoded(IntConsumer row) {
            this.row = row;
        }

        @Override
        public void imageUpdate(ImageReader source, BufferedImage image, int minX, int minY, int width, int height,
                                int periodX, int periodY, int[] bands) {
            row.accept(minY);
        }

        @Override
        public void passStarted(ImageReader source, BufferedImage image, int pass, int minPass, int maxPass, int minX,
                                int minY, int periodX, int periodY, int[] bands) {
        }

        @Override
        public void passComplete(ImageReader source, BufferedImage image) {
        }

        @Override
        public void thumbnailPassStarted(ImageReader source, BufferedImage thumbnail, int pass, int minPass,
                                         int maxPass, int minX, int minY, int periodX, int periodY, int[] bands) {
        }

        @Override
        public void thumbnailUpdate(ImageReader source, BufferedImage thumbnail, int minX, int minY, int width,
                                    int height, int periodX, int periodY, int[] bands) {
        }

        @Override
        public void thumbnailPassComplete(ImageReader source, BufferedImage thumbnail) {
        }
    }

    /** One row of pixels as packed values: grey is the sample itself, RGB(A) the bands as one big-endian number. */
    private static int[] combineBands(int[] pixels, int bands, int[] samples) {
        if (bands == 1) {
            System.arraycopy(pixels, 0, samples, 0, samples.length);
            return samples;
        }
        for (int i = 0, p = 0; i < samples.length; i++) {
            int v = 0;
            for (int b = 0; b < bands; b++) {
                v = v << 8 | pixels[p++];
            }
            samples[i] = v;
        }
        return samples;
    }

    /**
     * Lays the packed values out on the grid's points, the points the bitmap leaves out as NaN, and hands on each
     * grid row once it is complete. Only the {@code packed} values section 5 declares are used (a PNG may pad its
     * last row); the bitmap must keep exactly that many points.
     */
    private static final class GridRows {

        private final byte[] bitmap;
        private final int points;
        private final int packed;
        private final boolean reverseEveryRow;
        private final boolean reverseOddRows;
        private final Rows rows;
        private final float[] row;
        private int point;
        private int column;
        private int used;
        private int placed;

        /**
         * Rows are reversed by NetCDF-Java's own rule for its templates (Grib2DataReader2's scanning-mode check), so
         * that values match the coordinates it builds: with -i scanning (bit 1, 128) every row; with alternating
         * rows (other modes with bit 4) every second row.
         */
        GridRows(byte[] bitmap, int points, int nx, int scanMode, int packed, Rows rows) {
            this.bitmap = bitmap;
            this.points = points;
            this.packed = packed;
            this.reverseEveryRow = scanMode == 128 || scanMode == 192;
            this.reverseOddRows = scanMode != 0 && scanMode != 64 && !reverseEveryRow;
            this.rows = rows;
            this.row = new float[nx];
        }

        /** The next packed value, after any points the bitmap leaves out before it. */
        void add(float value) {
            if (used == packed) {
                return;
            }
            used++;
            skipLeftOut();
            if (point < points) {
                put(value);
                placed++;
            }
        }

        void finish() throws IOException {
            skipLeftOut();
            if (placed != packed || point != points) {
                throw new IOException("section 5 declares " + packed + " packed values; " + placed + " of them filled "
                        + point + " of the grid's " + points + " points; expected the bitmap (without one, the grid) "
                        + "to keep as many points as there are packed values");
            }
        }

        private void skipLeftOut() {
            while (point < points && bitmap != null && (bitmap[point >>> 3] & (0x80 >>> (point & 7))) == 0) {
                put(Float.NaN);
            }
        }

        private void put(float value) {
            row[column++] = value;
            point++;
            if (column == row.length) {
                int y = point / row.length - 1;
                if (reverseEveryRow || reverseOddRows && y % 2 == 1) {
                    for (int i = 0, j = row.length - 1; i < j; i++, j--) {
                        float t = row[i];
                        row[i] = row[j];
                        row[j] = t;
                    }
                }
                rows.row(row, 0, y);
                column = 0;
            }
        }
    }
}
