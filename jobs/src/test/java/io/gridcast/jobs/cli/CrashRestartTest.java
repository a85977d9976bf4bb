package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.gridcast.ingest.AtomicFiles;
import io.gridcast.ingest.catalog.FrameCatalog;
import io.gridcast.ingest.catalog.SparkSessions;
import io.gridcast.ingest.synth.SyntheticArchive;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.spark.sql.SparkSession;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import ucar.nc2.NetcdfFile;

/**
 * A run killed with SIGKILL in the middle of ingest, training or forecast writing is left STARTED in the job
 * repository; the next command sees that its process is gone and marks it FAILED, {@code run JOB --restart}
 * reruns only the partitions that had not completed, and the outputs equal those of an uninterrupted run. Every
 * case runs against the H2 file repository; the training case, whose partitions the repository must remember,
 * against PostgreSQL too when GRIDCAST_DB_URL, GRIDCAST_DB_USER and GRIDCAST_DB_PASSWORD are set (.ci/run starts
 * a server and sets them).
 */
class CrashRestartTest {

    static final Path CRASH = Path.of("src/test/resources/crash.yml");

    /** The archive {@link #CRASH}'s layout is made for: 60 synthetic frames of 32 x 32 cells in {@code dir/synth}. */
    static Path smallArchive(Path dir, long seed) throws IOException {
        return SyntheticArchive.write(dir.resolve("synth"), new SyntheticArchive.Spec(60, 32, seed,
                SyntheticArchive.Spec.defaults().step(), SyntheticArchive.Spec.defaults().start())).framesDir();
    }
    static final ObjectMapper JSON = new ObjectMapper();

    @TempDir
    static Path shared;

    static Path archive;
    static Path reference;

    @TempDir
    Path work;

    @BeforeAll
    static void uninterruptedRun() throws IOException {
        archive = smallArchive(shared, 7);
        reference = shared.resolve("reference");
        for (String job : List.of("ingest", "train", "forecast")) {
            CycleEndToEndTest.Outcome run = CycleEndToEndTest.gridcast("run", job, "--config", CRASH.toString(),
                    "--input", archive.toString(), "--out", reference.toString());
            assertThat(run.status()).as(run.err()).isZero();
        }
    }

    static List<String> repositoryArgs(String repository) {
        if (repository.equals("h2")) {
            return List.of();
        }
        assumeTrue(System.getenv("GRIDCAST_DB_URL") != null, "skipped: no PostgreSQL job repository: set GRIDCAST_DB_URL, "
                + "GRIDCAST_DB_USER and GRIDCAST_DB_PASSWORD (.ci/run starts a server and sets them)");
        return List.of("--profile", "postgres");
    }

    /**
     * Starts {@code run JOB} in a child JVM, holds it once its console shows {@code killAt} and kills it there with
     * SIGKILL: the step is still running when the kill comes, however quickly the machine would have finished it.
     */
    void killDuring(String job, String killAt, List<String> repositoryArgs) throws Exception {
        List<String> args = new ArrayList<>(List.of("run", job, "--config", CRASH.toString(), "--input", archive.toString(),
                "--out", work.toString()));
        args.addAll(repositoryArgs);
        try (ChildGridcast child = ChildGridcast.startHeldAt(killAt, args.toArray(String[]::new))) {
            assertThat(child.awaitLine(line -> line.contains(killAt), ChildGridcast.DEADLINE)).as(child.console()).isTrue();
            child.kill();
        }
        CycleEndToEndTest.Outcome status = gridcast(repositoryArgs, "status", "--out", work.toString(), "--limit", "1");
        assertThat(status.out()).as("the dead run is found and marked FAILED")
                .contains(" " + job + " FAILED", "failure: the run's process died (process ");
    }

    static CycleEndToEndTest.Outcome gridcast(List<String> repositoryArgs, String... args) {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(repositoryArgs);
        return CycleEndToEndTest.gridcast(all.toArray(String[]::new));
    }

