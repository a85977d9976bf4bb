package io.gridcast.ingest.catalog;

import io.gridcast.ingest.read.RejectionKind;
import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.ingest.grid.Axis;
import io.gridcast.ingest.grid.Grid;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.ObjectInputStream;
import java.io.ObjectOutputStream;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Task results cross from executor to driver through Java serialization, the rows encoded as one byte array. */
class FrameReadEncodingTest {

    private static final FrameIngest.FrameRead ACCEPTED = new FrameIngest.FrameRead("/archive/66_20201031_120000.nc",
            1_234_567L, 1_604_145_600_000L, 0, Instant.parse("2020-10-31T12:00:00.123456789Z"), "kg m-2",
            "precipitation_amount", "0123456789abcdef", 262_144L, 0.0, 37.5, 0.012345678901234, null, null, null);

    /** A rejection: no time, units, grid or statistics, and an exception text longer than DataOutput's 64 KB UTF. */
    private static final FrameIngest.FrameRead REJECTED = new FrameIngest.FrameRead("/archive/bruit-é.nc", 4096L, 7L,
            -1, null, null, null, null, 0, Double.NaN, Double.NaN, Double.NaN, RejectionKind.NOT_READABLE,
            "not a NetCDF file (starts with bytes 00 01)", "java.io.IOException: " + "x".repeat(70_000));

    @Test
    void rowsSurviveTheTripFieldForField() throws Exception {
        Grid grid = new Grid(new Axis("y", "projection_y_coordinate", "km", new double[] {0.5, 1.5}),
                new Axis("x", "projection_x_coordinate", "km", new double[] {0.5, 1.5, 2.5}), null);
        FrameIngest.PartitionRead sent = new FrameIngest.PartitionRead(List.of(ACCEPTED, REJECTED),
                Map.of("0123456789abcdef", grid));

        FrameIngest.PartitionRead received = (FrameIngest.PartitionRead) javaRoundTrip(sent);

        // Records compare NaN statistics equal (Double.compare), so equality is field for field.
        assertThat(received.rows()).containsExactly(ACCEPTED, REJECTED);
        assertThat(received.grids()).isEqualTo(sent.grids());
    }

    @Test
    void noRowsIsAnEmptyList() {
        assertThat(FrameReadEncoding.decode(FrameReadEncoding.encode(List.of()))).isEmpty();
    }

    private static Object javaRoundTrip(Object o) throws IOException, ClassNotFoundException {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        try (ObjectOutputStream out = new ObjectOutputStream(bytes)) {
            out.writeObject(o);
        }
        try (ObjectInputStream in = new ObjectInputStream(new ByteArrayInputStream(bytes.toByteArray()))) {
            return in.readObject();
        }
    }
}
