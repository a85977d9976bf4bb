package io.gridcast.ingest.synth;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import io.gridcast.ingest.grid.Frame;
import io.gridcast.ingest.grid.Grid;
import io.gridcast.ingest.read.CfNetcdfReader;
import io.gridcast.ingest.read.FrameSource;
import io.gridcast.ingest.synth.SyntheticArchive.Result;
import io.gridcast.ingest.synth.SyntheticArchive.Spec;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import ucar.ma2.Array;
import ucar.nc2.NetcdfFile;
import ucar.nc2.Variable;

class SyntheticArchiveTest {

    private static final Logger log = LoggerFactory.getLogger(SyntheticArchiveTest.class);

    @TempDir
    Path tmp;

    private static final Spec SMALL = new Spec(40, 64, 7L, Duration.ofMinutes(10), Instant.parse("2026-03-01T06:00:00Z"));

    @Test
    void defaultArchiveIsQuickToWrite() throws Exception {
        long t0 = System.nanoTime();
        Result r = SyntheticArchive.write(tmp, Spec.defaults());
        double seconds = (System.nanoTime() - t0) / 1e9;
        log.info("synthetic default archive: {} files of 64x64 in {} s", r.files().size(), String.format("%.2f", seconds));
        assertThat(r.files()).hasSize(240);
        assertThat(r.files().get(0).getFileName()).hasToString("synth_20260101_000000.nc");
        assertThat(r.files().get(239).getFileName()).hasToString("synth_20260101_195500.nc");
        assertThat(r.elevation()).isEqualTo(tmp.toAbsolutePath().resolve("static/elevation.nc"));
        assertThat(r.framesDir()).isEqualTo(tmp.resolve("rain_rate"));
        try (Stream<Path> s = Files.list(r.framesDir())) {
            assertThat(s.map(p -> p.getFileName().toString())).as("frames only, no temporary files left")
                    .allMatch(n -> n.matches("synth_\\d{8}_\\d{6}\\.nc"));
        }
    }

    @Test
    void readsBackThroughTheCfReaderWithinPackingPrecision() throws Exception {
        Result r = SyntheticArchive.write(tmp, SMALL);
        SyntheticWeather truth = new SyntheticWeather(SMALL.size(), SMALL.seed());
        CfNetcdfReader reader = new CfNetcdfReader();
        float max = 0;
        for (int k = 0; k < SMALL.frames(); k++) {
            float[] expected = truth.next();
            try (FrameSource src = reader.open(r.files().get(k), SyntheticArchive.VARIABLE)) {
                assertThat(src.units()).isEqualTo("mm h-1");
                assertThat(src.standardName()).isEqualTo("rainfall_rate");
                assertThat(src.times()).containsExactly(SMALL.start().plus(SMALL.step().multipliedBy(k)));
                assertSameGrid(src.grid(), r.grid());
                Frame f = src.frame(0);
                float frameMax = 0;
                for (int c = 0; c < expected.length; c++) {
                    assertThat(f.values()[c]).isCloseTo(expected[c], within((float) (SyntheticArchive.SCALE_FACTOR / 2 + 1e-4)));
                    frameMax = Math.max(frameMax, f.values()[c]);
                }
                assertThat(frameMax).as("frame %d has rain", k).isGreaterThan(1f);
                max = Math.max(max, frameMax);
            }
        }
        assertThat(max).as("strongest cell, mm/h").isBetween(15f, 100f);
    }

    private static void assertSameGrid(Grid actual, Grid expected) {
        assertThat(actual.y()).isEqualTo(expected.y());
        assertThat(actual.x()).isEqualTo(expected.x());
        assertThat(actual.y().values()[0]).as("north to south").isEqualTo(31.5);
        assertThat(actual.x().spacing()).isEqualTo(1.0);
        assertThat(actual.mapping().variable()).isEqualTo("proj");
        assertThat(actual.mapping().textAttributes()).isEqualTo(expected.mapping().textAttributes());
        // GridMapping's record equals compares the double[] values by identity, so compare them one by one.
        assertThat(actual.mapping().numberAttributes()).hasSameSizeAs(expected.mapping().numberAttributes());
        expected.mapping().numberAttributes().forEach((k, v) ->
                assertThat(actual.mapping().numberAttributes().get(k)).as(k).containsExactly(v));
    }

    @Test
    void sameSeedGivesIdenticalBytesAndAnotherSeedDoesNot() throws Exception {
        Spec spec = new Spec(12, 32, 99L, Duration.ofMinutes(5), Instant.parse("2026-01-01T00:00:00Z"));
        Result a = SyntheticArchive.write(tmp.resolve("a"), spec);
        Result b = SyntheticArchive.write(tmp.resolve("b"), spec);
        Result c = SyntheticArchive.write(tmp.resolve("c"), new Spec(12, 32, 100L, spec.step(), spec.start()));
        for (int k = 0; k < 12; k++) {
            assertThat(Files.readAllBytes(a.files().get(k))).isEqualTo(Files.readAllBytes(b.files().get(k)));
        }
        assertThat(Files.readAllBytes(a.elevation())).isEqualTo(Files.readAllBytes(b.elevation()));
        assertThat(Files.readAllBytes(a.files().get(5))).isNotEqualTo(Files.readAllBytes(c.files().get(5)));
    }

