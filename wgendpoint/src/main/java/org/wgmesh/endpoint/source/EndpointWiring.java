package org.wgmesh.endpoint.source;

import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.endpoint.cli.WgdeployCommand;
import org.wgmesh.endpoint.config.EndpointConfig;
import org.wgmesh.endpoint.config.EndpointFile;
import org.wgmesh.endpoint.config.HostKeys;
import org.wgmesh.endpoint.deploy.EndpointInputs;
import org.wgmesh.endpoint.deploy.EndpointSettings;
import org.wgmesh.endpoint.deploy.MeshViewSource;

/**
 * Connects {@code wgdeploy} to the endpoint file written by {@code wgconfig}/{@code wghost} and to
 * the verified DNS reader ({@link EndpointMeshSource}).
 */
public final class EndpointWiring implements WgdeployCommand.Wiring {
  @Override
  public MeshViewSource meshSource(Path configDir, Optional<String> resolver) {
    EndpointMeshSource source = EndpointMeshSource.withResolver(resolver);
    return domain -> source.fetch(load(configDir, domain));
  }

  @Override
  public EndpointInputs endpoint(Path configDir, String domain) {
    EndpointConfig c = load(configDir, domain);
    return new EndpointInputs(settings(c), () -> HostKeys.read(c.hostKey(), c.domain()));
  }

  /**
   * The deploy settings of an endpoint configuration.
   *
   * @throws ConfigException when the public or trust interface has not been set yet
   */
  public static EndpointSettings settings(EndpointConfig c) {
    String pub = c.publicInterface().orElseThrow(() -> new ConfigException(
        "public-interface", "not set for " + c.domain(), "set it: wgconfig -i IFACE " + c.domain()));
    String trust = c.trustInterface().orElseThrow(() -> new ConfigException(
        "trust-interface", "not set for " + c.domain(), "set it: wgconfig -T IFACE -I ADDRESS/LEN " + c.domain()));
    EndpointSettings s = EndpointSettings.of(pub, trust, c.trustAddresses(), c.roots())
        .withBackend(c.backend())
        .withSupervisor(c.supervisor())
        .withTemplateOverrides(c.templateDir().orElse(null))
        .withSshFromNet(c.allowSshFromNet());
    return c.netns().map(s::withNamespace).orElse(s);
  }

  private static EndpointConfig load(Path configDir, String domain) {
    return EndpointFile.load(EndpointFile.path(configDir, domain), domain);
  }
}
