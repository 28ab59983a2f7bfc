package org.wgmesh.endpoint.settings;

import java.util.Objects;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;

/**
 * A network namespace name. {@code ip netns} makes it a file under {@code /run/netns} (so no {@code
 * /}, not {@code .} or {@code ..}); wgmesh also puts it into unit names, state directories and the
 * veth names, so it keeps to letters, digits, {@code _ . -}, starts with a letter or digit and has
 * at most 32 characters.
 *
 * @param name the name
 */
public record NamespaceName(String name) implements Comparable<NamespaceName> {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

  public NamespaceName {
    Objects.requireNonNull(name, "name");
    if (!FORM.matcher(name).matches()) {
      throw new IllegalArgumentException(
          "not a namespace name: '" + name + "' (use NamespaceName.parse)");
    }
  }

  /**
   * Parses a namespace name given by a user, a file or the mesh locus.
   *
   * @param what names the setting in the error
   * @throws ConfigException naming {@code what} and the allowed form
   */
  public static NamespaceName parse(String text, String what) {
    if (text == null || !FORM.matcher(text).matches()) {
      throw new ConfigException(
          what,
          "'" + text + "' is not a valid namespace name",
          "expected letters, digits, '_', '.', '-', at most 32, starting with a letter or digit");
    }
    return new NamespaceName(text);
  }

  @Override
  public int compareTo(NamespaceName o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
