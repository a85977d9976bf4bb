package io.gridcast.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The H2 job repository is its owner's only and has a password, also when it was made before it had one. */
class H2RepositoryTest {

    @TempDir
    Path work;

    @Test
    void aNewRepositoryIsOwnerOnlyWithARandomPasswordInAnOwnerOnlyFile() throws Exception {
        try (Batch batch = Batch.open(work, List.of(), Map.of())) {
            assertThat(batch.recent(5)).isEmpty();
        }
        Path folder = work.resolve("repository");
        String password = Files.readString(folder.resolve("password")).strip();

        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder))).isEqualTo("rwx------");
        assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(folder.resolve("password"))))
                .isEqualTo("rw-------");
        assertThat(password).matches("[0-9a-f]{32}");
        assertThatThrownBy(() -> DriverManager.getConnection(H2Repository.url(work), "sa", "").close())
                .isInstanceOf(SQLException.class).hasMessageContaining("Wrong user name or password");
        DriverManager.getConnection(H2Repository.url(work), "sa", password).close();

        try (Batch again = Batch.open(work, List.of(), Map.of())) {
            assertThat(again.recent(5)).as("the next process reads the same password").isEmpty();
        }
    }

    @Test
    void aRepositoryMadeWithTheOldEmptyPasswordGetsARandomOne() throws Exception {
        String url = H2Repository.url(work);
        try (Connection c = DriverManager.getConnection(url, "sa", ""); Statement s = c.createStatement()) {
            s.execute("CREATE TABLE OLD_RUNS (ID INT)");
        }

        try (Batch batch = Batch.open(work, List.of(), Map.of())) {
            assertThat(batch.recent(5)).isEmpty();
        }

        String password = Files.readString(work.resolve("repository/password")).strip();
        assertThatThrownBy(() -> DriverManager.getConnection(url, "sa", "").close())
                .hasMessageContaining("Wrong user name or password");
        try (Connection c = DriverManager.getConnection(url, "sa", password); Statement s = c.createStatement()) {
            assertThat(s.executeQuery("SELECT COUNT(*) FROM OLD_RUNS").next()).as("the same database").isTrue();
        }
    }
}
