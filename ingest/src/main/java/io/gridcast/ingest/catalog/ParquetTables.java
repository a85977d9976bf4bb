package io.gridcast.ingest.catalog;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.sql.Timestamp;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.example.data.Group;
import org.apache.parquet.example.data.simple.SimpleGroupFactory;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.example.ExampleParquetWriter;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.OutputFile;
import org.apache.parquet.io.PositionOutputStream;
import org.apache.parquet.schema.LogicalTypeAnnotation;
import org.apache.parquet.schema.MessageType;
import org.apache.parquet.schema.PrimitiveType.PrimitiveTypeName;
import org.apache.parquet.schema.Type;
import org.apache.parquet.schema.Types;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataType;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructField;
import org.apache.spark.sql.types.StructType;

/**
 * Writes the catalog's small tables (a row a file or a frame) from the driver as Parquet files that Spark reads
 * like its own: snappy-compressed, nullable columns, timestamps as UTC microseconds, a partitioned table as
 * {@code column=value} folders. A Spark write of such a table cost a job each plus, on a local file system
 * without Hadoop's native library, a forked {@code chmod} for every folder and file it made: together more
 * than reading the BOM day's 144 files. The files go through java.nio, never Hadoop's local file system.
 */
final class ParquetTables {

    /** Loading Hadoop's default resources once, not per table. */
    private static final Configuration CONF = new Configuration();

    private ParquetTables() {
    }

    /** One Parquet file {@code dir/part-00000.snappy.parquet} of {@code rows}; zero rows still record the schema. */
    static void write(Path dir, StructType schema, List<Row> rows) {
        try {
            Files.createDirectories(dir);
            writeFile(dir.resolve("part-00000.snappy.parquet"), schema, rows);
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write Parquet table " + dir, e);
        }
    }

    /**
     * A table partitioned by the string column {@code column}: one folder {@code column=value} per value, each
     * holding one Parquet file of its rows without that column (Spark reads it back from the folder name).
     */
    static void writePartitioned(Path dir, String column, StructType schema, List<Row> rows) {
        int index = schema.fieldIndex(column);
        StructType rest = new StructType(Arrays.stream(schema.fields()).filter(f -> !f.name().equals(column))
                .toArray(StructField[]::new));
        Map<String, List<Row>> byValue = new LinkedHashMap<>();
        for (Row row : rows) {
            byValue.computeIfAbsent(row.getString(index), v -> new ArrayList<>()).add(without(row, index));
        }
        byValue.forEach((value, part) -> write(dir.resolve(column + "=" + value), rest, part));
    }

    private static Row without(Row row, int index) {
        Object[] values = new Object[row.length() - 1];
        for (int i = 0, j = 0; i < row.length(); i++) {
            if (i != index) {
                values[j++] = row.get(i);
            }
        }
        return RowFactory.create(values);
    }

    private static void writeFile(Path file, StructType schema, List<Row> rows) throws IOException {
        MessageType type = parquetType(schema);
        SimpleGroupFactory groups = new SimpleGroupFactory(type);
        try (ParquetWriter<Group> writer = ExampleParquetWriter.builder(new LocalOutputFile(file))
                .withConf(CONF)
                .withType(type)
                .withCompressionCodec(CompressionCodecName.SNAPPY)
                .build()) {
            StructField[] fields = schema.fields();
            for (Row row : rows) {
                Group g = groups.newGroup();
                for (int i = 0; i < fields.length; i++) {
                    if (!row.isNullAt(i)) {
                        append(g, fields[i], row.get(i));
                    }
                }
                writer.write(g);
            }
        }
    }

    private static void append(Group g, StructField field, Object value) {
        DataType t = field.dataType();
        if (t.equals(DataTypes.StringType)) {
            g.append(field.name(), (String) value);
        } else if (t.equals(DataTypes.IntegerType)) {
            g.append(field.name(), (Integer) value);
        } else if (t.equals(DataTypes.LongType)) {
            g.append(field.name(), (Long) value);
        } else if (t.equals(DataTypes.DoubleType)) {
            g.append(field.name(), (Double) value);
        } else if (t.equals(DataTypes.TimestampType)) {
            Instant instant = ((Timestamp) value).toInstant();
            g.append(field.name(), ChronoUnit.MICROS.between(Instant.EPOCH, instant));
        } else {
            throw new IllegalArgumentException("column " + field.name() + " of type " + t + " has no Parquet mapping");
        }
    }

    /** Spark's types to Parquet's, as Spark itself writes them (every column optional). */
    static MessageType parquetType(StructType schema) {
        Types.MessageTypeBuilder message = Types.buildMessage();
        for (StructField f : schema.fields()) {
            DataType t = f.dataType();
            Type.Repetition optional = Type.Repetition.OPTIONAL;
            if (t.equals(DataTypes.StringType)) {
                message.addField(Types.primitive(PrimitiveTypeName.BINARY, optional)
                        .as(LogicalTypeAnnotation.stringType()).named(f.name()));
            } else if (t.equals(DataTypes.IntegerType)) {
                message.addField(Types.primitive(PrimitiveTypeName.INT32, optional).named(f.name()));
            } else if (t.equals(DataTypes.LongType)) {
                message.addField(Types.primitive(PrimitiveTypeName.INT64, optional).named(f.name()));
            } else if (t.equals(DataTypes.DoubleType)) {
                message.addField(Types.primitive(PrimitiveTypeName.DOUBLE, optional).named(f.name()));
            } else if (t.equals(DataTypes.TimestampType)) {
                message.addField(Types.primitive(PrimitiveTypeName.INT64, optional)
                        .as(LogicalTypeAnnotation.timestampType(true, LogicalTypeAnnotation.TimeUnit.MICROS))
                        .named(f.name()));
            } else {
                throw new IllegalArgumentException("column " + f.name() + " of type " + t + " has no Parquet mapping");
            }
        }
        return message.named("spark_schema");
    }

    /** A local file as Parquet's output (parquet-mr's own LocalOutputFile comes only with 1.14, after Spark's 1.13). */
    private record LocalOutputFile(Path path) implements OutputFile {

        @Override
        public PositionOutputStream create(long blockSizeHint) throws IOException {
            return stream(StandardOpenOption.CREATE_NEW);
        }

        @Override
        public PositionOutputStream createOrOverwrite(long blockSizeHint) throws IOException {
            return stream(StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING);
        }

        private PositionOutputStream stream(StandardOpenOption... options) throws IOException {
            OutputStream out = new BufferedOutputStream(Files.newOutputStream(path, options), 1 << 16);
            return new PositionOutputStream() {
                private long position;

                @Override
                public long getPos() {
                    return position;
                }

                @Override
                public void write(int b) throws IOException {
                    out.write(b);
                    position++;
                }

                @Override
                public void write(byte[] b, int off, int len) throws IOException {
                    out.write(b, off, len);
                    position += len;
                }

                @Override
                public void flush() throws IOException {
                    out.flush();
                }

                @Override
                public void close() throws IOException {
                    out.close();
                }
            };
        }

        @Override
        public boolean supportsBlockSize() {
            return false;
        }

        @Override
        public long defaultBlockSize() {
            return 0;
        }

        @Override
        public String getPath() {
            return path.toString();
        }
    }
}
