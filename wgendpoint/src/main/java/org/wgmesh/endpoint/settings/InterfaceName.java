package org.wgmesh.endpoint.settings;

import java.util.Objects;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;

/**
 * A Linux network interface name, checked with the kernel's rules ({@code dev_valid_name}): 1 to 15
 * bytes (IFNAMSIZ less the NUL), not {@code .} or {@code ..}, no {@code /}, {@code :} or white
 * space. This project also keeps to ASCII letters, digits, {@code _ . -} so a name is safe in a
 * file name, a unit name and a message.
 *
 * @param name the name
 */
public record InterfaceName(String name) implements Comparable<InterfaceName> {
  private static final Pattern FORM = Pattern.compile("[A-Za-z0-9_.-]{1,15}");

  public InterfaceName {
    Objects.requireNonNull(name, "name");
    if (!FORM.matcher(name).matches() || name.equals(".") || name.equals("..")) {
      throw new IllegalArgumentException(
          "not an interface name: '" + name + "' (use InterfaceName.parse)");
    }
  }

  /**
   * Parses an interface name given by a user or a file.
   *
   * @param what names the setting in the error ({@code trust-interface}, {@code -T})
   * @throws ConfigException naming {@code what} and the allowed form
   */
  public static InterfaceName parse(String text, String what) {
    if (text == null || !FORM.matcher(text).matches() || text.equals(".") || text.equals("..")) {
      throw new ConfigException(
          what,
          "'" + text + "' is not a valid interface name",
          "expected a Linux interface name: 1 to 15 of letters, digits, '_', '.', '-'");
    }
    return new InterfaceName(text);
  }

  @Override
  public int compareTo(InterfaceName o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
