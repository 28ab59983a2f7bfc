package org.wgmesh.core.net;

import java.util.Locale;
import java.util.Objects;
import java.util.regex.Pattern;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.SafeText;

/**
 * A DNS name such as a mesh domain ({@code mesh.example.com}): letters, digits and inner hyphens in
 * dot-separated labels (RFC 1123), at most 253 characters, held lower case without a trailing dot,
 * so two spellings of one name are equal. Parse it once where it enters (an option, a file) and
 * pass the value, not the string.
 *
 * @param name the canonical text
 */
public record DomainName(String name) implements Comparable<DomainName> {
  private static final Pattern LABEL = Pattern.compile("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?");

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
    String t =
        text == null ? null : (text.endsWith(".") ? text.substring(0, text.length() - 1) : text);
    return checkLabels(t, what);
  }

  /**
   * Checks a name without trailing dot: 1..253 characters, dot-separated labels of letters, digits
   * and inner hyphens (RFC 1123), and returns it lower-cased. Host names use the same rule ({@link
   * org.wgmesh.core.registration.Registration#checkHostname}).
   *
   * @param what names the field in an error
   * @throws InputException when it is not such a name
   */
  public static String checkLabels(String name, String what) {
    if (name == null || name.isEmpty()) {
      throw new InputException(what, "missing host name");
    }
    String h = name.toLowerCase(Locale.ROOT);
    if (h.length() > 253) {
      throw new InputException(what, "host name longer than 253 characters");
    }
    for (String label : h.split("\\.", -1)) {
      if (!LABEL.matcher(label).matches()) {
        throw new InputException(
            what,
            "'" + printable(name) + "' is not a host name",
            "use letters, digits and hyphens, labels separated by dots (RFC 1123)");
      }
    }
    return h;
  }

  private static String printable(String s) {
    return SafeText.abbreviate(s, 80);
  }

  /** {@code label.name}: a name below this one. */
  public String child(String label) {
    return label + "." + name;
  }

  /** Whether {@code other} is this name or below it, comparing whole labels. */
  public boolean contains(String other) {
    String o = other.toLowerCase(Locale.ROOT);
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
