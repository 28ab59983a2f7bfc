package org.wgmesh.site.publish;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
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
record TargetUri(String text, String scheme, String body, Map<String, String> query) {

  static TargetUri parse(String text) {
    int colon = text.indexOf(':');
    if (colon <= 0) {
      throw new ConfigException(
          "publish target '" + text + "'", "no scheme", "use one of: " + Publishers.SCHEMES);
    }
    String scheme = text.substring(0, colon).toLowerCase(java.util.Locale.ROOT);
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
        query.put(
            URLDecoder.decode(pair.substring(0, eq), StandardCharsets.UTF_8),
            URLDecoder.decode(pair.substring(eq + 1), StandardCharsets.UTF_8));
      }
    }
    return new TargetUri(text, scheme, body, Map.copyOf(query));
  }

  /** Rejects parameters other than {@code allowed}, listing the valid ones. */
  TargetUri allowOnly(Set<String> allowed) {
    for (String key : query.keySet()) {
      if (!allowed.contains(key)) {
        throw error(
            "unknown parameter '" + key + "'",
            "valid parameters for "
                + scheme
                + ": "
                + String.join(", ", new java.util.TreeSet<>(allowed)));
      }
    }
    return this;
  }

  Optional<String> param(String key) {
    return Optional.ofNullable(query.get(key)).filter(v -> !v.isEmpty());
  }

  /** The body as a file path, relative to {@code base}. */
  Path path(Path base) {
    if (body.isEmpty()) {
      throw error("no path", "write " + scheme + ":PATH");
    }
    return base.resolve(body).normalize();
  }

  ConfigException error(String why, String hint) {
    return new ConfigException("publish target '" + text + "'", why, hint);
  }
}
