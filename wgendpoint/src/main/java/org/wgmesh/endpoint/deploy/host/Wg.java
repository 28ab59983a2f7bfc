package org.wgmesh.endpoint.deploy.host;

import java.nio.file.Path;
import org.wgmesh.core.exec.Command;

/** {@code wg} command lines inside a namespace ({@code ip netns exec NS wg ...}). */
public final class Wg {
  private final String namespace;

  private Wg(String namespace) {
    this.namespace = namespace;
  }

  /** {@code wg} inside {@code namespace}. */
  public static Wg in(String namespace) {
    return new Wg(namespace);
  }

  /** The interfaces that answer as WireGuard devices, space-separated. */
  public Command showInterfaces() {
    return Ip.exec(namespace, false, "wg", "show", "interfaces");
  }

  /** Succeeds once {@code iface} answers (wireguard-go has opened its control socket). */
  public Command showListenPort(String iface) {
    return Ip.exec(namespace, false, "wg", "show", iface, "listen-port");
  }

  /** Every interface's peers with their latest handshake, in seconds since the epoch. */
  public Command showLatestHandshakes() {
    return Ip.exec(namespace, false, "wg", "show", "all", "latest-handshakes");
  }

  /** {@code wg show all endpoints}: interface, peer key, endpoint (IPv6 in brackets) per line. */
  public Command showEndpoints() {
    return Ip.exec(namespace, false, "wg", "show", "all", "endpoints");
  }

  /** Every interface's peers with the bytes received and sent. */
  public Command showTransfer() {
    return Ip.exec(namespace, false, "wg", "show", "all", "transfer");
  }

  /** Replaces the whole configuration of {@code iface} (a new interface). */
  public Command setconf(String iface, Path conf) {
    return Ip.exec(namespace, true, "wg", "setconf", iface, conf.toString());
  }

  /** Applies a changed configuration without disturbing sessions that stay. */
  public Command syncconf(String iface, Path conf) {
    return Ip.exec(namespace, true, "wg", "syncconf", iface, conf.toString());
  }
}
