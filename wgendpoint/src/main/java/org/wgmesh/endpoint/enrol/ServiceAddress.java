package org.wgmesh.endpoint.enrol;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;
import java.util.Objects;
import org.wgmesh.core.error.InputException;

/**
 * The enrolment service's address as {@code wghost --enrol URL} gives it: {@code
 * https://HOST[:PORT]} and nothing else, so the request goes to {@code /v1/enrol} there and only
 * over TLS.
 *
 * @param base the URL as given, without a trailing slash
 */
public record ServiceAddress(URI base) {
  private static final String HINT = "give the service's address, e.g. https://192.0.2.10:8443";

  public ServiceAddress {
    Objects.requireNonNull(base, "base");
  }

  /**
   * Checks {@code url}.
   *
   * @throws InputException when it is not an https URL of a host, or carries a path, query, user or
   *     fragment
   */
  public static ServiceAddress parse(String url) {
    return parse(url, "--enrol");
  }

  /**
   * {@code url}, named {@code option} in errors (e.g. {@code --report-url}).
   *
   * @throws InputException as {@link #parse(String)}
   */
  public static ServiceAddress parse(String url, String option) {
    String what = option + " '" + url + "'";
    URI uri;
    try {
      uri = new URI(url.strip());
    } catch (URISyntaxException e) {
      throw new InputException(what, "not a URL: " + e.getReason(), HINT);
    }
    String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("https")) {
      throw new InputException(
          what,
          scheme.isEmpty() ? "not a URL" : "not https: the enrolment service speaks only TLS",
          HINT);
    }
    if (uri.getHost() == null || uri.getRawUserInfo() != null) {
      throw new InputException(what, "names no host (or carries a user name)", HINT);
    }
    String path = uri.getRawPath() == null ? "" : uri.getRawPath();
    if (!(path.isEmpty() || path.equals("/"))
        || uri.getRawQuery() != null
        || uri.getRawFragment() != null) {
      throw new InputException(
          what, "has a path, query or fragment: wghost adds /v1/enrol itself", HINT);
    }
    return new ServiceAddress(URI.create("https://" + uri.getRawAuthority()));
  }

  /** {@code POST} here. */
  public URI enrol() {
    return base.resolve("/v1/enrol");
  }

  /** {@code POST} health reports here. */
  public URI report() {
    return base.resolve("/v1/report");
  }

  /** {@code GET} here to wait for the next publication after serial {@code after}. */
  public URI nudge(long after) {
    if (after < 0) {
      throw new IllegalArgumentException("a serial is not negative: " + after);
    }
    return base.resolve("/v1/nudge?after=" + after);
  }

  @Override
  public String toString() {
    return base.toString();
  }
}
