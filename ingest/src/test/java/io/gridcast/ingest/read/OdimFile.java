package io.gridcast.ingest.read;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.gridcast.ingest.grid.Proj4Mapping;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * An ODIM_H5 file as another producer writes it, made by h5py ({@code odim_write.py}; tests skip without
 * {@code python3-h5py}): group attributes by path, datasets by path, strings fixed-length or variable-length.
 */
final class OdimFile {

    private final Map<String, Map<String, Object>> groups = new LinkedHashMap<>();
    private final Map<String, Map<String, Object>> data = new LinkedHashMap<>();
    private String strings = "fixed";

    /** A product with {@code what/object}, nominal date and time. */
    static OdimFile product(String object, String version, String date, String time) {
        OdimFile f = new OdimFile();
        f.set("what", "object", object).set("what", "version", version).set("what", "date", date)
                .set("what", "time", time).set("what", "source", "NOD:xxtst");
        return f;
    }

    /**
     * {@code where}: the proj4 string, sizes and cell sizes in metres, and the four corners' lon/lat from the
     * upper-left corner's projected position {@code (x0, y0)} in the projection's units.
     */
    OdimFile where(String projdef, int ny, int nx, double xscale, double yscale, double x0, double y0) {
        Proj4Mapping p = Proj4Mapping.parse(projdef);
        double dx = p.geographic() ? xscale : xscale / p.metresPerUnit();
        double dy = p.geographic() ? yscale : yscale / p.metresPerUnit();
        set("where", "projdef", projdef).set("where", "xsize", nx).set("where", "ysize", ny)
                .set("where", "xscale", xscale).set("where", "yscale", yscale);
        Map<String, double[]> corners = Map.of("UL", p.inverse(x0, y0), "UR", p.inverse(x0 + nx * dx, y0),
                "LL", p.inverse(x0, y0 - ny * dy), "LR", p.inverse(x0 + nx * dx, y0 - ny * dy));
        corners.forEach((name, lonLat) -> set("where", name + "_lon", lonLat[0]).set("where", name + "_lat", lonLat[1]));
        return this;
    }

    OdimFile set(String group, String key, Object value) {
        groups.computeIfAbsent(group, g -> new LinkedHashMap<>()).put(key, value);
        return this;
    }

    OdimFile remove(String group, String key) {
        groups.get(group).remove(key);
        return this;
    }

    /** {@code path/data} of numpy type {@code dtype} (e.g. uint8), row-major values. */
    OdimFile data(String path, String dtype, int ny, int nx, double[] values) {
        data.put(path, Map.of("dtype", dtype, "shape", List.of(ny, nx), "values", values));
        return this;
    }

    /**
     * Like {@link #data}, stored as {@code storage} says: h5py's {@code create_dataset} keywords ({@code chunks},
     * {@code compression}, {@code shuffle}, {@code fletcher32}, {@code fillvalue}) and {@code rows}, how many rows
     * to write (chunks below them are never written). A {@code dtype} of {@code >f8} is big-endian.
     */
    OdimFile data(String path, String dtype, int ny, int nx, double[] values, Map<String, Object> storage) {
        data.put(path, Map.of("dtype", dtype, "shape", List.of(ny, nx), "values", values, "storage", storage));
        return this;
    }

    OdimFile variableLengthStrings() {
        strings = "vlen";
        return this;
    }

    Path write(Path file) {
        Map<String, Object> spec = Map.of("path", file.toString(), "strings", strings, "groups", groups, "data", data);
        try {
            String json = new ObjectMapper().writeValueAsString(spec);
            Path script = Path.of(OdimFile.class.getResource("odim_write.py").toURI());
            Process p = new ProcessBuilder("/usr/bin/python3", script.toString(), json).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            int code = p.waitFor();
            assumeTrue(!out.contains("No module named 'h5py'"), "skipped: python3-h5py is not installed (apt-get install python3-h5py)");
            if (code != 0) {
                throw new IllegalStateException("odim_write.py failed: " + out);
            }
            return file;
        } catch (IOException e) {
            assumeTrue(false, "skipped: /usr/bin/python3 cannot run (" + e.getMessage() + ")");
            throw new UncheckedIOException(e);
        } catch (InterruptedException | URISyntaxException e) {
            throw new IllegalStateException(e);
        }
    }
}
