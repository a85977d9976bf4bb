package io.gridcast.jobs.ops;

import static org.assertj.core.api.Assertions.assertThat;

import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class IdleMemoryTest {

    @Test
    void anIdleScheduleGivesBackTheHeapItsLastJobWidened() {
        List<byte[]> job = new ArrayList<>();
        for (int i = 0; i < 48; i++) {
            job.add(new byte[16 << 20]);
        }
        long busy = committedHeap();
        assertThat(busy).as("committed heap while the job holds 768 MB").isGreaterThan(768L << 20);
        job.clear();

        IdleMemory.release();

        assertThat(committedHeap()).as("committed heap after release, busy %d MB", busy >> 20).isLessThan(busy / 2);
    }

    private static long committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }
}
