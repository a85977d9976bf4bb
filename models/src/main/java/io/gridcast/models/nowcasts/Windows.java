package io.gridcast.models.nowcasts;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.Properties;

import io.gridcast.features.WindowShape;
import org.nd4j.linalg.api.ndarray.INDArray;
import org.nd4j.linalg.indexing.NDArrayIndex;

/** Shape checks and the small window-shape file saved beside a model, so a loaded model can check its inputs. */
final class Windows {

    static final String SHAPE_FILE = "window-shape.properties";

    private Windows() {
    }

    static void requireInputs(INDArray inputs, WindowShape shape) {
        long[] s = inputs.shape();
        if (s.length != 5 || s[1] != shape.in() || s[2] != shape.channels() || s[3] != shape.height()
                || s[4] != shape.width()) {
            throw new IllegalArgumentException("expected inputs [batch, in=" + shape.in() + ", channels="
                    + shape.channels() + ", height=" + shape.height() + ", width=" + shape.width() + "], got "
                    + Arrays.toString(s));
        }
    }

    /** Channel 0 of the newest frame of inputs {@code [batch, in, channels, h, w]}: {@code [batch, 1, h, w]}. */
    static INDArray lastFrame(INDArray inputs) {
        long in = inputs.size(1);
        return inputs.get(NDArrayIndex.all(), NDArrayIndex.interval(in - 1, in), NDArrayIndex.point(0),
                NDArrayIndex.all(), NDArrayIndex.all());
    }

    static void writeShape(WindowShape shape, Path dir) {
        Properties p = new Properties();
        p.setProperty("in", Integer.toString(shape.in()));
        p.setProperty("out", Integer.toString(shape.out()));
        p.setProperty("channels", Integer.toString(shape.channels()));
        p.setProperty("height", Integer.toString(shape.height()));
        p.setProperty("width", Integer.toString(shape.width()));
        try (OutputStream os = Files.newOutputStream(dir.resolve(SHAPE_FILE))) {
            p.store(os, "gridcast window shape of the saved model");
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve(SHAPE_FILE), e);
        }
    }

    static WindowShape readShape(Path dir) {
        Path file = dir.resolve(SHAPE_FILE);
        Properties p = new Properties();
        try (InputStream is = Files.newInputStream(file)) {
            p.load(is);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file + " (expected beside a saved model)", e);
        }
        return new WindowShape(intProperty(p, "in", file), intProperty(p, "out", file),
                intProperty(p, "channels", file), intProperty(p, "height", file), intProperty(p, "width", file));
    }

    private static int intProperty(Properties p, String key, Path file) {
        String value = p.getProperty(key);
        if (value == null) {
            throw new IllegalArgumentException(file + " lacks '" + key + "'");
        }
        return Integer.parseInt(value.trim());
    }

    static void createDirectories(Path dir) {
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot create " + dir, e);
        }
    }
}
