package io.gridcast.jobs.cli;

import io.gridcast.ingest.write.Netcdf3Files;
import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;
import ucar.ma2.Array;
import ucar.ma2.DataType;
import ucar.ma2.IndexIterator;
import ucar.nc2.Attribute;
import ucar.nc2.Dimension;
import ucar.nc2.NetcdfFile;
import ucar.nc2.NetcdfFileWriter;
import ucar.nc2.Variable;
import ucar.nc2.time.CalendarDateUnit;
import ucar.nc2.time.CalendarPeriod;

/**
 * An archive of CF NetCDF files, one or more times a file, replayed as a feed that goes on past the archive's end:
 * slot {@code k} is file {@code k mod n} with every time variable (CF 4.4: units {@code "<unit> since <date>"}) moved
 * on by {@code k / n + 1} archive periods (its span plus one step), copied as NetCDF-3. NetCDF-Java's
 * {@code FileWriter2} copies a file too, but neither moves times nor turns NetCDF-4's 64-bit integers (BOM's
 * {@code valid_time}), which NetCDF-3 lacks, into doubles.
 */
final class ArchiveReplay {

    private static final DateTimeFormatter STAMP = DateTimeFormatter.ofPattern("yyyyMMdd'T'HHmmss'Z'").withZone(ZoneOffset.UTC);

    private final List<Path> files;
    private final List<Instant> times;
    private final Duration period;

    private ArchiveReplay(List<Path> files, List<Instant> times) {
        this.files = files;
        this.times = times;
        Duration span = Duration.between(times.get(0), times.get(times.size() - 1));
        this.period = span.plus(span.dividedBy(times.size() - 1));
    }

    /** The files of {@code dir} matching the glob {@code pattern}, in time order; at least two. */
    static ArchiveReplay of(Path dir, String pattern) throws IOException {
        PathMatcher matcher = FileSystems.getDefault().getPathMatcher("glob:" + pattern);
        List<Path> found;
        try (Stream<Path> listing = Files.list(dir)) {
            found = listing.filter(p -> Files.isRegularFile(p) && matcher.matches(p.getFileName())).sorted().toList();
        }
        List<Path> files = new ArrayList<>(found);
        List<Instant> times = new ArrayList<>();
        for (Path f : found) {
            times.add(firstTime(f));
        }
        if (files.size() < 2) {
            throw new IllegalArgumentException(dir + ": the feed replays an archive of at least two files matching '"
                    + pattern + "', found " + files.size());
        }
        List<Integer> order = new ArrayList<>();
        for (int i = 0; i < files.size(); i++) {
            order.add(i);
        }
        order.sort(Comparator.comparing(times::get));
        return new ArchiveReplay(order.stream().map(files::get).toList(), order.stream().map(times::get).toList());
    }

    int size() {
        return files.size();
    }

    /** The archive's own frame time of file {@code i} (time order). */
    Instant archiveTime(int i) {
        return times.get(i);
    }

    /** The frame time slot {@code k} (0 is the first after the archive) carries. */
    Instant slotTime(long k) {
        return times.get((int) (k % size())).plus(period.multipliedBy(k / size() + 1));
    }

    /** File {@code i} of the archive unchanged in content, as NetCDF-3, in {@code dir}; returns its path. */
    Path copyArchive(int i, Path dir) throws IOException {
        return copy(files.get(i), Duration.ZERO, dir.resolve(name(times.get(i))));
    }

    /** Slot {@code k}'s file in {@code dir}; returns its path. */
    Path copySlot(long k, Path dir) throws IOException {
        Duration shift = period.multipliedBy(k / size() + 1);
        return copy(files.get((int) (k % size())), shift, dir.resolve(name(slotTime(k))));
    }

    private static String name(Instant time) {
        return "frame_" + STAMP.format(time) + ".nc";
    }

