package org.wgmesh.endpoint.config;

import java.nio.file.Path;
import java.util.Map;
import java.util.Optional;
import org.wgmesh.core.net.DomainName;

/**
 * Where an endpoint's files are: the configuration directory and, in it, each mesh's endpoint file
 * and default host key. Apart from {@link EndpointFile} (reading and writing the file) and {@link
 * EndpointSpec} (its keys), which both need these names, so neither has to use the other for them.
 */
public final class EndpointPaths {
  /**
   * Where endpoint files live unless {@code --config-dir} or {@code WGMESH_CONFIG_DIR} says
   * otherwise.
   */
  public static final Path DEFAULT_DIR = Path.of("/etc/wgmesh");

  /** The environment variable that overrides {@link #DEFAULT_DIR}. */
  public static final String DIR_ENV = "WGMESH_CONFIG_DIR";

  private EndpointPaths() {}

  /**
   * The configuration directory, absolute: {@code option} when given, else {@code
   * $WGMESH_CONFIG_DIR}, else {@link #DEFAULT_DIR}.
   */
  public static Path configDir(Optional<Path> option, Map<String, String> env) {
    if (option.isPresent()) {
      return option.get().toAbsolutePath();
    }
    String fromEnv = env.get(DIR_ENV);
    return fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv).toAbsolutePath() : DEFAULT_DIR;
  }

  /** {@code dir/<domain>.yaml}. */
  public static Path path(Path dir, DomainName domain) {
    return dir.resolve(domain + ".yaml");
  }

  /** The default host key file: {@code dir/<domain>.key}. */
  public static Path defaultHostKey(Path dir, DomainName domain) {
    return dir.resolve(domain + ".key");
  }
}
