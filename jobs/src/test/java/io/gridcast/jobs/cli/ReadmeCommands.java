package io.gridcast.jobs.cli;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The shell commands README.md shows, and the rules that make each one quick enough for CI. Commands are the lines
 * of its shell code blocks (fences without a language, or sh/bash/shell; continuation lines joined, comments
 * dropped) and the inline code spans that start with a program (e.g. {@code `./gridcast status [--out DIR]`}).
 * The rules go by program, command and option name, never by a whole line, so a new example is covered the day it
 * is written.
 */
final class ReadmeCommands {

    /** An inline span that runs a program with arguments is a command; others are names, paths or values. */
    static final Pattern PROGRAM = Pattern.compile("^(?:[A-Z_]+=\\S+ )*(?:\\./gridcast|/usr/bin/python3|python3|mvn|spark-submit) \\S");
    /** A word a user replaces (DIR, N, RUN_A, COMMAND): capitals and underscores only. */
    static final Pattern PLACEHOLDER = Pattern.compile("[A-Z][A-Z_]*");
    /** Options that repeat or warm up a measurement: once, with no warm-up, is the smallest run. */
    static final Map<String, String> SMALLEST = Map.of("--steps", "1", "--reps", "1", "--runs", "1", "--rounds", "1",
            "--pairs", "1", "--warmup", "0");
    /**
     * Options that size an archive or grid, or count the files a reference script reads: capped, so a benchmark of a
     * large archive runs on a small one.
     */
    static final Map<String, Integer> CAPPED = Map.of("--frames", 200, "--size", 64, "--limit", 1);
    /** The environment variable whose {@code -Xmx} sets {@code ./gridcast}'s heap (the launcher's). */
    static final String JAVA_OPTS = "GRIDCAST_JAVA_OPTS";
    private static final Pattern MAX_HEAP = Pattern.compile("-Xmx(\\d+)([kKmMgG]?)");
    /** Placeholders the test can fill; any other makes a synopsis, checked against the command's --help only. */
    static final Set<String> FILLABLE = Set.of("DIR", "RUN_A", "RUN_B", "COMMAND");

    /**
     * One command as the README shows it: its line, the environment assignments before it, its words, and whether
     * it stood in running text (an inline span) rather than a code block.
     */
    record Command(int line, String text, Map<String, String> environment, List<String> words, boolean inline) {

        String program() {
            return words.get(0);
        }

        /** The words after {@code ./gridcast} up to the first option: the subcommand path, e.g. [bench, train]. */
        List<String> subcommand() {
            List<String> path = new ArrayList<>();
            for (String w : words.subList(1, words.size())) {
                if (w.startsWith("-") || w.startsWith("[")) {
                    break;
                }
                path.add(w);
            }
            return path;
        }

        boolean has(String option) {
            return words.contains(option);
        }

        /** The value after {@code option}, or null. */
        String value(String option) {
            int i = words.indexOf(option);
            return i < 0 || i + 1 >= words.size() ? null : words.get(i + 1);
        }

        /** In running text, a command without options or arguments names the command ("`./gridcast bench train` times ..."). */
        boolean isName() {
            return inline && words.size() == 1 + subcommand().size();
        }

        /**
         * Optional groups ({@code [...]}) or alternatives ({@code a|b}), or in running text a placeholder: a synopsis,
         * not a command to type as is. In a code block a word in capitals is a value typed as shown (an ODIM quantity
         * such as {@code RATE}).
         */
        boolean isSynopsis() {
            return words.stream().anyMatch(w -> w.startsWith("[") || w.contains("|"))
                    || inline && words.stream().anyMatch(w -> PLACEHOLDER.matcher(w).matches() && !FILLABLE.contains(w));
        }

        /** The words without optional groups: from a word that opens with [ to its closing ], nested ones included. */
        List<String> required() {
            List<String> kept = new ArrayList<>();
            int depth = 0;
            for (String w : words) {
                if (depth == 0 && !w.startsWith("[")) {
                    kept.add(w);
                } else {
                    depth += w.chars().filter(c -> c == '[').count() - w.chars().filter(c -> c == ']').count();
                }
            }
            return kept;
        }

        /** The command with its required words only, if that leaves one that runs as typed (no unknown placeholder). */
        Command withoutOptionalParts() {
            Command shorter = withWords(required());
            return shorter.isSynopsis() ? null : shorter;
        }

        /** The same command at its smallest settings: {@link #SMALLEST} and {@link #CAPPED} options rewritten. */
        Command smallest() {
            List<String> rewritten = new ArrayList<>(words);
            for (int i = 1; i + 1 < rewritten.size(); i++) {
                String option = rewritten.get(i);
                if (SMALLEST.containsKey(option)) {
                    rewritten.set(i + 1, SMALLEST.get(option));
                } else if (CAPPED.containsKey(option) && rewritten.get(i + 1).matches("\\d+")) {
                    rewritten.set(i + 1, String.valueOf(Math.min(Integer.parseInt(rewritten.get(i + 1)), CAPPED.get(option))));
                }
            }
            return withWords(rewritten);
        }

        Command withWords(List<String> replaced) {
            return new Command(line, text, environment, replaced, inline);
        }

