package io.gridcast.ingest.statics;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.CfNetcdfReader;
import io.gridcast.ingest.read.UnusableFileException;
import io.gridcast.ingest.write.Netcdf3Files;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ucar.ma2.Array;
import ucar.ma2.DataType;
import ucar.nc2.Attribute;
import ucar.nc2.Variable;

/**
 * Regridded layers kept as small CF NetCDF files ({@code <name>-<key>.nc}, viewable like any other), the key a
 * hash of everything the result depends on: source file (path, size, modification time), variable, method,
 * categorical flag, fill, units and every coordinate and projection parameter of the target grid. A changed
 * source or grid gives a new key, so a stale file is never read; files are written under a temporary name
 * and renamed in.
 */
final class StaticCache {

    private static final Logger LOG = LoggerFactory.getLogger(StaticCache.class);
    /** Bump when regridding changes its results, so older cache files are not reused. */
    private static final String FORMAT = "static-layer-v1";
    private static final String PROVENANCE = "gridcast_provenance";

    private StaticCache() {
    }

    static Path path(Path cacheDir, StaticLayerSpec spec, Grid grid) throws IOException {
        return cacheDir.resolve(spec.name() + "-" + key(spec, grid) + ".nc");
    }

    /** The cached field, or null when there is none (or it does not match the grid, e.g. a hand-edited file). */
    static StaticField read(Path file, StaticLayerSpec spec, Grid grid) {
        if (!Files.isRegularFile(file)) {
            return null;
        }
        try (var nc = ucar.nc2.NetcdfFile.open(file.toString())) {
            Frame f = new CfNetcdfReader().readStatic(file, spec.name());
            Attribute provenance = nc.findGlobalAttribute(PROVENANCE);
            if (!f.grid().equals(grid) || provenance == null) {
                LOG.warn("static layer cache {} does not match grid {}; regridding again", file, grid.describe());
                return null;
            }
            LOG.info("static layer {}: read from cache {}", spec.name(), file);
            return new StaticField(spec.name(), f.units(), spec.categorical(), grid, f.values(),
                    provenance.getStringValue());
        } catch (UnusableFileException | IOException e) {
            LOG.warn("static layer cache {} is unreadable ({}); regridding again", file, e.getMessage());
            return null;
        }
    }

    static void write(Path file, StaticField field) throws IOException {
        Files.createDirectories(file.getParent());
        Grid grid = field.grid();
        Netcdf3Files.writeAtomically(file, false, w -> {
            w.addGroupAttribute(null, new Attribute("Conventions", "CF-1.8"));
            w.addGroupAttribute(null, new Attribute("title", "gridcast static layer " + field.name()));
            w.addGroupAttribute(null, new Attribute(PROVENANCE, field.provenance()));
            Variable y = Netcdf3Files.defineAxis(w, grid.y(), "Y");
            Variable x = Netcdf3Files.defineAxis(w, grid.x(), "X");
            Variable proj = grid.mapping() == null ? null : Netcdf3Files.defineGridMapping(w, grid.mapping());
            Variable v = w.addVariable(null, field.name(), DataType.FLOAT, grid.y().name() + " " + grid.x().name());
            // A curvilinear grid is its cells' positions: the file must carry them to be read back as the same grid.
            Variable[] latLon = grid.geolocation() == null ? null : Netcdf3Files.defineGeolocation(w, grid);
            if (latLon != null) {
                w.addVariableAttribute(v, new Attribute("coordinates", latLon[0].getShortName() + " "
                        + latLon[1].getShortName()));
            }
            Netcdf3Files.text(w, v, "units", field.units());
            Netcdf3Files.text(w, v, "long_name", field.provenance());
            if (proj != null) {
                Netcdf3Files.text(w, v, "grid_mapping", grid.mapping().variable());
            }
            w.addVariableAttribute(v, new Attribute("_FillValue", Float.NaN));
            w.create();
            Netcdf3Files.writeAxis(w, y, grid.y());
            Netcdf3Files.writeAxis(w, x, grid.x());
            if (proj != null) {
                Netcdf3Files.writeGridMapping(w, proj);
            }
            Netcdf3Files.writeGeolocation(w, latLon, grid);
            w.write(v, Array.factory(DataType.FLOAT, new int[] {grid.ny(), grid.nx()}, field.values()));
        });
    }

    private static String key(StaticLayerSpec spec, Grid grid) throws IOException {
        Path source = spec.file().toAbsolutePath().normalize();
        StringBuilder b = new StringBuilder(FORMAT).append('\n')
                .append(source).append('|').append(Files.size(source)).append('|')
                .append(Files.getLastModifiedTime(source).toMillis()).append('\n')
                .append(spec.variable()).append('|').append(spec.method()).append('|').append(spec.categorical())
                .append('|').append(spec.fillMissing()).append('|').append(spec.units()).append('\n')
                .append(axis(grid.y())).append('\n').append(axis(grid.x())).append('\n');
        if (grid.mapping() != null) {
            b.append(grid.mapping().variable()).append(grid.mapping().textAttributes());
            grid.mapping().numberAttributes().forEach((k, v) -> b.append(k).append(Arrays.toString(v)));
        }
        if (grid.geolocation() != null) {
            b.append(Arrays.toString(grid.geolocation().lat())).append(Arrays.toString(grid.geolocation().lon()));
        }
        try {
            byte[] hash = MessageDigest.getInstance("SHA-256").digest(b.toString().getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(hash, 0, 8);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    private static String axis(Axis a) {
        return a.name() + "|" + a.standardName() + "|" + a.units() + "|" + Arrays.toString(a.values());
    }
}
