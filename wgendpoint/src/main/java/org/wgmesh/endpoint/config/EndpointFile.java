package org.wgmesh.endpoint.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.yaml.YamlDocuments;
import org.wgmesh.core.yaml.YamlNode;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * Reads and writes the endpoint file {@code DIR/<domain>.yaml} (format: {@code
 * docs/endpoint-file.md}). Reading is strict: an unknown key, a value of the wrong form or a
 * fingerprint that does not match the pinned key is a {@link ConfigException} naming the file, the
 * key and its line. Writing is atomic and leaves an identical file untouched. The keys, their
 * parsers, defaults and written forms are declared once, in {@link EndpointSpec}.
 */
public final class EndpointFile {
  /**
   * The largest endpoint file read, checked before parsing (issue 19): the file holds this host's
   * settings only (a written one is under 2 KB), so 1 MiB is far more than any real file.
   */
  public static final long MAX_BYTES = 1L << 20;

  private static final String HEADER =
      "# wgmesh endpoint configuration, written by wgconfig (see docs/endpoint-file.md).\n"
          + "# Re-run wgconfig to change it; hand edits are kept but checked on every read.\n";

  private EndpointFile() {}

  /**
   * Every key the file may hold (the site keys without their {@code site.} prefix, not {@code site}
   * itself): for the docs test.
   */
  static Set<String> keysForDocs() {
    return EndpointSpec.keysForDocs();
  }

  /** Whether the endpoint file for {@code domain} exists in {@code dir}. */
  public static boolean exists(Path dir, DomainName domain) {
    return Files.isRegularFile(EndpointPaths.path(dir, domain));
  }

  /**
   * Reads and validates {@code file}.
   *
   * @param expectedDomain the domain the file must be for (its name says so)
   * @throws FileException when it cannot be read (a missing file comes with a hint to run wgconfig)
   * @throws ConfigException naming file, key and line of the first problem
   */
  public static EndpointConfig load(Path file, DomainName expectedDomain) {
    return load(file, Optional.of(expectedDomain));
  }

  /** {@link #load(Path, DomainName)} for a file whose name does not say its domain (tests). */
  static EndpointConfig loadAnyDomain(Path file) {
    return load(file, Optional.empty());
  }

  private static EndpointConfig load(Path file, Optional<DomainName> expectedDomain) {
    if (!Files.exists(file)) {
      String d = expectedDomain.map(DomainName::toString).orElse("DOMAIN");
      throw new FileException(
          file.toString(),
          "no endpoint configuration",
          "enrol this host first: wgconfig [--config-dir " + file.getParent() + "] " + d);
    }
    return parse(
        YamlDocuments.read(file, "endpoint-file size limit", MAX_BYTES),
        Optional.ofNullable(file.getParent()),
        expectedDomain);
  }

  /**
   * Parses a document; {@code dir} resolves a relative {@code host-key} (and {@code template-dir}).
   */
  static EndpointConfig parse(YamlNode root, Path dir, Optional<DomainName> expectedDomain) {
    return parse(root, Optional.of(dir), expectedDomain);
  }

  private static EndpointConfig parse(
      YamlNode root, Optional<Path> dir, Optional<DomainName> expectedDomain) {
    EndpointSpec.Draft draft =
        new EndpointSpec.Draft(EndpointConfig.builder(), dir, expectedDomain);
    Map<String, YamlNode> e = EndpointSpec.SPEC.read(root, draft);
    try {
      return draft.b().build();
    } catch (ConfigException ce) {
      // The record names the key; add where it is.
      YamlNode at = e.get(ce.what());
      if (at != null) {
        throw at.error(ce.why(), ce.hint());
      }
      throw ce;
    }
  }

  /**
   * Writes {@code config} to {@code file} atomically (mode 0644: it holds no secret).
   *
   * @return true when the file was created or changed; false when it already had this content
   * @throws FileException when it cannot be written (the old file is then intact)
   */
  public static boolean save(EndpointConfig config, Path file) {
    return AtomicFiles.write(
        file, render(config, Optional.ofNullable(file.getParent())), AtomicFiles.PUBLIC);
  }

  /** The file text for {@code config}: keys in a fixed order, optional ones only when set. */
  public static String render(EndpointConfig c, Path dir) {
    return render(c, Optional.of(dir));
  }

  private static String render(EndpointConfig c, Optional<Path> dir) {
    return HEADER + YamlDocuments.dump(toMap(c, dir));
  }

  /**
   * The settings as an ordered map of plain values (what the file holds), used for the file and for
   * showing what changed.
   */
  public static Map<String, Object> toMap(EndpointConfig c, Path dir) {
    return toMap(c, Optional.of(dir));
  }

  private static Map<String, Object> toMap(EndpointConfig c, Optional<Path> dir) {
    return EndpointSpec.SPEC.write(new EndpointSpec.Draft(c.toBuilder(), dir, Optional.empty()));
  }

  /** The current content of {@code file}, or empty when it does not exist or cannot be read. */
  static Optional<String> currentText(Path file) {
    try {
      return Files.isRegularFile(file) ? Optional.of(Files.readString(file)) : Optional.empty();
    } catch (IOException e) {
      return Optional.empty();
    }
  }
}
