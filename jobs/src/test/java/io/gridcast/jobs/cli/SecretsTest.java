package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The PostgreSQL password, given in the environment, is written nowhere: not on the console of a run, a failed run, a
 * refused connection or {@code status}, and in no file under the work folder (logs, catalog, models, forecasts,
 * reports), searched byte by byte.
 */
class SecretsTest {

    @TempDir
    Path work;

    static String password() {
        String password = System.getenv("GRIDCAST_DB_PASSWORD");
        assumeTrue(System.getenv("GRIDCAST_DB_URL") != null && password != null, "skipped: no PostgreSQL job repository: "
                + "set GRIDCAST_DB_URL, GRIDCAST_DB_USER and GRIDCAST_DB_PASSWORD (.ci/run starts a server and sets them)");
        assumeTrue(password.length() >= 8, "the password is too short to search for without false matches");
        return password;
    }

    /** {@code gridcast args} in its own JVM with the postgres profile, as an operator runs it; its console. */
    static ChildGridcast gridcast(Map<String, String> environment, String... args) throws IOException {
        List<String> all = new ArrayList<>(List.of(args));
        all.addAll(List.of("--profile", "postgres"));
        return ChildGridcast.start(environment, all.toArray(String[]::new));
    }

    @Test
    void thePostgresPasswordAppearsInNoConsoleLineAndNoFileOfTheWorkFolder() throws Exception {
        String password = password();
        Path archive = CrashRestartTest.smallArchive(work, 1);
        Path empty = Files.createDirectories(work.resolve("empty"));
        String config = CrashRestartTest.CRASH.toString();
        String wrong = "wrong-" + Long.toHexString(new Random().nextLong());
        List<String> consoles = new ArrayList<>();

        try (ChildGridcast cycle = gridcast(Map.of(), "run", "cycle", "--config", config, "--input", archive.toString(),
                "--out", work.toString())) {
            assertThat(cycle.exitCode(ChildGridcast.DEADLINE)).as(cycle.console()).isZero();
            consoles.add(cycle.console());
        }
        try (ChildGridcast failed = gridcast(Map.of(), "run", "ingest", "--config", config, "--input", empty.toString(),
                "--out", work.toString())) {
            assertThat(failed.exitCode(ChildGridcast.DEADLINE)).as(failed.console()).isEqualTo(Gridcast.JOB_FAILED);
            consoles.add(failed.console());
        }
        try (ChildGridcast status = gridcast(Map.of(), "status", "--out", work.toString())) {
            assertThat(status.exitCode(ChildGridcast.DEADLINE)).isZero();
            assertThat(status.console()).contains(" cycle COMPLETED ", " ingest FAILED ");
            consoles.add(status.console());
        }
        try (ChildGridcast refused = gridcast(Map.of("GRIDCAST_DB_PASSWORD", wrong), "status", "--out",
                work.toString())) {
            assertThat(refused.exitCode(ChildGridcast.DEADLINE)).isNotZero();
            assertThat(refused.console()).contains("password authentication failed");
            assertThat(refused.console()).doesNotContain(wrong);
            consoles.add(refused.console());
        }

        assertThat(consoles).allSatisfy(console -> assertThat(console).doesNotContain(password));
        assertThat(work.resolve("reports")).isDirectory();
        try (Stream<Path> files = Files.walk(work)) {
            List<Path> all = files.filter(Files::isRegularFile).toList();
            assertThat(all).as("logs, catalog, models, forecasts and reports were written")
                    .anyMatch(p -> p.toString().endsWith("gridcast.log"))
                    .anyMatch(p -> p.toString().endsWith(".nc") && p.toString().contains("forecasts"));
            for (Path file : all) {
                // ISO-8859-1 maps every byte to one character: a byte-wise search, binary files included.
                assertThat(new String(Files.readAllBytes(file), StandardCharsets.ISO_8859_1)).as(file.toString())
                        .doesNotContain(password);
            }
        }
    }
}
