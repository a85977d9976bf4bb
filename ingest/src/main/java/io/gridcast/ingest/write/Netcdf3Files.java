package io.gridcast.ingest.write;

import io.gridcast.ingest.AtomicFiles;
import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.grid.GridMapping;
import io.gridcast.ingest.statics.GridLocations;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import ucar.ma2.Array;
import ucar.ma2.DataType;
import ucar.ma2.InvalidRangeException;
import ucar.nc2.Attribute;
import ucar.nc2.Dimension;
import ucar.nc2.NetcdfFileWriter;
import ucar.nc2.Variable;

/** What the NetCDF-3 writers share: atomic replacement of the target, and CF axes and grid mappings. */
public final class Netcdf3Files {

    /** Defines and writes one file at the given (temporary) location. */
    @FunctionalInterface
    public interface Body {
        void write(NetcdfFileWriter writer) throws IOException, InvalidRangeException;
    }

    private Netcdf3Files() {
    }

    /**
     * Writes {@code target} through a hidden temporary file beside it that is renamed over the target only once
     * complete, so readers never see a partial file; the temporary file is removed on any failure.
     *
     * @param largeFile 64-bit offset format (needed past 2 GiB) rather than classic
     */
    public static Path writeAtomically(Path target, boolean largeFile, Body body) throws IOException {
        Path absolute = target.toAbsolutePath();
        Files.createDirectories(absolute.getParent());
        Path temp = AtomicFiles.stagingFor(absolute);
        try {
            NetcdfFileWriter w = NetcdfFileWriter.createNew(NetcdfFileWriter.Version.netcdf3, temp.toString());
            try {
                w.setLargeFile(largeFile);
                // Every variable is written in full, so pre-filling would write each byte twice.
                w.setFill(false);
                body.write(w);
            } finally {
                w.close();
            }
            AtomicFiles.replaceFile(temp, absolute);
            return absolute;
        } catch (InvalidRangeException e) {
            throw new IOException("writing " + absolute + ": " + e.getMessage(), e);
        } finally {
            Files.deleteIfExists(temp);
        }
    }

    /** Defines dimension and coordinate variable {@code axis.name()} with units, standard_name and CF axis. */
    public static Variable defineAxis(NetcdfFileWriter w, Axis axis, String cfAxis) {
        Dimension d = w.addDimension(null, axis.name(), axis.size());
        Variable v = w.addVariable(null, axis.name(), DataType.DOUBLE, d.getShortName());
        text(w, v, "units", axis.units());
        text(w, v, "standard_name", axis.standardName());
        w.addVariableAttribute(v, new Attribute("axis", cfAxis));
        return v;
    }

    public static void writeAxis(NetcdfFileWriter w, Variable v, Axis axis) throws IOException, InvalidRangeException {
        w.write(v, Array.factory(axis.values()));
    }

    /** A scalar int variable holding the mapping's attributes (its value is never read), grid_mapping_name first. */
    public static Variable defineGridMapping(NetcdfFileWriter w, GridMapping m) {
        Variable v = w.addVariable(null, m.variable(), DataType.INT, "");
        text(w, v, "grid_mapping_name", m.mappingName());
        m.textAttributes().forEach((k, value) -> {
            if (!k.equals("grid_mapping_name")) {
                w.addVariableAttribute(v, new Attribute(k, value));
            }
        });
        m.numberAttributes().forEach((k, values) ->
                w.addVariableAttribute(v, new Attribute(k, Array.factory(values))));
        return v;
    }

    public static void writeGridMapping(NetcdfFileWriter w, Variable v) throws IOException, InvalidRangeException {
        w.write(v, Array.factory(DataType.INT, new int[0], new int[] {0}));
    }

    /**
     * {@code lat(y, x)} and {@code lon(y, x)}, every cell centre's position (CF 5.2 and 5.6 auxiliary coordinates),
     * for a projected or curvilinear grid; null for a latitude/longitude grid, whose axes place it already. The
     * data variables name them in {@code coordinates}; a name already taken gets underscores appended.
     */
    public static Variable[] defineGeolocation(NetcdfFileWriter w, Grid g) {
        if (g.mapping() == null && g.geolocation() == null) {
            return null;
        }
        String dims = g.y().name() + " " + g.x().name();
        return new Variable[] {auxiliary(w, "lat", dims, "latitude", "degrees_north"),
            auxiliary(w, "lon", dims, "longitude", "degrees_east")};
    }

    private static Variable auxiliary(NetcdfFileWriter w, String name, String dims, String standardName, String units) {
        String free = name;
        while (w.findVariable(free) != null) {
            free += "_";
        }
        Variable v = w.addVariable(null, free, DataType.DOUBLE, dims);
        w.addVariableAttribute(v, new Attribute("standard_name", standardName));
        w.addVariableAttribute(v, new Attribute("long_name", standardName + " of the cell centre"));
        w.addVariableAttribute(v, new Attribute("units", units));
        return v;
    }

    /** Writes what {@link #defineGeolocation} defined (nothing when it returned null). */
    public static void writeGeolocation(NetcdfFileWriter w, Variable[] latLon, Grid g)
            throws IOException, InvalidRangeException {
        if (latLon == null) {
            return;
        }
        double[][] centres = new GridLocations(g).centres();
        w.write(latLon[0], Array.factory(DataType.DOUBLE, new int[] {g.ny(), g.nx()}, centres[0]));
        w.write(latLon[1], Array.factory(DataType.DOUBLE, new int[] {g.ny(), g.nx()}, centres[1]));
    }

    /** Adds a text attribute unless {@code value} is empty (CF has no use for empty names or units). */
    public static void text(NetcdfFileWriter w, Variable v, String name, String value) {
        if (value != null && !value.isEmpty()) {
            w.addVariableAttribute(v, new Attribute(name, value));
        }
    }
}
