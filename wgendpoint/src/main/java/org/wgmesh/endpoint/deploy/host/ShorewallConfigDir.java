package org.wgmesh.endpoint.deploy.host;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.stream.Stream;
import org.wgmesh.core.error.FileException;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes;
import org.wgmesh.endpoint.deploy.render.ShorewallIncludes.OnDisk;

/**
 * Reads a Shorewall configuration directory ({@code /etc/shorewall}, {@code /etc/shorewall6}):
 * which files in it are the operator's, and the include files. Reads only.
 */
public final class ShorewallConfigDir {
  private ShorewallConfigDir() {}

  /**
   * The operator's configuration in {@code dir}, by file name, sorted: every regular file directly
   * in it except the include files ({@code *.local}, already in wgdeploy's layout) and the files
   * identical to the ones the Debian package ships ({@link Shorewall#shippedDefaults()}). Empty
   * when the directory does not exist.
   */
  public static Map<String, OnDisk> operatorFiles(Path dir, Shorewall tool) {
    Map<String, OnDisk> out = new LinkedHashMap<>();
    if (!Files.isDirectory(dir)) {
      return out;
    }
    List<Path> files;
    try (Stream<Path> s = Files.list(dir)) {
      files = s.filter(Files::isRegularFile).sorted().toList();
    } catch (IOException e) {
      throw new FileException(dir.toString(), "cannot list: " + e.getMessage(), null, e);
    }
    for (Path f : files) {
      if (ShorewallIncludes.isInclude(f) || shipped(f, tool.shippedDefaults())) {
        continue;
      }
      out.put(f.getFileName().toString(), read(f).orElseThrow());
    }
    return out;
  }

  /** The include files of {@code dir} that exist, by path. */
  public static Map<Path, OnDisk> includes(Path dir) {
    Map<Path, OnDisk> out = new LinkedHashMap<>();
    for (String n : ShorewallIncludes.NAMES) {
      Path p = dir.resolve(n + ShorewallIncludes.SUFFIX);
      read(p).ifPresent(d -> out.put(p, d));
    }
    return out;
  }

  /** A regular file's text and mode, if it exists. */
  public static Optional<OnDisk> read(Path p) {
    if (!Files.isRegularFile(p)) {
      return Optional.empty();
    }
    try {
      return Optional.of(
          new OnDisk(
              Files.readString(p, StandardCharsets.UTF_8), Files.getPosixFilePermissions(p)));
    } catch (IOException e) {
      throw new FileException(p.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }

  private static boolean shipped(Path f, Path defaults) {
    Path d = defaults.resolve(f.getFileName());
    try {
      return Files.isRegularFile(d) && Arrays.equals(Files.readAllBytes(f), Files.readAllBytes(d));
    } catch (IOException e) {
      return false;
    }
  }
}
