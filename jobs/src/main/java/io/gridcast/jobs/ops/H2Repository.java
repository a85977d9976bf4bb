package io.gridcast.jobs.ops;

import io.gridcast.ingest.AtomicFiles;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.HexFormat;
import java.util.Set;

/**
 * The H2 job repository of a work folder, {@code <work>/repository/}: the folder is its owner's only (0700) and the
 * database has a random password kept in {@code repository/password} (0600). H2's AUTO_SERVER lets a second process
 * on the same work folder (a {@code status} or a manual run beside {@code schedule}) reach the database through a TCP
 * server of the process that opened it first; H2 binds that server to every interface unless told, so this class
 * binds it to loopback. A repository made before it had a password (user {@code sa}, empty password) gets one.
 */
public final class H2Repository {

    static final String BIND_ADDRESS = "127.0.0.1";
    static final String USER = "sa";
    private static final Set<PosixFilePermission> OWNER_ONLY_FOLDER = PosixFilePermissions.fromString("rwx------");
    private static final Set<PosixFilePermission> OWNER_ONLY_FILE = PosixFilePermissions.fromString("rw-------");

    static {
        // H2 reads it once, when its SysProperties class loads: before any H2 class is used in this process.
        System.setProperty("h2.bindAddress", BIND_ADDRESS);
    }

    private H2Repository() {
    }

    /** The repository folder of {@code workDir}, created owner-only; its password, made or read. */
    static String prepare(Path workDir) {
        requireLoopbackServer();
        Path folder = workDir.resolve("repository");
        try {
            Files.createDirectories(folder);
            Files.setPosixFilePermissions(folder, OWNER_ONLY_FOLDER);
            Path passwordFile = folder.resolve("password");
            if (!Files.exists(passwordFile)) {
                String password = HexFormat.of().formatHex(new SecureRandom().generateSeed(16));
                if (publish(passwordFile, password) && Files.exists(folder.resolve("gridcast.mv.db"))) {
                    try {
                        giveLegacyRepositoryPassword(workDir, password);
                    } catch (IllegalStateException e) {
                        Files.delete(passwordFile);
                        throw e;
                    }
                }
            }
            return Files.readString(passwordFile).strip();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot prepare the job repository in " + folder, e);
        }
    }

    /** The JDBC URL of {@code workDir}'s repository (AUTO_SERVER: see above; WRITE_DELAY=0: a kill -9 loses no commit). */
    static String url(Path workDir) {
        return "jdbc:h2:file:" + workDir.resolve("repository").resolve("gridcast") + ";AUTO_SERVER=TRUE;WRITE_DELAY=0";
    }

    /** Writes the password file unless another process has just written one; true if this process's is in force. */
    private static boolean publish(Path passwordFile, String password) throws IOException {
        Path staging = AtomicFiles.stagingFor(passwordFile);
        Files.deleteIfExists(staging);
        Files.createFile(staging, PosixFilePermissions.asFileAttribute(OWNER_ONLY_FILE));
        Files.writeString(staging, password + "\n");
        try {
            // A hard link fails if the name exists: of two processes, exactly one publishes its password.
            Files.createLink(passwordFile, staging);
            return true;
        } catch (FileAlreadyExistsException e) {
            return false;
        } finally {
            Files.deleteIfExists(staging);
        }
    }

    /** A repository made before gridcast set passwords has user {@code sa} with an empty one. */
    private static void giveLegacyRepositoryPassword(Path workDir, String password) {
        try (Connection c = DriverManager.getConnection(url(workDir), USER, ""); Statement s = c.createStatement()) {
            // The password is hex: nothing to escape.
            s.execute("ALTER USER " + USER + " SET PASSWORD '" + password + "'");
        } catch (SQLException e) {
            throw new IllegalStateException("cannot give the job repository " + workDir.resolve("repository")
                    + " its password: " + ("28000".equals(e.getSQLState())
                    ? "it has a password, but not an empty one, and " + workDir.resolve("repository/password")
                    + " was missing; restore that file" : e.getMessage()), e);
        }
    }

    /** H2's AUTO_SERVER must not listen beyond loopback: fails if H2 was loaded before the bind address was set. */
    private static void requireLoopbackServer() {
        if (!BIND_ADDRESS.equals(org.h2.engine.SysProperties.BIND_ADDRESS)) {
            throw new IllegalStateException("H2's server would bind to '" + org.h2.engine.SysProperties.BIND_ADDRESS
                    + "', not " + BIND_ADDRESS + ": H2 was loaded before gridcast set h2.bindAddress");
        }
    }
}
