package org.wgmesh.site.publish;

import java.nio.file.Path;
import java.util.Map;
import java.util.Set;
import org.wgmesh.site.publish.rfc2136.Rfc2136Publisher;
import org.wgmesh.site.publish.route53.Route53Publisher;
import org.wgmesh.site.publish.target.Publisher;
import org.wgmesh.site.publish.target.TargetUri;
import org.wgmesh.site.publish.zonefile.ZoneFilePublisher;

/**
 * The one factory of {@link Publisher}s, from a target URI as written in the site file's {@code
 * publish:} or given with {@code wgpub --publish}:
 *
 * <ul>
 *   <li>{@code zonefile:PATH} (a relative PATH is relative to the site file's directory)
 *   <li>{@code rfc2136://HOST:PORT?zone=ZONE&tsig=KEYNAME&algorithm=hmac-sha256&secret-file=PATH}
 *   <li>{@code route53:ZONE_ID[?wait=false&endpoint=URL&timeout=S&attempt-timeout=S&retries=N]}
 * </ul>
 *
 * See docs/publishing.md.
 */
public final class Publishers {

  private Publishers() {}

  /** {@link #fromUri(String, Path, Map)} with the process environment. */
  public static Publisher fromUri(String uri, Path siteDir) {
    return fromUri(uri, siteDir, System.getenv());
  }

  /**
   * Parses {@code uri} and makes its publisher. Nothing is contacted yet, but secret files are read
   * and checked here.
   *
   * @param siteDir the directory relative paths are resolved against
   * @param env the environment ({@code WGMESH_TSIG_SECRET})
   * @throws org.wgmesh.core.error.ConfigException for an unknown scheme (listing the valid ones), a
   *     malformed URI, or an unreadable or too open secret file
   */
  public static Publisher fromUri(String uri, Path siteDir, Map<String, String> env) {
    TargetUri target = TargetUri.parse(uri);
    return switch (target.scheme()) {
      case "zonefile" -> new ZoneFilePublisher(target.allowOnly(Set.of()).path(siteDir));
      case "rfc2136" -> Rfc2136Publisher.fromUri(target, siteDir, env);
      case "route53" -> Route53Publisher.fromUri(target);
      default ->
          throw target.error(
              "unknown scheme '" + target.scheme() + "'", "use one of: " + TargetUri.SCHEMES);
    };
  }
}
