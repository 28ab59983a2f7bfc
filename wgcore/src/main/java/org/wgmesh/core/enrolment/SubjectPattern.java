package org.wgmesh.core.enrolment;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import javax.naming.InvalidNameException;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import javax.security.auth.x500.X500Principal;
import org.wgmesh.core.error.InputException;

/**
 * How a device certificate's subject becomes a hostname, in one of two forms.
 *
 * <ul>
 *   <li>{@code CN=*.fleet.example}: the subject's one common name must match, {@code *} standing
 *       for one DNS label that becomes the hostname. The common name is taken from the parsed name
 *       (not by searching the subject's text), so another attribute whose value contains {@code
 *       ,CN=} cannot pose as it.
 *   <li>a regular expression with a named group {@code host}, matched against the whole subject in
 *       RFC 2253 form, which lists the name's parts in reverse order ({@code openssl}'s {@code
 *       /CN=web-1/O=Example} is {@code O=Example,CN=web-1}), ignoring case; the group becomes the
 *       hostname.
 * </ul>
 *
 * Either way the hostname must be a valid host label ({@link HostnamePattern#isHostLabel}) and is
 * lower-cased.
 *
 * @param text the pattern as written in the site file
 * @param regex true for the regular-expression form
 */
public record SubjectPattern(String text, boolean regex) {
  private static final String LABEL = "[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?";
  private static final String GROUP = "host";

  public SubjectPattern {
    Objects.requireNonNull(text, "text");
    compile(text, regex, "subject pattern"); // refuses a pattern that cannot be used
  }

  /**
   * The glob form {@code CN=...*...}.
   *
   * @throws InputException naming {@code what} without {@code CN=} or with not exactly one {@code
   *     *}
   */
  public static SubjectPattern glob(String text, String what) {
    compile(text, false, what);
    return new SubjectPattern(text, false);
  }

  /**
   * The regular-expression form, with a named group {@code host}.
   *
   * @throws InputException naming {@code what} when it does not compile or has no group {@code
   *     host}
   */
  public static SubjectPattern regex(String text, String what) {
    compile(text, true, what);
    return new SubjectPattern(text, true);
  }

  /** The hostname this subject maps to, empty when it does not match. */
  public Optional<String> hostname(X500Principal subject) {
    Pattern p = compile(text, regex, "subject pattern");
    Optional<String> candidate;
    if (regex) {
      Matcher m = p.matcher(subject.getName(X500Principal.RFC2253));
      candidate = m.matches() ? Optional.ofNullable(m.group(GROUP)) : Optional.empty();
    } else {
      candidate =
          commonName(subject)
              .map(cn -> p.matcher(cn.toLowerCase(Locale.ROOT)))
              .filter(Matcher::matches)
              .map(m -> m.group(GROUP));
    }
    return candidate.map(h -> h.toLowerCase(Locale.ROOT)).filter(HostnamePattern::isHostLabel);
  }

  /** The subject's common name when it has exactly one. */
  private static Optional<String> commonName(X500Principal subject) {
    List<String> cns = new ArrayList<>();
    try {
      for (Rdn rdn : new LdapName(subject.getName(X500Principal.RFC2253)).getRdns()) {
        if (rdn.getType().equalsIgnoreCase("CN")) {
          cns.add(String.valueOf(rdn.getValue()));
        }
      }
    } catch (InvalidNameException e) {
      return Optional.empty();
    }
    return cns.size() == 1 ? Optional.of(cns.get(0)) : Optional.empty();
  }

  private static Pattern compile(String text, boolean regex, String what) {
    if (regex) {
      Pattern p;
      try {
        // Case-insensitive as directory names compare (caseIgnoreMatch): CN=Web-1 is CN=web-1.
        p = Pattern.compile(text, Pattern.CASE_INSENSITIVE);
      } catch (PatternSyntaxException e) {
        throw new InputException(
            what, "'" + text + "' is not a regular expression: " + e.getDescription());
      }
      if (!text.contains("(?<" + GROUP + ">")) {
        throw new InputException(
            what,
            "'" + text + "' has no group named host",
            "mark the hostname with (?<host>...), e.g. CN=(?<host>[a-z0-9-]+)\\.fleet\\.example");
      }
      return p;
    }
    String hint = "write e.g. CN=*.fleet.example: * is the hostname";
    if (!text.regionMatches(true, 0, "CN=", 0, 3)) {
      throw new InputException(what, "'" + text + "' does not start with CN=", hint);
    }
    String cn = text.substring(3).toLowerCase(Locale.ROOT);
    int star = cn.indexOf('*');
    if (star < 0 || cn.indexOf('*', star + 1) >= 0) {
      throw new InputException(what, "'" + text + "' needs exactly one *", hint);
    }
    return Pattern.compile(
        Pattern.quote(cn.substring(0, star))
            + "(?<"
            + GROUP
            + ">"
            + LABEL
            + ")"
            + Pattern.quote(cn.substring(star + 1)));
  }

  @Override
  public String toString() {
    return text;
  }
}
