package io.gridcast.jobs.cli;

import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/**
 * {@code gridcast} whose console holds, for good, the thread that prints a line containing a given text (the first
 * argument; the rest are gridcast's): a step held exactly where a test kills it, however fast the machine would
 * have finished it. The line itself still reaches the console, so a test that has read it knows the step is held.
 */
public final class HeldGridcast {

    private HeldGridcast() {
    }

    public static void main(String[] args) {
        String text = args[0];
        PrintStream console = System.out;
        // Logback's console appender writes each event in one call, to whatever System.out is at the time.
        System.setOut(new PrintStream(new FilterOutputStream(console) {
            @Override
            public void write(byte[] bytes, int offset, int length) throws IOException {
                out.write(bytes, offset, length);
                out.flush();
                if (new String(bytes, offset, length, StandardCharsets.UTF_8).contains(text)) {
                    holdForGood();
                }
            }
        }, true, StandardCharsets.UTF_8));
        Gridcast.main(Arrays.copyOfRange(args, 1, args.length));
    }

    private static void holdForGood() {
        while (true) {
            try {
                Thread.sleep(Long.MAX_VALUE);
            } catch (InterruptedException e) {
                // held all the same: only SIGKILL ends it
            }
        }
    }
}
