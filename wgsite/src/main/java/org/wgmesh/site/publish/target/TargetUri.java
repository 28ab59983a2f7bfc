package org.wgmesh.site.publish.target;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.wgmesh.core.error.ConfigException;

/**
 * A publish target URI split into scheme, the part before {@code ?} and the query parameters.
 * Parsed by hand because {@code zonefile:PATH} and {@code route53:ID} are not hierarchical URIs.
 *
 * @param text the URI as given (used in messages; it never holds a secret in clear)
 * @param scheme lower case
 * @param body what follows {@code scheme:} up to {@code ?}
 * @param query decoded parameters
 */
public record TargetUri(String text, String scheme, String body, Map<String, String> query) {
  /** The valid schemes, for messages. */
  public static final String SCHEMES =
      "zonefile:PATH, rfc2136://HOST:PORT?zone=..&tsig=.., route53:ZONE_ID";

  public static TargetUri parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new ConfigException(
          "publish target '" + text + "'", "no scheme", "use one of: " + SCHEMES);
    }
    String scheme = text.substring(0, colon).toLowerCase(Locale.ROOT);
    String rest = text.substring(colon + 1);
    int q = rest.indexOf('?');
    String body = q < 0 ? rest : rest.substring(0, q);
    Map<String, String> query = new LinkedHashMap<>();
    if (q >= 0 && q + 1 < rest.length()) {
      for (String pair : rest.substring(q + 1).split("&")) {
        int eq = pair.indexOf('=');
        if (eq <= 0) {
          throw new ConfigException(
              "publish target '" + text + "'", "parameter '" + pair + "' is not KEY=VALUE");
        }
        String key = decode(text, pair.substring(0, eq));
        if (query.put(key, decode(text, pair.substring(eq + 1))) != null) {
          throw new ConfigException(
              "publish target '" + text + "'",
              "parameter '" + key + "' is given twice",
              "keep one " + key + "=...");
        }
      }
    }
    return new TargetUri(text, scheme, body, Map.copyOf(query));
  }

  private static String decode(String text, String part) {
    try {
      return URLDecoder.decode(part, StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "publish target '" + text + "'",
          "'" + part + "' is not URL-encoded correctly (" + e.getMessage() + ")",
          "write a '%' as %25");
    }
  }

  /** Rejects parameters other than {@code allowed}, listing the valid ones. */
  public TargetUri allowOnly(Set<String> allowed) {
    for (String key : query.keySet()) {
      if (!allowed.contains(key)) {
        throw error(
            "unknown parameter '" + key + "'",
            "valid parameters for " + scheme + ": " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    return this;
  }

  public Optional<String> param(String key) {
    return Optional.ofNullable(query.get(key)).filter(v -> !v.isEmpty());
  }

  /** The body as a file path, relative to {@code base}. */
  public Path path(Path base) {
    if (body.isEmpty()) {
      throw error("no path", "write " + scheme + ":PATH");
    }
    try {
      return base.resolve(body).normalize();
    } catch (InvalidPathException e) {
      throw error(
          "'" + body + "' is not a file path: " + e.getReason(), "write " + scheme + ":PATH");
    }
  }

  /** Parameter {@code key} (present) as a file path, relative to {@code base}. */
  public Path file(String key, Path base) {
    String value = param(key).orElseThrow();
    try {
      return base.resolve(value);
    } catch (InvalidPathException e) {
      throw error(key + " '" + value + "' is not a file path: " + e.getReason());
    }
  }

  /** {@code true} or {@code false}; {@code fallback} when the parameter is absent. */
  public boolean flag(String key, boolean fallback) {
    String v = param(key).orElse(String.valueOf(fallback));
    if (!v.equals("true") && !v.equals("false")) {
      throw error(key + " must be true or false, not '" + v + "'", "write " + key + "=" + fallback);
    }
    return Boolean.parseBoolean(v);
  }

  /**
   * A whole number from {@code min} to {@code max}; {@code fallback} when the parameter is absent.
   */
  public int number(String key, int fallback, int min, int max) {
    Optional<String> v = param(key);
    if (v.isEmpty()) {
      return fallback;
    }
    try {
      int n = Integer.parseInt(v.get());
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // the message below says what is accepted
    }
    throw error(
        key + " must be a whole number from " + min + " to " + max + ", not '" + v.get() + "'",
        "write " + key + "=" + fallback);
  }

  /**
   * A number of seconds from 1 to {@code maxSeconds}, written {@code 10} or {@code 10s}; {@code
   * fallback} when the parameter is absent.
   */
  public Duration seconds(String key, Duration fallback, int maxSeconds) {
    Optional<String> v = param(key);
    if (v.isEmpty()) {
      return fallback;
    }
    String digits = v.get().endsWith("s") ? v.get().substring(0, v.get().length() - 1) : v.get();
    if (digits.matches("[0-9]{1,9}")) {
      int n = Integer.parseInt(digits);
      if (n >= 1 && n <= maxSeconds) {
        return Duration.ofSeconds(n);
      }
    }
    throw error(
        key + " must be a number of seconds from 1 to " + maxSeconds + ", not '" + v.get() + "'",
        "write " + key + "=" + fallback.toSeconds());
  }

  /** An error about this target. */
  public ConfigException error(String why) {
    return new ConfigException("publish target '" + text + "'", why);
  }

  /** An error about this target with a remedy. */
  public ConfigException error(String why, String hint) {
    return new ConfigException(
        "publish target '" + text + "'", why, Objects.requireNonNull(hint, "hint"));
  }
}
