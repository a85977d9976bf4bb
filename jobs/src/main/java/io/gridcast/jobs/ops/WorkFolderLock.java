package io.gridcast.jobs.ops;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One {@code run}, {@code demo} or {@code schedule} process at a time in a work folder: two would write the same
 * catalog, shards and models. The holder keeps an operating-system lock on {@code <work>/locks/work.lock}, which the
 * system releases when the process ends, {@code kill -9} included, and writes into it who it is, so the next process
 * can say which one holds the folder. {@code status} takes no lock: it reads beside a running schedule.
 */
public final class WorkFolderLock implements AutoCloseable {

    private static final Logger log = LoggerFactory.getLogger(WorkFolderLock.class);

    /** The work folder is held by another process, named in the message. */
    public static final class BusyException extends IllegalStateException {
        BusyException(String message) {
            super(message);
        }
    }

    private final FileChannel channel;
    private final FileLock lock;

    private WorkFolderLock(FileChannel channel, FileLock lock) {
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Takes {@code workDir} for {@code command} (e.g. {@code gridcast schedule}); if another process holds it, waits
     * for it when {@code wait}, else throws a {@link BusyException} naming the holder.
     */
    public static WorkFolderLock acquire(Path workDir, String command, boolean wait) throws IOException {
        Path file = workDir.resolve("locks").resolve("work.lock");
        Files.createDirectories(file.getParent());
        FileChannel channel = FileChannel.open(file, StandardOpenOption.CREATE, StandardOpenOption.READ,
                StandardOpenOption.WRITE);
        try {
            FileLock lock = tryLock(channel);
            if (lock == null) {
                String written = Files.readString(file).strip();
                String holder = written.isEmpty() ? "another gridcast process" : written;
                if (!wait) {
                    throw new BusyException("work folder " + workDir + " is in use by " + holder + "; run this when "
                            + "it has ended, or add --wait to wait for it ('gridcast status' reads beside it)");
                }
                log.info("work folder {} is in use by {}: waiting for it", workDir, holder);
                lock = channel.lock();
            }
            channel.truncate(0);
            channel.write(ByteBuffer.wrap((command + " (process " + ProcessHandle.current().pid() + " on "
                    + RunLocks.host() + ", since " + Instant.now().truncatedTo(ChronoUnit.SECONDS) + ")\n")
                    .getBytes(StandardCharsets.UTF_8)), 0);
            channel.force(false);
            return new WorkFolderLock(channel, lock);
        } catch (IOException | RuntimeException e) {
            channel.close();
            throw e;
        }
    }

    /** The lock, or null when another process holds it (or another thread of this one: a test's second command). */
    private static FileLock tryLock(FileChannel channel) throws IOException {
        try {
            return channel.tryLock();
        } catch (OverlappingFileLockException e) {
            return null;
        }
    }

    @Override
    public void close() throws IOException {
        lock.release();
        channel.close();
    }
}
