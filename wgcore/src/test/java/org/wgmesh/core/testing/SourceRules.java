package org.wgmesh.core.testing;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * Rules about the source text that ArchUnit cannot see (it reads class files, where every name is
 * qualified). Each module's {@code LayeringTest} applies them to its {@code src/main/java}.
 */
public final class SourceRules {
  /**
   * A type named with its package in code ({@code java.util.Optional<X>}, {@code new
   * org.wgmesh.core.io.Lock(...)}): the roots of the packages this project uses, then lower-case
   * parts, then a capitalised name.
   */
  private static final Pattern QUALIFIED_TYPE =
      Pattern.compile(
          "(?<![\\w.@\"])(?:java|javax|org|com|software|picocli|freemarker|jdk)"
              + "(?:\\.[a-z][a-z0-9_]*)+\\.[A-Z]\\w*");

  private SourceRules() {}

  /**
   * The code lines under {@code sourceRoot} that name a type with its package instead of importing
   * it, as {@code path:line: text}. Comments, imports and string literals do not count: Javadoc may
   * name a class it does not import, and a string may hold a class name.
   */
  public static List<String> inlineQualifiedNames(Path sourceRoot) {
    List<String> found = new ArrayList<>();
    try (Stream<Path> files = Files.walk(sourceRoot)) {
      for (Path f : (Iterable<Path>) files.filter(p -> p.toString().endsWith(".java"))::iterator) {
        List<String> lines = Files.readAllLines(f);
        boolean inComment = false;
        for (int i = 0; i < lines.size(); i++) {
          String line = lines.get(i).strip();
          if (inComment) {
            inComment = !line.contains("*/");
            continue;
          }
          if (line.startsWith("/*")) {
            inComment = !line.contains("*/");
            continue;
          }
          if (line.startsWith("import ")
              || line.startsWith("package ")
              || line.startsWith("//")
              || line.startsWith("*")) {
            continue;
          }
          String code = withoutStrings(line.split("//", 2)[0]);
          if (QUALIFIED_TYPE.matcher(code).find()) {
            found.add(sourceRoot.relativize(f) + ":" + (i + 1) + ": " + line);
          }
        }
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return found;
  }

  private static String withoutStrings(String code) {
    return code.replaceAll("\"(?:[^\"\\\\]|\\\\.)*\"", "\"\"");
  }
}
