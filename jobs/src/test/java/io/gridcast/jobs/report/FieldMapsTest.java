package io.gridcast.jobs.report;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import javax.imageio.ImageIO;
import org.junit.jupiter.api.Test;

class FieldMapsTest {

    @Test
    void dryMissingAndTheEndsOfTheScale() {
        assertThat(FieldMaps.colour(0f, 10)).isEqualTo(FieldMaps.DRY);
        assertThat(FieldMaps.colour(0.09f, 10)).as("a trace below 1% of the top").isEqualTo(FieldMaps.DRY);
        assertThat(FieldMaps.colour(Float.NaN, 10)).isEqualTo(FieldMaps.MISSING);
        assertThat(FieldMaps.colour(10f, 10).getRGB() & 0xFFFFFF).isEqualTo(0x800026);
        assertThat(FieldMaps.colour(50f, 10)).as("beyond the scale saturates").isEqualTo(FieldMaps.colour(10f, 10));
    }

    @Test
    void scaleMaximaAreRoundNumbers() {
        assertThat(FieldMaps.niceMax(7.3)).isEqualTo(10.0);
        assertThat(FieldMaps.niceMax(2.2)).isEqualTo(2.5);
        assertThat(FieldMaps.niceMax(0.14)).isCloseTo(0.2, within(1e-12));
        assertThat(FieldMaps.niceMax(0)).as("a dry case").isEqualTo(1.0);
    }

    @Test
    void aSouthFirstGridIsDrawnNorthUpAndSmallGridsEnlarged() throws IOException {
        // 2 x 2 grid, first row south: rain only in the south-west cell
        float[] field = {5, 0, 0, 0};

        BufferedImage image = ImageIO.read(new ByteArrayInputStream(FieldMaps.png(field, 2, 2, 5, true)));

        assertThat(image.getWidth()).isEqualTo(150);
        assertThat(image.getRGB(0, 149) & 0xFFFFFF).as("bottom left").isEqualTo(0x800026);
        assertThat(image.getRGB(0, 0)).as("top left").isEqualTo(FieldMaps.DRY.getRGB());
    }
}
