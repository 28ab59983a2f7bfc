package org.wgmesh.endpoint.deploy.host;

import org.wgmesh.core.exec.Command;

/**
 * IPv6 forwarding in the default namespace, for a host whose WireGuard traffic crosses it over IPv6
 * (an IPv6 endpoint of its own or of a peer): the firewall's DNAT hands those packets to the
 * namespace, and the namespace's own go out through the veth, both forwarded.
 *
 * <p>Why not simply Shorewall6's {@code IP_FORWARDING=On}: with forwarding on, Linux ignores router
 * advertisements on interfaces whose {@code accept_ra} is 1 (the default) and purges the default
 * routes learned from them at the moment forwarding is switched on, so a router that takes its IPv6
 * address and default route by autoconfiguration would lose them. The public interface's {@code
 * accept_ra} is therefore raised from 1 to 2 (accept them while forwarding) first; 0 (the operator
 * configures it statically) and 2 are left alone. Neither setting is undone by a rollback or {@code
 * --down}, as Shorewall leaves IPv4 forwarding on.
 */
public final class Ipv6Forwarding {
  /** The kernel setting read by the health check. */
  public static final String KEY = "net.ipv6.conf.all.forwarding";

  /**
   * The interface name is passed as an argument, never spliced into the script (it is a checked
   * Linux interface name anyway).
   */
  static final String SCRIPT =
      "ra=/proc/sys/net/ipv6/conf/$1/accept_ra\n"
          + "if [ -e \"$ra\" ] && [ \"$(cat \"$ra\")\" = 1 ]; then echo 2 >\"$ra\"; fi\n"
          + "sysctl -q -w "
          + KEY
          + "=1\n";

  private Ipv6Forwarding() {}

  /** Turns IPv6 forwarding on, keeping router advertisements on {@code publicInterface}. */
  public static Command on(String publicInterface) {
    return Command.change("sh", "-c", SCRIPT, "wgdeploy-ipv6-forwarding", publicInterface);
  }
}
