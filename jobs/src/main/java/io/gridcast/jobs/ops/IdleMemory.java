package io.gridcast.jobs.ops;

import java.lang.management.ManagementFactory;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Gives memory the process no longer uses back to the operating system, for a schedule that sits idle between its
 * slots. Without it a long-running schedule's resident set only grew: G1 shrinks its committed heap only after a full
 * or concurrent collection, which a small live set rarely triggers, and glibc keeps the native memory that DL4J,
 * Spark and the readers freed in its arenas. A full collection of the schedule's live set (~70 MB) takes well under a
 * second, paid once per idle period.
 */
public final class IdleMemory {

    private static final Logger log = LoggerFactory.getLogger(IdleMemory.class);

    private IdleMemory() {
    }

    /** A full collection (G1 then uncommits free heap beyond {@code MaxHeapFreeRatio}) and a trim of glibc's heap. */
    public static void release() {
        long before = committedHeap();
        System.gc();
        String trim = trimNativeHeap();
        log.debug("idle: committed heap {} -> {} MB; {}", before >> 20, committedHeap() >> 20, trim);
    }

    private static long committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    /** The JVM's own {@code jcmd <pid> System.trim_native_heap} (malloc_trim on glibc; JDK 17.0.9 and later). */
    private static String trimNativeHeap() {
        try {
            Object out = ManagementFactory.getPlatformMBeanServer().invoke(
                    new ObjectName("com.sun.management:type=DiagnosticCommand"), "systemTrimNativeHeap",
                    new Object[] {null}, new String[] {String[].class.getName()});
            return String.valueOf(out).strip();
        } catch (JMException e) {
            return "native heap not trimmed (this JVM has no System.trim_native_heap: " + e.getMessage() + ")";
        }
    }
}
