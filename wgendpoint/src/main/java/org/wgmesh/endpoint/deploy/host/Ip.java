package org.wgmesh.endpoint.deploy.host;

import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.exec.Command;

/**
 * {@code ip} command lines, in the default namespace ({@link #host()}) or inside one ({@link #in}).
 * Every caller that runs {@code ip} builds its argv here, so the deploy steps, the probe, the
 * teardown and the health check cannot drift apart.
 */
public final class Ip {
  private final List<String> prefix;
  private final String namespace;

  private Ip(List<String> prefix, String namespace) {
    this.prefix = prefix;
    this.namespace = namespace;
  }

  /** {@code ip ...} in the namespace wgdeploy runs in. */
  public static Ip host() {
    return new Ip(List.of("ip"), null);
  }

  /** {@code ip -n NS ...}. */
  public static Ip in(String namespace) {
    return new Ip(List.of("ip", "-n", namespace), namespace);
  }

  /** {@code ip netns list}. */
  public static Command netnsList() {
    return Command.query("ip", "netns", "list");
  }

  /** {@code ip netns add NS}. */
  public static Command netnsAdd(String ns) {
    return Command.change("ip", "netns", "add", ns);
  }

  /** {@code ip netns del NS}. */
  public static Command netnsDel(String ns) {
    return Command.change("ip", "netns", "del", ns);
  }

  /** {@code ip netns exec NS ARGV...}: a program run inside the namespace. */
  public static Command exec(String ns, boolean mutates, String... argv) {
    List<String> a = new ArrayList<>(List.of("ip", "netns", "exec", ns));
    a.addAll(List.of(argv));
    return new Command(a, mutates);
  }

  /** Every interface with its addresses, as JSON ({@code ip -j addr show}). */
  public Command addrShowAll() {
    return namespace == null
        ? Command.query("ip", "-j", "addr", "show")
        : query("-j", "addr", "show");
  }

  /** One interface with its addresses, as JSON; fails when it does not exist. */
  public Command addrShow(String dev) {
    return namespace == null
        ? Command.query("ip", "-j", "addr", "show", "dev", dev)
        : query("-j", "addr", "show", "dev", dev);
  }

  /** The main routing table of one family ({@code -4}/{@code -6}), as JSON. */
  public Command routes(boolean v6) {
    List<String> a = new ArrayList<>(List.of("ip", v6 ? "-6" : "-4"));
    a.addAll(prefix.subList(1, prefix.size()));
    a.addAll(List.of("-j", "route", "show"));
    return new Command(a, false);
  }

  /** {@code ip link show DEV}: exits non-zero when there is no such interface. */
  public Command linkShow(String dev) {
    return query("link", "show", dev);
  }

  /**
   * {@code ip addr add CIDR dev DEV}; IPv6 without duplicate address detection (point-to-point,
   * veth).
   */
  public Command addrAdd(String cidr, String dev) {
    return cidr.contains(":")
        ? change("addr", "add", cidr, "dev", dev, "nodad")
        : change("addr", "add", cidr, "dev", dev);
  }

  /** {@code ip addr del CIDR dev DEV}. */
  public Command addrDel(String cidr, String dev) {
    return change("addr", "del", cidr, "dev", dev);
  }

  /** {@code ip link set DEV up}. */
  public Command linkUp(String dev) {
    return change("link", "set", dev, "up");
  }

  /** {@code ip link set dev DEV mtu MTU}. */
  public Command linkSetMtu(String dev, int mtu) {
    return change("link", "set", "dev", dev, "mtu", Integer.toString(mtu));
  }

  /** {@code ip -4|-6 route del ARGS...}. */
  public Command routeDel(boolean v6, String... args) {
    List<String> a = new ArrayList<>(List.of("ip", v6 ? "-6" : "-4"));
    a.addAll(prefix.subList(1, prefix.size()));
    a.addAll(List.of("route", "del"));
    a.addAll(List.of(args));
    return new Command(a, true);
  }

  /** {@code ip link del DEV}. */
  public Command linkDel(String dev) {
    return change("link", "del", dev);
  }

  /** {@code ip link add DEV type wireguard} (the kernel module). */
  public Command linkAddWireGuard(String dev) {
    return change("link", "add", dev, "type", "wireguard");
  }

  /** A veth pair with its second end created in {@code peerNamespace}. */
  public Command linkAddVeth(String dev, String peer, String peerNamespace) {
    return change("link", "add", dev, "type", "veth", "peer", "name", peer, "netns", peerNamespace);
  }

  /**
   * {@code ip link set DEV netns NS}: moves an interface into a namespace (it loses its addresses).
   */
  public Command linkSetNetns(String dev, String ns) {
    return change("link", "set", dev, "netns", ns);
  }

  /** {@code ip -4|-6 route replace ARGS...}. */
  public Command routeReplace(boolean v6, String... args) {
    List<String> a = new ArrayList<>(List.of("ip", v6 ? "-6" : "-4"));
    a.addAll(prefix.subList(1, prefix.size()));
    a.addAll(List.of("route", "replace"));
    a.addAll(List.of(args));
    return new Command(a, true);
  }

  private Command query(String... args) {
    return new Command(argv(args), false);
  }

  private Command change(String... args) {
    return new Command(argv(args), true);
  }

  private List<String> argv(String... args) {
    List<String> a = new ArrayList<>(prefix);
    a.addAll(List.of(args));
    return a;
  }
}
