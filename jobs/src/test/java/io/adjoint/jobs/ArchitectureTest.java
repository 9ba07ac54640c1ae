package io.adjoint.jobs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.adjoint.core.InvalidInputException;
import io.adjoint.driver.exec.JobContext;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.lang.reflect.Constructor;
import java.lang.reflect.Executable;
import java.lang.reflect.Method;
import java.lang.reflect.Modifier;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.Enumeration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.spi.ToolProvider;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;

/**
 * The structure the code map promises, checked over the compiled main classes of all three modules (the class
 * folders or jars the tests run against): no cycle among our packages, and no constructor or method with more than
 * {@value #MAX_PARAMETERS} parameters.
 */
class ArchitectureTest {
    static final int MAX_PARAMETERS = 7;

    /** Where each module's main classes are: a class folder, or a jar in a reactor build past {@code package}. */
    private static List<Path> mainClasses() throws URISyntaxException {
        List<Path> out = new ArrayList<>();
        for (Class<?> c : List.of(InvalidInputException.class, JobContext.class, Main.class)) {
            out.add(Path.of(
                    c.getProtectionDomain().getCodeSource().getLocation().toURI()));
        }
        return out;
    }

    private static List<String> classNames(Path where) throws IOException {
        List<String> names = new ArrayList<>();
        if (Files.isDirectory(where)) {
            try (Stream<Path> files = Files.walk(where)) {
                files.filter(p -> p.toString().endsWith(".class"))
                        .forEach(p -> names.add(name(where.relativize(p).toString())));
            }
        } else {
            try (JarFile jar = new JarFile(where.toFile())) {
                for (Enumeration<JarEntry> e = jar.entries(); e.hasMoreElements(); ) {
                    String n = e.nextElement().getName();
                    if (n.startsWith("io/adjoint/") && n.endsWith(".class")) {
                        names.add(name(n));
                    }
                }
            }
        }
        names.removeIf(n -> n.endsWith("module-info") || n.endsWith("package-info"));
        return names;
    }

    private static String name(String file) {
        return file.substring(0, file.length() - ".class".length())
                .replace('/', '.')
                .replace('\\', '.');
    }

    @Test
    void noPackageCycles() throws Exception {
        ToolProvider jdeps = ToolProvider.findFirst("jdeps")
                .orElseThrow(() -> new AssertionError("jdeps is missing from this JDK: the cycle check needs it"));
        List<String> args = new ArrayList<>(List.of("-verbose:package", "-filter:none"));
        mainClasses().forEach(p -> args.add(p.toString()));
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ByteArrayOutputStream err = new ByteArrayOutputStream();
        int rc = jdeps.run(
                new PrintStream(out, true, StandardCharsets.UTF_8),
                new PrintStream(err, true, StandardCharsets.UTF_8),
                args.toArray(new String[0]));
        assertEquals(0, rc, err.toString(StandardCharsets.UTF_8));
        Map<String, Set<String>> edges = new TreeMap<>();
        Pattern line = Pattern.compile("^\\s+(io\\.adjoint[\\w.]*)\\s+->\\s+(io\\.adjoint[\\w.]*)\\s");
        for (String l : out.toString(StandardCharsets.UTF_8).split("\n")) {
            Matcher m = line.matcher(l);
            if (m.find() && !m.group(1).equals(m.group(2))) {
                edges.computeIfAbsent(m.group(1), k -> new TreeSet<>()).add(m.group(2));
            }
        }
        assertTrue(edges.size() > 10, "jdeps reported too few of our packages: " + edges.keySet());
        List<List<String>> cycles = cycles(edges);
        assertTrue(cycles.isEmpty(), "packages that import each other (each list is one cycle's packages): " + cycles);
    }

    @Test
    void theCycleCheckFindsACycle() {
        Map<String, Set<String>> edges = new TreeMap<>();
        edges.put("a", Set.of("b"));
        edges.put("b", Set.of("c"));
        edges.put("c", Set.of("a", "d"));
        edges.put("d", Set.of());
        assertEquals(List.of(List.of("a", "b", "c")), cycles(edges));
        edges.put("c", Set.of("d"));
        assertEquals(List.of(), cycles(edges));
    }

    /** The strongly connected components of more than one package (Tarjan), each sorted. */
    static List<List<String>> cycles(Map<String, Set<String>> edges) {
        Map<String, Integer> index = new HashMap<>();
        Map<String, Integer> low = new HashMap<>();
        Deque<String> stack = new ArrayDeque<>();
        Set<String> onStack = new TreeSet<>();
        List<List<String>> out = new ArrayList<>();
        Set<String> nodes = new TreeSet<>(edges.keySet());
        edges.values().forEach(nodes::addAll);
        for (String v : nodes) {
            if (!index.containsKey(v)) {
                connect(v, edges, index, low, stack, onStack, out);
            }
        }
        return out;
    }

    private static void connect(
            String v,
            Map<String, Set<String>> edges,
            Map<String, Integer> index,
            Map<String, Integer> low,
            Deque<String> stack,
            Set<String> onStack,
            List<List<String>> out) {
        index.put(v, index.size());
        low.put(v, index.get(v));
        stack.push(v);
        onStack.add(v);
        for (String w : edges.getOrDefault(v, Set.of())) {
            if (!index.containsKey(w)) {
                connect(w, edges, index, low, stack, onStack, out);
                low.put(v, Math.min(low.get(v), low.get(w)));
            } else if (onStack.contains(w)) {
                low.put(v, Math.min(low.get(v), index.get(w)));
            }
        }
        if (low.get(v).equals(index.get(v))) {
            List<String> component = new ArrayList<>();
            String w;
            do {
                w = stack.pop();
                onStack.remove(w);
                component.add(w);
            } while (!w.equals(v));
            if (component.size() > 1) {
                component.sort(null);
                out.add(component);
            }
        }
    }

    @Test
    void noLongPositionalParameterLists() throws Exception {
        List<String> offenders = new ArrayList<>();
        int checked = 0;
        for (Path where : mainClasses()) {
            for (String n : classNames(where)) {
                Class<?> c = Class.forName(n, false, getClass().getClassLoader());
                List<Executable> all = new ArrayList<>(List.of(c.getDeclaredConstructors()));
                all.addAll(List.of(c.getDeclaredMethods()));
                for (Executable e : all) {
                    if (e.isSynthetic()
                            || (e instanceof Method m && m.isBridge())
                            || (e instanceof Constructor<?> && (c.isAnonymousClass() || c.isLocalClass()))) {
                        continue; // lambdas' bodies, bridges, constructors of captured variables: the compiler's
                    }
                    checked++;
                    int count = e.getParameterCount() - implicitParameters(c, e);
                    if (count > MAX_PARAMETERS) {
                        offenders.add(c.getName() + "." + (e instanceof Constructor<?> ? "<init>" : e.getName()) + ": "
                                + count);
                    }
                }
            }
        }
        assertTrue(checked > 500, "too few methods found: " + checked);
        assertTrue(
                offenders.isEmpty(),
                "more than " + MAX_PARAMETERS + " positional parameters (use a record with named fields): "
                        + offenders);
    }

    /** Parameters the compiler adds: the outer instance of an inner class, an enum constant's name and ordinal. */
    private static int implicitParameters(Class<?> c, Executable e) {
        if (!(e instanceof Constructor<?>)) {
            return 0;
        }
        if (c.isEnum()) {
            return 2;
        }
        return c.isMemberClass() && !Modifier.isStatic(c.getModifiers()) ? 1 : 0;
    }
}