    private static Path copy(Path source, Duration shift, Path target) throws IOException {
        try (NetcdfFile in = NetcdfFile.open(source.toString())) {
            if (!in.getRootGroup().getGroups().isEmpty()) {
                throw new IllegalArgumentException(source + ": has groups; the feed replays flat CF NetCDF files only");
            }
            return Netcdf3Files.writeAtomically(target, false, w -> {
                for (Dimension d : in.getDimensions()) {
                    w.addDimension(null, d.getShortName(), d.getLength(), true, d.isUnlimited(), false);
                }
                for (Attribute a : in.getGlobalAttributes()) {
                    if (netcdf3(a)) {
                        w.addGroupAttribute(null, netcdf3Attribute(a));
                    }
                }
                List<Variable[]> pairs = new ArrayList<>();
                for (Variable v : in.getVariables()) {
                    // Times become doubles: moved on by part of a unit, an integer time would be cut.
                    DataType type = timeUnit(v, source) != null ? DataType.DOUBLE
                            : netcdf3Type(v.getDataType(), source, v.getShortName());
                    Variable copy = w.addVariable(null, v.getShortName(), type, v.getDimensionsString());
                    for (Attribute a : v.getAttributes()) {
                        if (netcdf3(a)) {
                            w.addVariableAttribute(copy, netcdf3Attribute(a));
                        }
                    }
                    pairs.add(new Variable[] {v, copy});
                }
                w.create();
                for (Variable[] pair : pairs) {
                    w.write(pair[1], values(pair[0], pair[1].getDataType(), shift, source));
                }
            });
        }
    }

    /** A time variable's values moved on by {@code shift}, any other variable's as they are, in {@code type}. */
    private static Array values(Variable v, DataType type, Duration shift, Path source) throws IOException {
        Array data = v.read();
        CalendarDateUnit unit = timeUnit(v, source);
        double add = unit == null ? 0 : shift.toMillis() / unit.getTimeUnit().getValueInMillisecs();
        return type == v.getDataType() && add == 0 ? data : convert(data, type, add);
    }

    private static Array convert(Array data, DataType type, double add) {
        Array out = Array.factory(type, data.getShape());
        IndexIterator from = data.getIndexIterator();
        IndexIterator to = out.getIndexIterator();
        while (from.hasNext()) {
            to.setDoubleNext(from.getDoubleNext() + add);
        }
        return out;
    }

    /** The CF time unit of {@code v}, or null if its units are not {@code "<unit> since <date>"}. */
    private static CalendarDateUnit timeUnit(Variable v, Path source) {
        String units = v.getUnitsString();
        if (units == null || !units.contains(" since ")) {
            return null;
        }
        Attribute calendar = v.findAttribute("calendar");
        CalendarDateUnit unit = CalendarDateUnit.of(calendar == null ? null : calendar.getStringValue(), units);
        CalendarPeriod.Field field = unit.getTimeUnit().getField();
        if (field == CalendarPeriod.Field.Month || field == CalendarPeriod.Field.Year) {
            throw new IllegalArgumentException(source + ": variable " + v.getShortName() + " counts time in "
                    + field + "s, whose length varies; the feed moves times in days or shorter units only");
        }
        return unit;
    }

    /** The first value of the file's time coordinate (standard_name time or axis T). */
    private static Instant firstTime(Path file) throws IOException {
        try (NetcdfFile in = NetcdfFile.open(file.toString())) {
            for (Variable v : in.getVariables()) {
                if ("time".equals(attribute(v, "standard_name")) || "T".equalsIgnoreCase(attribute(v, "axis"))) {
                    CalendarDateUnit unit = timeUnit(v, file);
                    if (unit != null) {
                        return unit.makeCalendarDate(v.read().getDouble(0)).toDate().toInstant();
                    }
                }
            }
        }
        throw new IllegalArgumentException(file + ": no time coordinate (a variable with standard_name 'time' or "
                + "axis 'T' and units '<unit> since <date>'); the feed replays CF NetCDF files only");
    }

    private static String attribute(Variable v, String name) {
        Attribute a = v.findAttribute(name);
        return a == null || !a.isString() ? null : a.getStringValue();
    }

    /** NetCDF-4's reserved attributes (chunking, its properties) mean nothing in NetCDF-3. */
    private static boolean netcdf3(Attribute a) {
        return !a.getShortName().startsWith("_") || a.getShortName().equals("_FillValue")
                || a.getShortName().equals("_Unsigned");
    }

    private static Attribute netcdf3Attribute(Attribute a) {
        if (a.getDataType() != DataType.LONG) {
            return a;
        }
        List<Number> values = new ArrayList<>();
        for (int i = 0; i < a.getLength(); i++) {
            values.add(a.getNumericValue(i).doubleValue());
        }
        return new Attribute(a.getShortName(), values);
    }

    private static DataType netcdf3Type(DataType type, Path source, String variable) {
        return switch (type) {
            case BYTE, CHAR, SHORT, INT, FLOAT, DOUBLE -> type;
            case LONG -> DataType.DOUBLE;
            default -> throw new IllegalArgumentException(source + ": variable " + variable + " is " + type
                    + ", which NetCDF-3 cannot hold; the feed replays CF NetCDF files of NetCDF-3's types");
        };
    }
}
