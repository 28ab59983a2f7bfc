package org.wgmesh.endpoint.deploy.render;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Objects;
import java.util.Set;

/**
 * One file wgdeploy manages: where it goes, its content, its mode and what it configures.
 *
 * @param path the absolute target path
 * @param content the rendered text
 * @param mode file permissions ({@code 0600} for anything holding a key)
 * @param component what it configures
 * @param interfaceName the WireGuard interface, for {@link Component#WIREGUARD}; else empty
 * @param template the template it came from (for messages)
 */
public record RenderedFile(
    Path path,
    String content,
    Set<PosixFilePermission> mode,
    Component component,
    String interfaceName,
    String template) {
  public RenderedFile {
    Objects.requireNonNull(path, "path");
    Objects.requireNonNull(content, "content");
    mode = Set.copyOf(mode);
    Objects.requireNonNull(component, "component");
    Objects.requireNonNull(interfaceName, "interfaceName");
  }

  public byte[] bytes() {
    return content.getBytes(StandardCharsets.UTF_8);
  }

  /** Whether the content is secret (never shown in diffs or logs). */
  public boolean secret() {
    return !mode.contains(PosixFilePermission.OTHERS_READ) && component == Component.WIREGUARD;
  }

  /** Never print the content: it may hold a private key. */
  @Override
  public String toString() {
    return "RenderedFile[" + path + " from " + template + "]";
  }
}
