package io.gridcast.models;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.net.URISyntaxException;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The packages of {@code models} depend one way (DEVELOPERS.md, Layout): each may use only the packages listed for it
 * here. Read from the compiled classes, whose constant pools name every class they use, and from the sources'
 * imports (an unused import is refused too; comments do not count).
 */
class PackageDependenciesTest {

    /** The root package is {@code ""}. A new package must be added here, with what it may use. */
    private static final Map<String, Set<String>> ALLOWED = Map.of(
            "", Set.of(),
            "motion", Set.of(),
            "networks", Set.of(),
            "verification", Set.of(),
            "postprocessing", Set.of(""),
            "nowcasts", Set.of("", "motion", "networks", "postprocessing"),
            "registry", Set.of("", "nowcasts", "postprocessing"),
            "training", Set.of("", "nowcasts", "registry"),
            "forecasting", Set.of("", "nowcasts", "registry", "verification"));

    /** A class name in a class file's constant pool: {@code io/gridcast/models/<package>/<Class>}. */
    private static final Pattern CLASS_NAME = Pattern.compile("io/gridcast/models/(?:([a-z]\\w*)/)?[A-Z]");
    /** An import in a source file, used or not: {@code import io.gridcast.models.<package>.<Class>}. */
    private static final Pattern IMPORT = Pattern.compile("(?m)^import (?:static )?io\\.gridcast\\.models\\."
            + "(?:([a-z]\\w*)\\.)?[A-Z]");

    @Test
    void packagesUseOnlyThePackagesBelowThem() throws IOException, URISyntaxException {
        Path classes = Path.of(Nowcaster.class.getProtectionDomain().getCodeSource().getLocation().toURI());
        Map<String, Set<String>> used = new TreeMap<>();
        // Latin-1 keeps every byte as one char, so the constant pool's UTF-8 class names are found as they are.
        collect(classes.resolve("io/gridcast/models"), ".class", CLASS_NAME, StandardCharsets.ISO_8859_1, used);
        collect(Path.of("src/main/java/io/gridcast/models"), ".java", IMPORT, StandardCharsets.UTF_8, used);
        assertThat(used.keySet()).as("packages of the models module").isEqualTo(ALLOWED.keySet());
        used.forEach((pkg, uses) -> assertThat(uses)
                .as("packages that io.gridcast.models%s uses", pkg.isEmpty() ? "" : "." + pkg)
                .isSubsetOf(ALLOWED.get(pkg)));
    }

    /** Adds, for each package under {@code root}, the other packages of {@code models} its files name. */
    private static void collect(Path root, String suffix, Pattern name, Charset charset,
                                Map<String, Set<String>> used) throws IOException {
        try (Stream<Path> files = Files.walk(root)) {
            for (Path file : files.filter(f -> f.getFileName().toString().endsWith(suffix)).toList()) {
                String pkg = root.relativize(file.getParent()).toString().replace('/', '.');
                Set<String> uses = used.computeIfAbsent(pkg, p -> new TreeSet<>());
                Matcher m = name.matcher(Files.readString(file, charset));
                while (m.find()) {
                    String other = m.group(1) == null ? "" : m.group(1);
                    if (!other.equals(pkg)) {
                        uses.add(other);
                    }
                }
            }
        }
    }
}
