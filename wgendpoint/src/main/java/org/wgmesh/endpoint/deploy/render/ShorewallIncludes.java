package org.wgmesh.endpoint.deploy.render;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.io.AtomicFiles;

/**
 * The operator's own Shorewall configuration beside wgdeploy's: {@code zones.local}, {@code
 * interfaces.local}, {@code policy.local}, {@code rules.local} and {@code snat.local} in {@code
 * /etc/shorewall} and {@code /etc/shorewall6}, which the rendered files pull in with {@code
 * ?INCLUDE} ({@code docs/deploy.md}, "Your own Shorewall rules"). A deploy creates a missing one
 * with a comment only and never changes an existing one: its rendered content is what is on disk.
 * Pure: the caller reads the disk.
 */
public final class ShorewallIncludes {
  /** The files with an include, in the order Shorewall reads them. */
  public static final List<String> NAMES =
      List.of("zones", "interfaces", "policy", "rules", "snat");

  /** The suffix of an include file. */
  public static final String SUFFIX = ".local";

  private static final Pattern SECTION = Pattern.compile("(?im)^\\s*\\?SECTION\\s+(\\S+)");

  private ShorewallIncludes() {}

  /**
   * A file as it is on disk.
   *
   * @param content its text
   * @param mode its permissions, kept
   */
  public record OnDisk(String content, Set<PosixFilePermission> mode) {}

  /** Whether {@code p} is one of the include files ({@code rules.local}, ...). */
  public static boolean isInclude(Path p) {
    String n = p.getFileName().toString();
    return n.endsWith(SUFFIX) && NAMES.contains(n.substring(0, n.length() - SUFFIX.length()));
  }

  /**
   * The include files of one Shorewall directory, as wgdeploy manages them: an existing file as it
   * is, a missing one from the operator's file of the same name moved in by a merge, or else a
   * comment only.
   *
   * @param dir {@code /etc/shorewall} or {@code /etc/shorewall6}
   * @param onDisk the current content of the include files that exist, by path
   * @param merged the operator's files to move in (by name: {@code rules}, ...), on a merge
   * @throws ConfigException when {@code rules.local} uses sections but does not end in NEW
   */
  public static List<RenderedFile> files(
      Path dir, String tool, Component c, Map<Path, OnDisk> onDisk, Map<String, OnDisk> merged) {
    List<RenderedFile> out = new ArrayList<>();
    for (String name : NAMES) {
      Path p = dir.resolve(name + SUFFIX);
      OnDisk file =
          Optional.ofNullable(onDisk.get(p))
              .orElseGet(
                  () ->
                      Optional.ofNullable(merged.get(name))
                          .map(
                              m ->
                                  new OnDisk(
                                      mergedHeader(dir.resolve(name)) + m.content(), m.mode()))
                          .orElse(new OnDisk(header(tool, name), AtomicFiles.PUBLIC)));
      if (name.equals("rules")) {
        checkSections(p, file.content());
      }
      out.add(new RenderedFile(p, file.content(), file.mode(), c, "", "(include file " + p + ")"));
    }
    return out;
  }

  /** What a new include file holds. */
  static String header(String tool, String name) {
    return "# Your own "
        + tool
        + " "
        + name
        + " (see 'man shorewall-"
        + name
        + "'): wgdeploy's "
        + name
        + " file includes\n# this one and no deploy changes it (docs/deploy.md, \"Your own Shorewall"
        + " rules\").\n";
  }

  private static String mergedHeader(Path from) {
    return "# Moved here from "
        + from
        + " by wgdeploy (existing-firewall: merge); wgdeploy --down\n# puts the original back."
        + " No deploy changes this file.\n";
  }

  /**
   * wgdeploy's rules follow the operator's in section NEW: a file that opens sections must end in
   * NEW, or they would land in an earlier one.
   */
  static void checkSections(Path p, String content) {
    var m = SECTION.matcher(content);
    String last = null;
    while (m.find()) {
      last = m.group(1).toUpperCase(Locale.ROOT);
    }
    if (last != null && !last.equals("NEW")) {
      throw new ConfigException(
          p.toString(),
          "its last ?SECTION is "
              + last
              + ", not NEW: wgdeploy's rules follow yours in section NEW",
          "end the file's sections with '?SECTION NEW' (rules after it are NEW rules)");
    }
  }

  /** The SHA-256 of {@code text} (UTF-8), hex. */
  public static String sha256(String text) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