        /** The same command with {@link #JAVA_OPTS} as {@code other} has it (or without, if it has none). */
        Command withJavaOptionsOf(Command other) {
            Map<String, String> replaced = new LinkedHashMap<>(environment);
            replaced.remove(JAVA_OPTS);
            if (other.environment.containsKey(JAVA_OPTS)) {
                replaced.put(JAVA_OPTS, other.environment.get(JAVA_OPTS));
            }
            return new Command(line, text, replaced, words, inline);
        }

        /** What the command does, whatever heap it is given: its words and environment but {@link #JAVA_OPTS}. */
        String task() {
            Map<String, String> others = new LinkedHashMap<>(environment);
            others.remove(JAVA_OPTS);
            return new Command(line, text, others, words, inline).toString();
        }

        /** The heap in bytes that {@link #JAVA_OPTS} sets with {@code -Xmx}, or {@code otherwise}. */
        long heap(long otherwise) {
            Matcher xmx = MAX_HEAP.matcher(environment.getOrDefault(JAVA_OPTS, ""));
            if (!xmx.find()) {
                return otherwise;
            }
            int shift = switch (xmx.group(2).toLowerCase()) {
                case "k" -> 10;
                case "m" -> 20;
                case "g" -> 30;
                default -> 0;
            };
            return Long.parseLong(xmx.group(1)) << shift;
        }

        @Override
        public String toString() {
            StringBuilder shown = new StringBuilder();
            environment.forEach((k, v) -> shown.append(k).append('=').append(v).append(' '));
            return shown.append(String.join(" ", words)).toString();
        }
    }

    private ReadmeCommands() {
    }

    /**
     * Of commands that do the same ({@link Command#task()}) in different heaps, the one with the smallest heap ({@code
     * otherwise} where none is set), the strictest run of them: by task.
     */
    static Map<String, Command> smallestHeaps(List<Command> commands, long otherwise) {
        Map<String, Command> smallest = new LinkedHashMap<>();
        for (Command c : commands) {
            smallest.merge(c.task(), c, (a, b) -> b.heap(otherwise) < a.heap(otherwise) ? b : a);
        }
        return smallest;
    }

    /** Every command of {@code markdown}, in order. */
    static List<Command> parse(String markdown) {
        List<Command> commands = new ArrayList<>();
        String[] lines = markdown.split("\n", -1);
        boolean inBlock = false;
        boolean shell = false;
        StringBuilder pending = null;
        int pendingLine = 0;
        for (int i = 0; i < lines.length; i++) {
            String line = lines[i];
            if (line.strip().startsWith("```")) {
                String language = line.strip().substring(3).strip();
                shell = !inBlock && (language.isEmpty() || Set.of("sh", "bash", "shell").contains(language));
                inBlock = !inBlock;
                continue;
            }
            if (inBlock) {
                if (!shell) {
                    continue;
                }
                String code = withoutComment(line).strip();
                if (pending == null) {
                    pendingLine = i + 1;
                    pending = new StringBuilder();
                }
                if (code.endsWith("\\")) {
                    pending.append(code, 0, code.length() - 1).append(' ');
                    continue;
                }
                pending.append(code);
                if (!pending.toString().isBlank()) {
                    commands.add(command(pendingLine, pending.toString().strip(), false));
                }
                pending = null;
            } else {
                Matcher span = Pattern.compile("`([^`]+)`").matcher(line);
                while (span.find()) {
                    if (PROGRAM.matcher(span.group(1)).find()) {
                        commands.add(command(i + 1, span.group(1).strip(), true));
                    }
                }
            }
        }
        return commands;
    }

    /** {@code text} split into words as a shell does (quotes kept together and removed), environment apart. */
    static Command command(int line, String text, boolean inline) {
        List<String> words = new ArrayList<>();
        StringBuilder word = null;
        char quote = 0;
        for (char c : text.toCharArray()) {
            if (quote != 0) {
                if (c == quote) {
                    quote = 0;
                } else {
                    word.append(c);
                }
            } else if (c == '\'' || c == '"') {
                quote = c;
                word = word == null ? new StringBuilder() : word;
            } else if (Character.isWhitespace(c)) {
                if (word != null) {
                    words.add(word.toString());
                    word = null;
                }
            } else {
                word = word == null ? new StringBuilder() : word;
                word.append(c);
            }
        }
        if (word != null) {
            words.add(word.toString());
        }
        Map<String, String> environment = new LinkedHashMap<>();
        while (!words.isEmpty() && words.get(0).matches("[A-Z_]+=.*")) {
            String[] assignment = words.remove(0).split("=", 2);
            environment.put(assignment[0], assignment[1]);
        }
        return new Command(line, text, environment, words, inline);
    }

    /** The line without a shell comment: a # at the start of a word, outside quotes. */
    private static String withoutComment(String line) {
        char quote = 0;
        for (int i = 0; i < line.length(); i++) {
            char c = line.charAt(i);
            if (quote != 0) {
                quote = c == quote ? 0 : quote;
            } else if (c == '\'' || c == '"') {
                quote = c;
            } else if (c == '#' && (i == 0 || Character.isWhitespace(line.charAt(i - 1)))) {
                return line.substring(0, i);
            }
        }
        return line;
    }
}