    /** Restarts {@code job} in this JVM; returns {@code status} of the restarted execution. */
    String restart(String job, List<String> repositoryArgs) {
        CycleEndToEndTest.Outcome run = gridcast(repositoryArgs, "run", job, "--restart", "--out", work.toString());
        assertThat(run.status()).as(run.err()).isZero();
        assertThat(run.out()).contains("gridcast: job '" + job + "' completed");
        return gridcast(repositoryArgs, "status", "--out", work.toString(), "--limit", "1").out();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void ingestKilledBeforeItsCatalogIsWrittenIsRestartedToTheSameCatalog(String repository) throws Exception {
        List<String> db = repositoryArgs(repository);
        killDuring("ingest", "files matching", db); // listed, about to read

        assertThat(restart("ingest", db)).contains(" ingest COMPLETED");

        assertThat(entries(work)).isEqualTo(entries(reference));
        assertThat(temporaries(work)).isEmpty();
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2", "postgres"})
    void trainingKilledAfterTheFirstPartitionRetrainsOnlyTheRest(String repository) throws Exception {
        List<String> db = repositoryArgs(repository);
        copy(reference.resolve("catalog"), work.resolve("catalog"));
        killDuring("train", "train: partition 2/3 (all/convlstm) starting", db);

        String restarted = restart("train", db);

        assertThat(restarted).contains(" train COMPLETED", "step train-partition:all:convlstm COMPLETED",
                "step train-partition:all:advection COMPLETED").doesNotContain("train-partition:all:persistence");
        for (String variant : List.of("persistence", "convlstm", "advection")) {
            assertThat(metadata(work, variant)).as(variant).isEqualTo(metadata(reference, variant));
        }
    }

    @ParameterizedTest
    @ValueSource(strings = {"h2"})
    void forecastKilledAfterTheFirstFileWritesTheSameForecasts(String repository) throws Exception {
        List<String> db = repositoryArgs(repository);
        copy(reference.resolve("catalog"), work.resolve("catalog"));
        copy(reference.resolve("models"), work.resolve("models"));
        killDuring("forecast", "forecast: partition 2/3 (all/convlstm) starting", db);
        // What a kill during the write itself leaves behind: a hidden temporary beside the file.
        Path staleTemporary = AtomicFiles.stagingFor(work.resolve("forecasts/all/convlstm/partial.nc"));
        Files.createDirectories(staleTemporary.getParent());
        Files.writeString(staleTemporary, "half a file");

        String restarted = restart("forecast", db);

        assertThat(restarted).contains(" forecast COMPLETED", "step forecast-partition:all:convlstm COMPLETED")
                .doesNotContain("forecast-partition:all:persistence");
        assertThat(temporaries(work)).as("the stale temporary was removed").isEmpty();
        List<Path> expected = forecasts(reference);
        assertThat(forecasts(work).stream().map(p -> work.relativize(p).toString()))
                .isEqualTo(expected.stream().map(p -> reference.relativize(p).toString()).toList());
        for (Path file : expected) {
            assertThat(data(work.resolve(reference.relativize(file)))).as(file.toString()).isEqualTo(data(file));
        }
    }

    /** The catalog's frames, read on a Spark session stopped afterwards (a later job's session takes its own settings). */
    static List<?> entries(Path root) {
        SparkSession spark = SparkSessions.create("local[1]", Map.of());
        try {
            return FrameCatalog.load(spark, root.resolve("catalog/rain_rate")).entries();
        } finally {
            spark.stop();
        }
    }

    /** A variant's latest metadata without the time it was trained (also its version) and each epoch's seconds. */
    static ObjectNode metadata(Path root, String variant) throws IOException {
        Path dir = root.resolve("models/rain_rate/all").resolve(variant);
        String latest = Files.readString(dir.resolve("latest")).trim();
        ObjectNode node = (ObjectNode) JSON.readTree(dir.resolve(latest).resolve("metadata.json").toFile());
        node.remove("trainedAt");
        node.remove("version");
        node.withArray("history").forEach(epoch -> ((ObjectNode) epoch).remove("seconds"));
        return node;
    }

    static String data(Path forecast) throws IOException {
        try (NetcdfFile nc = NetcdfFile.open(forecast.toString())) {
            return nc.findVariable("rain_rate").read().toString() + nc.findVariable("time").read();
        }
    }

    static List<Path> forecasts(Path root) throws IOException {
        return CycleEndToEndTest.files(root.resolve("forecasts"), ".nc");
    }

    static List<Path> temporaries(Path root) throws IOException {
        try (Stream<Path> walk = Files.walk(root)) {
            return walk.filter(p -> p.getFileName().toString().matches("\\..*\\.(tmp|old)-.*")).toList();
        }
    }

    static void copy(Path from, Path to) throws IOException {
        try (Stream<Path> walk = Files.walk(from)) {
            for (Path p : walk.toList()) {
                Path target = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(p, target);
                }
            }
        }
    }

}