    /**
     * With the static orographic factor divided out, the correlation of frame t+1 with frame t shifted by the
     * stated motion beats every other shift: summed over all pairs, and in nearly every single pair (cells that
     * are born, or overlap while one grows and the other decays, can pull one pair's peak a cell aside).
     */
    @Test
    void rainMovesByTheStatedMotion() throws Exception {
        Spec spec = Spec.defaults();
        Result r = SyntheticArchive.write(tmp, spec);
        int n = spec.size();
        int maxLag = 4;
        float[] elevation = new SyntheticWeather(n, spec.seed()).elevation();
        int dCol = (int) Math.round(r.motion().dxCellsPerStep());
        int dRow = (int) -Math.round(r.motion().dyCellsPerStep()); // y runs north to south
        assertThat(new int[] {dCol, dRow}).containsExactly(2, -1);
        CfNetcdfReader reader = new CfNetcdfReader();
        double[][] total = new double[2 * maxLag + 1][2 * maxLag + 1];
        int pairs = 0;
        int exact = 0;
        float[] previous = null;
        for (Path file : r.files()) {
            float[] current;
            try (FrameSource src = reader.open(file, SyntheticArchive.VARIABLE)) {
                current = src.frame(0).values();
            }
            for (int c = 0; c < current.length; c++) {
                current[c] /= 1 + elevation[c] / 2000f;
            }
            if (previous != null) {
                double[][] corr = correlations(previous, current, n, maxLag);
                int[] peak = argmax(corr);
                exact += peak[0] == dCol + maxLag && peak[1] == dRow + maxLag ? 1 : 0;
                pairs++;
                for (int i = 0; i < corr.length; i++) {
                    for (int j = 0; j < corr.length; j++) {
                        total[i][j] += corr[i][j];
                    }
                }
            }
            previous = current;
        }
        int[] peak = argmax(total);
        assertThat(new int[] {peak[0] - maxLag, peak[1] - maxLag}).containsExactly(dCol, dRow);
        assertThat((double) exact / pairs).as("share of pairs peaking at the stated shift").isGreaterThan(0.9);
    }

    /** [column shift + maxLag][row shift + maxLag]: Pearson correlation of a[i] and b[i + shift] over the overlap. */
    private static double[][] correlations(float[] a, float[] b, int n, int maxLag) {
        double[][] out = new double[2 * maxLag + 1][2 * maxLag + 1];
        for (int dr = -maxLag; dr <= maxLag; dr++) {
            for (int dc = -maxLag; dc <= maxLag; dc++) {
                double sa = 0;
                double sb = 0;
                double saa = 0;
                double sbb = 0;
                double sab = 0;
                int count = 0;
                for (int row = Math.max(0, -dr); row < Math.min(n, n - dr); row++) {
                    for (int col = Math.max(0, -dc); col < Math.min(n, n - dc); col++) {
                        double va = a[row * n + col];
                        double vb = b[(row + dr) * n + col + dc];
                        sa += va;
                        sb += vb;
                        saa += va * va;
                        sbb += vb * vb;
                        sab += va * vb;
                        count++;
                    }
                }
                out[dc + maxLag][dr + maxLag] =
                        (sab - sa * sb / count) / Math.sqrt((saa - sa * sa / count) * (sbb - sb * sb / count));
            }
        }
        return out;
    }

    private static int[] argmax(double[][] m) {
        int[] at = {0, 0};
        for (int i = 0; i < m.length; i++) {
            for (int j = 0; j < m[i].length; j++) {
                if (m[i][j] > m[at[0]][at[1]]) {
                    at = new int[] {i, j};
                }
            }
        }
        return at;
    }

    @Test
    void elevationFileHoldsTheTerrain() throws Exception {
        Result r = SyntheticArchive.write(tmp, new Spec(1, 64, 1L, Duration.ofMinutes(5), Instant.EPOCH));
        try (NetcdfFile nc = NetcdfFile.open(r.elevation().toString())) {
            Variable v = nc.findVariable("elevation");
            assertThat(v.getDimensionsString()).isEqualTo("y x");
            assertThat(v.findAttribute("units").getStringValue()).isEqualTo("m");
            assertThat(v.findAttribute("standard_name").getStringValue()).isEqualTo("surface_altitude");
            assertThat(v.findAttribute("grid_mapping").getStringValue()).isEqualTo("proj");
            Array a = v.read();
            float min = Float.MAX_VALUE;
            float max = -Float.MAX_VALUE;
            for (int i = 0; i < a.getSize(); i++) {
                min = Math.min(min, a.getFloat(i));
                max = Math.max(max, a.getFloat(i));
            }
            assertThat(min).isEqualTo(0f);
            assertThat(max).isEqualTo(1500f);
            assertThat(nc.findGlobalAttribute("Conventions").getStringValue()).isEqualTo("CF-1.8");
        }
    }

    @Test
    void motionIsStatedInTheFiles() throws Exception {
        Result r = SyntheticArchive.write(tmp, new Spec(1, 32, 1L, Duration.ofMinutes(5), Instant.EPOCH));
        try (NetcdfFile nc = NetcdfFile.open(r.files().get(0).toString())) {
            assertThat(nc.findGlobalAttribute("motion_dx_cells_per_step").getNumericValue().doubleValue())
                    .isEqualTo(r.motion().dxCellsPerStep());
            assertThat(nc.findGlobalAttribute("motion_dy_cells_per_step").getNumericValue().doubleValue())
                    .isEqualTo(r.motion().dyCellsPerStep());
            assertThat(nc.findGlobalAttribute("source").getStringValue()).isEqualTo("gridcast synth, seed 1");
            assertThat(r.files().get(0).getFileName()).hasToString("synth_19700101_000000.nc");
        }
        assertThat(List.of(r.motion().describe())).allMatch(s -> s.contains("cells per step"));
    }
}
