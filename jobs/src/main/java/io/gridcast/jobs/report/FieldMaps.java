package io.gridcast.jobs.report;

import java.awt.Color;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import javax.imageio.ImageIO;

/**
 * Fields drawn as PNG maps on one shared colour scale from 0 to a maximum, north up, with a colour bar.
 * Dry cells (below 1% of the scale's top, which also hides the round-off of denormalised model output) are
 * near-white and missing cells grey, so rain stands out the way radar pictures show it.
 */
final class FieldMaps {

    /** Missing (NaN) cells. */
    static final Color MISSING = new Color(0xBDBDBD);
    /** Cells below 1% of the scale's top. */
    static final Color DRY = new Color(0xF7F7F7);
    /** The colour ramp from just above 0 to the maximum: light blue, blue, green, yellow, orange, red, purple. */
    private static final int[] RAMP = {0xC6DBEF, 0x6BAED6, 0x2171B5, 0x31A354, 0xFED976, 0xFD8D3C, 0xE31A1C, 0x800026};

    /** The shortest side of a map in pixels: small grids are enlarged by whole cells. */
    static final int MIN_PIXELS = 150;

    private FieldMaps() {
    }

    /** The colour of {@code value} on a 0..{@code max} scale. */
    static Color colour(float value, double max) {
        if (Float.isNaN(value)) {
            return MISSING;
        }
        if (value < 0.01 * max) {
            return DRY;
        }
        double t = Math.min(1, value / max) * (RAMP.length - 1);
        int i = Math.min((int) t, RAMP.length - 2);
        double f = t - i;
        Color a = new Color(RAMP[i]);
        Color b = new Color(RAMP[i + 1]);
        return new Color((int) Math.round(a.getRed() + f * (b.getRed() - a.getRed())),
                (int) Math.round(a.getGreen() + f * (b.getGreen() - a.getGreen())),
                (int) Math.round(a.getBlue() + f * (b.getBlue() - a.getBlue())));
    }

    /**
     * A row-major {@code height} x {@code width} field as a PNG; {@code flipRows} reverses the rows of a grid
     * whose first row is southernmost.
     */
    static byte[] png(float[] field, int height, int width, double max, boolean flipRows) {
        int cell = Math.max(1, (MIN_PIXELS + Math.min(height, width) - 1) / Math.min(height, width));
        BufferedImage image = new BufferedImage(width * cell, height * cell, BufferedImage.TYPE_INT_RGB);
        for (int y = 0; y < height; y++) {
            int row = flipRows ? height - 1 - y : y;
            for (int x = 0; x < width; x++) {
                int rgb = colour(field[y * width + x], max).getRGB();
                for (int dy = 0; dy < cell; dy++) {
                    for (int dx = 0; dx < cell; dx++) {
                        image.setRGB(x * cell + dx, row * cell + dy, rgb);
                    }
                }
            }
        }
        return encode(image);
    }

    /** The colour bar from 0 to {@code max}, left to right; its tick labels are HTML text beside it. */
    static byte[] colourBar(double max, int width, int height) {
        BufferedImage image = new BufferedImage(width, height, BufferedImage.TYPE_INT_RGB);
        for (int x = 0; x < width; x++) {
            int rgb = colour((float) (max * x / (width - 1)), max).getRGB();
            for (int y = 0; y < height; y++) {
                image.setRGB(x, y, rgb);
            }
        }
        return encode(image);
    }

    /** The smallest of 1, 2, 2.5 or 5 times a power of ten that is at least {@code value} (1 for a dry case). */
    static double niceMax(double value) {
        if (!(value > 0)) {
            return 1;
        }
        double power = Math.pow(10, Math.floor(Math.log10(value)));
        for (double step : new double[] {1, 2, 2.5, 5, 10}) {
            if (step * power >= value) {
                return step * power;
            }
        }
        return 10 * power;
    }

    private static byte[] encode(BufferedImage image) {
        ByteArrayOutputStream png = new ByteArrayOutputStream();
        try {
            ImageIO.write(image, "png", png);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot encode a map image", e);
        }
        return png.toByteArray();
    }
}
