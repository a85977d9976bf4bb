package io.gridcast.ingest.catalog;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.LocalSpark;
import java.nio.file.Path;
import java.sql.Timestamp;
import java.time.Instant;
import java.util.List;
import org.apache.spark.sql.Row;
import org.apache.spark.sql.RowFactory;
import org.apache.spark.sql.types.DataTypes;
import org.apache.spark.sql.types.StructType;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Tables written from the driver read back in Spark exactly as written, nulls and partitions included. */
class ParquetTablesTest {

    static final StructType SCHEMA = new StructType()
            .add("date", DataTypes.StringType, false)
            .add("time", DataTypes.TimestampType, true)
            .add("file", DataTypes.StringType, true)
            .add("index", DataTypes.IntegerType, false)
            .add("cells", DataTypes.LongType, false)
            .add("mean", DataTypes.DoubleType, false);

    @RegisterExtension
    static final LocalSpark SPARK = new LocalSpark("local[1]");

    @TempDir
    Path dir;

    @Test
    void everyColumnTypeAndNullReadsBackInSpark() {
        List<Row> rows = List.of(
                RowFactory.create("2020-10-31", Timestamp.from(Instant.parse("2020-10-31T23:50:00.123456Z")), "a.nc",
                        3, 262_144L, 0.25),
                RowFactory.create("2020-11-01", null, null, -1, 0L, Double.NaN));

        ParquetTables.write(dir.resolve("plain"), SCHEMA, rows);
        ParquetTables.writePartitioned(dir.resolve("by-date"), "date", SCHEMA, rows);

        for (String table : List.of("plain", "by-date")) {
            List<Row> back = SPARK.session().read().parquet(dir.resolve(table).toString())
                    .select("date", "time", "file", "index", "cells", "mean").orderBy("index").collectAsList();
            assertThat(back).hasSize(2);
            assertThat(back.get(0).get(0).toString()).isEqualTo("2020-11-01");
            assertThat(back.get(0).isNullAt(1)).isTrue();
            assertThat(back.get(0).isNullAt(2)).isTrue();
            assertThat(back.get(0).getDouble(5)).isNaN();
            assertThat(back.get(1).getTimestamp(1).toInstant()).isEqualTo(Instant.parse("2020-10-31T23:50:00.123456Z"));
            assertThat(back.get(1).getString(2)).isEqualTo("a.nc");
            assertThat(back.get(1).getInt(3)).isEqualTo(3);
            assertThat(back.get(1).getLong(4)).isEqualTo(262_144L);
            assertThat(back.get(1).getDouble(5)).isEqualTo(0.25);
        }
        assertThat(dir.resolve("by-date").resolve("date=2020-10-31")).isDirectory();
    }

    @Test
    void anEmptyTableStillHasItsSchema() {
        ParquetTables.write(dir.resolve("empty"), SCHEMA, List.of());

        assertThat(SPARK.session().read().parquet(dir.resolve("empty").toString()).schema().fieldNames())
                .containsExactly("date", "time", "file", "index", "cells", "mean");
        assertThat(SPARK.session().read().parquet(dir.resolve("empty").toString()).count()).isZero();
    }
}
