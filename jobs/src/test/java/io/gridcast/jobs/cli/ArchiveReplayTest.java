package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.gridcast.ingest.read.FrameReader;
import io.gridcast.ingest.read.FrameReaders;
import io.gridcast.ingest.read.FrameSource;
import io.gridcast.ingest.synth.SyntheticArchive;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The feed bench's replay: the archive's frames, their times moved on past its end, read by the CF reader. */
class ArchiveReplayTest {

    @TempDir
    Path temp;

    @Test
    void replaysTheBomDayAsTheNextDaysWithTheSameValues() throws Exception {
        Path bom = BomRadarEndToEndTest.BOM;
        assumeTrue(Files.isDirectory(bom), "skipped: " + bom + " is absent (the shared data set is not beside this clone)");
        Path archive = Files.createDirectories(temp.resolve("archive"));
        // Three files of NetCDF-4 with an int64 scalar time, which NetCDF-3 has no type for.
        try (Stream<Path> files = Files.list(bom)) {
            for (Path f : files.sorted().limit(3).toList()) {
                Files.copy(f, archive.resolve(f.getFileName()));
            }
        }
        ArchiveReplay replay = ArchiveReplay.of(archive, "*.nc");

        assertThat(replay.size()).isEqualTo(3);
        assertThat(replay.archiveTime(0)).isEqualTo(Instant.parse("2020-10-31T00:00:00Z"));
        // The period is the archive's span plus a step (30 minutes): slot 4 is the second file, two periods on.
        assertThat(replay.slotTime(0)).isEqualTo(Instant.parse("2020-10-31T00:30:00Z"));
        assertThat(replay.slotTime(4)).isEqualTo(Instant.parse("2020-10-31T01:10:00Z"));

        Path feed = temp.resolve("feed");
        Path slot = replay.copySlot(4, feed);
        Path original = replay.copyArchive(1, feed);
        assertThat(slot.getFileName().toString()).isEqualTo("frame_20201031T011000Z.nc");
        FrameReader reader = FrameReaders.byName("cf-netcdf");
        try (FrameSource copy = reader.open(slot, "precipitation");
             FrameSource source = reader.open(bom.resolve("66_20201031_001000.prcp-c10.nc"), "precipitation")) {
            assertThat(copy.times()).containsExactly(source.times().get(0).plus(Duration.ofHours(1)));
            assertThat(copy.frame(0).values()).containsExactly(source.frame(0).values());
            assertThat(copy.grid()).isEqualTo(source.grid());
            assertThat(copy.units()).isEqualTo(source.units());
        }
        try (FrameSource copy = reader.open(original, "precipitation")) {
            assertThat(copy.times()).containsExactly(Instant.parse("2020-10-31T00:10:00Z"));
        }
    }

    @Test
    void refusesAnArchiveWithoutATimeCoordinate() throws Exception {
        SyntheticArchive.Result synth = SyntheticArchive.write(temp.resolve("synth"),
                new SyntheticArchive.Spec(2, 16, 1, Duration.ofMinutes(5), Instant.parse("2026-01-01T00:00:00Z")));

        assertThatThrownBy(() -> ArchiveReplay.of(synth.elevation().getParent(), "*.nc"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("elevation.nc")
                .hasMessageContaining("no time coordinate");
    }
}
