package org.wgmesh.core.net;

import java.util.Objects;
import org.wgmesh.core.registration.Registration;

/**
 * A DNS name such as a mesh domain ({@code mesh.example.com}): letters, digits and inner hyphens
 * in dot-separated labels (RFC 1123), at most 253 characters, held lower case without a trailing
 * dot, so two spellings of one name are equal. Parse it once where it enters (an option, a file)
 * and pass the value, not the string.
 *
 * @param name the canonical text
 */
public record DomainName(String name) implements Comparable<DomainName> {
  public DomainName {
    Objects.requireNonNull(name, "name");
    String canonical = canonical(name, "domain");
    if (!canonical.equals(name)) {
      throw new IllegalArgumentException("not canonical: " + name + " (use DomainName.parse)");
    }
  }

  /**
   * Parses {@code text}; case and one trailing dot do not matter.
   *
   * @param what names the source in an error (an option, a file key)
   * @throws org.wgmesh.core.error.InputException when it is not a DNS name
   */
  public static DomainName parse(String text, String what) {
    return new DomainName(canonical(text, what));
  }

  private static String canonical(String text, String what) {
    String t = text == null ? null : (text.endsWith(".") ? text.substring(0, text.length() - 1) : text);
    return Registration.checkHostname(t, what);
  }

  /** {@code label.name}: a name below this one. */
  public String child(String label) {
    return label + "." + name;
  }

  /** Whether {@code other} is this name or below it, comparing whole labels. */
  public boolean contains(String other) {
    String o = other.toLowerCase(java.util.Locale.ROOT);
    o = o.endsWith(".") ? o.substring(0, o.length() - 1) : o;
    return o.equals(name) || o.endsWith("." + name);
  }

  @Override
  public int compareTo(DomainName o) {
    return name.compareTo(o.name);
  }

  @Override
  public String toString() {
    return name;
  }
}
