package io.gridcast.jobs.cli;

import static org.assertj.core.api.Assertions.assertThat;

import io.gridcast.jobs.cli.ReadmeCommands.Command;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/** How the README test finds commands in markdown and shrinks them: by program, command and option name. */
class ReadmeCommandsTest {

    static final String MARKDOWN = """
            Run `./gridcast status [--out DIR] [--limit N]`; `./gridcast` alone and `input.dir` are no commands.

            ```
            ./gridcast demo --config conf/knmi.yml --out work/knmi   # a comment
            spark-submit --master spark://host:7077 \\
              jobs/target/gridcast-spark.jar --stages ingest
            ```

            ```yaml
            schedules:
              - {job: ingest, cron: "0 */10 * * * *"}
            ```

            | `GRIDCAST_JAVA_OPTS=-Xmx1g ./gridcast bench features --frames 1600 --size 32` | 1,563 |
            """;

    @Test
    void commandsComeFromShellBlocksAndInlineSpansThatStartWithAProgram() {
        List<Command> commands = ReadmeCommands.parse(MARKDOWN);

        assertThat(commands).extracting(Command::line).containsExactly(1, 4, 5, 14);
        assertThat(commands.get(0).words()).containsExactly("./gridcast", "status", "[--out", "DIR]", "[--limit", "N]");
        assertThat(commands.get(1).words()).as("without its comment")
                .containsExactly("./gridcast", "demo", "--config", "conf/knmi.yml", "--out", "work/knmi");
        assertThat(commands.get(2).words()).as("continuation lines joined").containsExactly("spark-submit", "--master",
                "spark://host:7077", "jobs/target/gridcast-spark.jar", "--stages", "ingest");
        assertThat(commands.get(3).environment()).isEqualTo(Map.of("GRIDCAST_JAVA_OPTS", "-Xmx1g"));
        assertThat(commands.get(3).subcommand()).containsExactly("bench", "features");
        assertThat(commands).noneMatch(Command::isName);
    }

    @Test
    void aCommandWithoutOptionsInRunningTextNamesIt() {
        assertThat(ReadmeCommands.parse("`./gridcast bench train` times steps").get(0).isName()).isTrue();
        assertThat(ReadmeCommands.parse("```\n./gridcast demo\n```").get(0).isName()).as("in a code block: to run").isFalse();
    }

    @Test
    void aSynopsisRunsWithoutItsOptionalPartsWhenNoUnknownPlaceholderIsLeft() {
        Command status = ReadmeCommands.command(1, "./gridcast status [--out DIR] [--limit N]", true);
        Command run = ReadmeCommands.command(2, "./gridcast run ingest|train|report [--config FILE]", false);
        Command restart = ReadmeCommands.command(3, "./gridcast run JOB --restart [--out DIR]", true);
        Command bench = ReadmeCommands.command(4, "./gridcast bench ingest --input DIR [--master M[,M...]] [--runs N]", true);

        assertThat(status.isSynopsis()).isTrue();
        assertThat(status.withoutOptionalParts().words()).containsExactly("./gridcast", "status");
        assertThat(run.withoutOptionalParts()).as("alternatives: only checked against --help").isNull();
        assertThat(restart.withoutOptionalParts()).as("JOB is no placeholder the test fills").isNull();
        assertThat(bench.withoutOptionalParts().words()).containsExactly("./gridcast", "bench", "ingest", "--input", "DIR");
    }

    @Test
    void inACodeBlockAWordInCapitalsIsAValueTypedAsShown() {
        Command opera = ReadmeCommands.command(1, "./gridcast bench ingest --input x --variable RATE --reader odim-hdf5",
                false);
        Command inline = ReadmeCommands.command(2, "./gridcast bench ingest --input x --variable NAME", true);

        assertThat(opera.isSynopsis()).as("RATE is an ODIM quantity").isFalse();
        assertThat(inline.isSynopsis()).as("in running text NAME stands for the user's variable").isTrue();
    }

    @Test
    void measurementsRunOnceWithoutWarmUpOnASmallArchive() {
        Command ingest = ReadmeCommands.command(1, "./gridcast bench ingest --input x --variable v "
                + "--master 'local[1],local[2]' --warmup 300 --rounds 5 --runs 3", false);
        Command synth = ReadmeCommands.command(2, "./gridcast synth --out /tmp/s --frames 2000 --size 512", false);
        Command features = ReadmeCommands.command(3, "./gridcast bench features --frames 100 --size 32", false);

        assertThat(ingest.isSynopsis()).as("brackets inside a quoted value are no optional group").isFalse();
        assertThat(ingest.smallest().words()).containsExactly("./gridcast", "bench", "ingest", "--input", "x",
                "--variable", "v", "--master", "local[1],local[2]", "--warmup", "0", "--rounds", "1", "--runs", "1");
        assertThat(synth.smallest().words()).containsExactly("./gridcast", "synth", "--out", "/tmp/s", "--frames", "200",
                "--size", "64");
        assertThat(features.smallest().words()).as("already small").isEqualTo(features.words());
        assertThat(ReadmeCommands.command(4, "/usr/bin/python3 bench/ingest_cfgrib.py --input x --limit 3", false)
                .smallest().words()).as("one file").endsWith("--limit", "1");
    }

    @Test
    void commandsThatDifferOnlyInTheirHeapRunOnceInTheSmallestTheyName() {
        Command defaultHeap = ReadmeCommands.command(1, "./gridcast bench ingest --input x --warmup 1 --runs 3", false);
        Command small = ReadmeCommands.command(2, "GRIDCAST_JAVA_OPTS=-Xmx640m ./gridcast bench ingest --input x "
                + "--warmup 0 --runs 1", false);
        Command other = ReadmeCommands.command(3, "GRIDCAST_JAVA_OPTS=-Xmx1g ./gridcast bench features --frames 9", false);

        Map<String, Command> heaps = ReadmeCommands.smallestHeaps(
                Stream.of(defaultHeap, small, other).map(Command::smallest).toList(), 2L << 30);

        assertThat(defaultHeap.smallest().task()).isEqualTo(small.smallest().task()).isNotEqualTo(other.smallest().task());
        assertThat(heaps).hasSize(2);
        assertThat(defaultHeap.withJavaOptionsOf(heaps.get(defaultHeap.smallest().task())).environment())
                .containsExactly(Map.entry("GRIDCAST_JAVA_OPTS", "-Xmx640m"));
        assertThat(small.heap(0)).isEqualTo(640L << 20);
        assertThat(defaultHeap.heap(2L << 30)).as("none set").isEqualTo(2L << 30);
    }
}
