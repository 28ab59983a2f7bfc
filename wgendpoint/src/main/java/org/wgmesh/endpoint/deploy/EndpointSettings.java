package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.net.IpPrefix;

/**
 * What the deploy engine needs from the endpoint's own configuration (the {@code wgconfig} file):
 * the local names and addresses the mesh data cannot know.
 *
 * @param namespace the network namespace name; empty means the mesh locus
 * @param publicInterface the NIC with the public address(es), in the default namespace
 * @param trustInterface the LAN interface moved into the namespace
 * @param trustAddresses its interface addresses (host bits set, e.g. {@code 198.18.1.1/24})
 * @param backend WireGuard implementation choice
 * @param supervisor who runs the daemons
 * @param roots where files go
 * @param templateOverrides a directory whose files replace the built-in templates file by file;
 *     empty for none
 * @param persistentKeepalive WireGuard keepalive in seconds (0 turns it off)
 * @param sshFromNet whether the firewall accepts SSH from the Internet side to the router
 */
public record EndpointSettings(
    Optional<String> namespace,
    String publicInterface,
    String trustInterface,
    List<IpPrefix> trustAddresses,
    WireGuardBackendChoice backend,
    Supervisor supervisor,
    Roots roots,
    Optional<Path> templateOverrides,
    int persistentKeepalive,
    boolean sshFromNet) {
  /** Linux interface names: at most 15 characters, no slash, colon or white space. */
  private static final Pattern IFNAME = Pattern.compile("[A-Za-z0-9_.-]{1,15}");
  /** Namespace names become file names under /run/netns and parts of unit names. */
  private static final Pattern NETNS = Pattern.compile("[A-Za-z0-9][A-Za-z0-9_.-]{0,31}");

  public EndpointSettings {
    Objects.requireNonNull(namespace, "namespace");
    namespace.ifPresent(n -> check(NETNS, n, "namespace", "letters, digits, '_', '.', '-'; at most 32"));
    check(IFNAME, publicInterface, "public interface", "a Linux interface name of at most 15 characters");
    check(IFNAME, trustInterface, "trust interface", "a Linux interface name of at most 15 characters");
    if (publicInterface.equals(trustInterface)) {
      throw new ConfigException(
          "trust interface", "'" + trustInterface + "' is also the public interface",
          "the trust (LAN) interface is moved into the namespace; use a second interface");
    }
    trustAddresses = List.copyOf(trustAddresses);
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(supervisor, "supervisor");
    Objects.requireNonNull(roots, "roots");
    Objects.requireNonNull(templateOverrides, "templateOverrides");
    if (persistentKeepalive < 0 || persistentKeepalive > 65535) {
      throw new ConfigException("persistent keepalive", "must be 0..65535 seconds: " + persistentKeepalive);
    }
  }

  /**
   * Settings with the defaults: namespace = locus, automatic backend, direct supervision, keepalive
   * 25 s, SSH accepted from the Internet side (so a first deploy over SSH does not lock the
   * operator out).
   */
  public static EndpointSettings of(
      String publicInterface, String trustInterface, List<IpPrefix> trustAddresses, Roots roots) {
    return new EndpointSettings(
        Optional.empty(), publicInterface, trustInterface, trustAddresses,
        WireGuardBackendChoice.AUTO, Supervisor.DIRECT, roots, Optional.empty(), 25, true);
  }

  public EndpointSettings withNamespace(String ns) {
    return new EndpointSettings(Optional.of(ns), publicInterface, trustInterface, trustAddresses,
        backend, supervisor, roots, templateOverrides, persistentKeepalive, sshFromNet);
  }

  public EndpointSettings withBackend(WireGuardBackendChoice b) {
    return new EndpointSettings(namespace, publicInterface, trustInterface, trustAddresses,
        b, supervisor, roots, templateOverrides, persistentKeepalive, sshFromNet);
  }

  public EndpointSettings withSupervisor(Supervisor s) {
    return new EndpointSettings(namespace, publicInterface, trustInterface, trustAddresses,
        backend, s, roots, templateOverrides, persistentKeepalive, sshFromNet);
  }

  public EndpointSettings withTemplateOverrides(Path dir) {
    return new EndpointSettings(namespace, publicInterface, trustInterface, trustAddresses,
        backend, supervisor, roots, Optional.ofNullable(dir), persistentKeepalive, sshFromNet);
  }

  public EndpointSettings withSshFromNet(boolean allow) {
    return new EndpointSettings(namespace, publicInterface, trustInterface, trustAddresses,
        backend, supervisor, roots, templateOverrides, persistentKeepalive, allow);
  }

  private static void check(Pattern p, String value, String what, String form) {
    if (value == null || !p.matcher(value).matches()) {
      throw new ConfigException(what, "'" + value + "' is not valid", "expected " + form);
    }
  }
}
