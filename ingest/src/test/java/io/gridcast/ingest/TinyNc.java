package io.gridcast.ingest;

import java.io.IOException;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import ucar.ma2.Array;
import ucar.ma2.DataType;
import ucar.ma2.InvalidRangeException;
import ucar.nc2.Attribute;
import ucar.nc2.NetcdfFileWriter;
import ucar.nc2.Variable;

/** Writes small NetCDF-3 files for tests, so that each failure mode is one readable declaration. */
public final class TinyNc {

    /**
     * One variable: {@code dims} space-separated ("" for a scalar); attribute values are String, Number or
     * double[]; {@code data} a Java array of the variable's type and shape, flattened (or null to leave fill).
     */
    public record Var(String name, DataType type, String dims, Map<String, Object> attributes, Object data) {
    }

    private TinyNc() {
    }

    public static Var var(String name, DataType type, String dims, Object data, Object... attributePairs) {
        Map<String, Object> attributes = new LinkedHashMap<>();
        for (int i = 0; i < attributePairs.length; i += 2) {
            attributes.put((String) attributePairs[i], attributePairs[i + 1]);
        }
        return new Var(name, type, dims, attributes, data);
    }

    /** Writes the file; a dimension of length 0 is the record (unlimited) dimension, with no records. */
    public static Path write(Path file, Map<String, Integer> dims, List<Var> vars) throws IOException {
        return write(file, dims, vars, true);
    }

    /**
     * Writes the file without filling unwritten values: the header declares every variable's full size, but only
     * the values given are stored (the rest of the file is a hole), so a test can declare a huge variable cheaply.
     */
    public static Path writeWithoutFill(Path file, Map<String, Integer> dims, List<Var> vars) throws IOException {
        return write(file, dims, vars, false);
    }

    private static Path write(Path file, Map<String, Integer> dims, List<Var> vars, boolean fill) throws IOException {
        NetcdfFileWriter w = NetcdfFileWriter.createNew(NetcdfFileWriter.Version.netcdf3, file.toString());
        w.setFill(fill);
        try {
            dims.forEach((name, length) -> {
                if (length == 0) {
                    w.addUnlimitedDimension(name);
                } else {
                    w.addDimension(null, name, length);
                }
            });
            Map<Var, Variable> defined = new LinkedHashMap<>();
            for (Var v : vars) {
                Variable nv = w.addVariable(null, v.name(), v.type(), v.dims());
                v.attributes().forEach((k, value) -> w.addVariableAttribute(nv, attribute(k, value)));
                defined.put(v, nv);
            }
            w.create();
            for (Map.Entry<Var, Variable> e : defined.entrySet()) {
                if (e.getKey().data() != null) {
                    w.write(e.getValue(), Array.factory(e.getKey().type(), e.getValue().getShape(), e.getKey().data()));
                }
            }
        } catch (InvalidRangeException e) {
            throw new IOException(e);
        } finally {
            w.close();
        }
        return file;
    }

    private static Attribute attribute(String name, Object value) {
        if (value instanceof String s) {
            return new Attribute(name, s);
        }
        if (value instanceof double[] d) {
            return new Attribute(name, Array.factory(d));
        }
        return new Attribute(name, (Number) value);
    }
}
