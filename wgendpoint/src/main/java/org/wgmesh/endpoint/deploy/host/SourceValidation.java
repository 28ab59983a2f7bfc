package org.wgmesh.endpoint.deploy.host;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.net.IpAddress;

/**
 * The source validation of every WireGuard link inside the mesh namespace: an nftables table that
 * drops a packet coming in by a WireGuard interface unless the route back to its source leaves by
 * that same interface (a strict reverse-path check, {@code fib saddr . iif oif missing}), IPv4 and
 * IPv6.
 *
 * <p>Why routes and not a list of prefixes per link: what a link may carry is what the mesh routes
 * over it. Its peer's own LAN and link addresses always; another member's LAN only while the routes
 * go through that peer (a transit host: every host of a full mesh, the hubs of hub-and-spoke),
 * which is exactly when a failover or a hub relays it, because both ends see the same BGP paths and
 * BFD states. So a member can no longer send into the mesh as another member's LAN whose direct
 * link is up, nor as an address outside the mesh (whose route is the default one, out of the
 * namespace), while relayed traffic passes. WireGuard's own AllowedIPs stay 0.0.0.0/0 and ::/0 so
 * that failover needs no reconfiguration.
 */
public final class SourceValidation {
  /** The nftables table wgdeploy owns in the namespace. */
  public static final String TABLE = "wgmesh";

  /** The rule's match, as {@code nft list} prints it back (the probe looks for it). */
  static final String MATCH = "fib saddr . iif oif missing";

  /**
   * The source addresses of packets the router itself sends into the mesh (issue 20, {@code
   * router-on-mesh}): the host end of the veth, the same on every host and never routed, so the
   * namespace rewrites them to this host's own LAN address of the family before they leave by a
   * WireGuard link; the replies come back to that address and conntrack turns them back.
   *
   * @param v4 the IPv4 address to rewrite to; empty: no IPv4 rule (router-on-mesh off, or no IPv4
   *     trust address)
   * @param v6 likewise for IPv6
   */
  public record Snat(Optional<IpAddress> v4, Optional<IpAddress> v6) {
    /** No rewriting: the router is not on the mesh. */
    public static final Snat NONE = new Snat(Optional.empty(), Optional.empty());

    public Snat {
      Objects.requireNonNull(v4, "v4");
      Objects.requireNonNull(v6, "v6");
    }

    /** The rules as {@code nft list} prints them, without counters and comments. */
    List<String> rules() {
      List<String> out = new ArrayList<>();
      v4.ifPresent(a -> out.add("oifname \"wg*\" ip saddr " + VETH_HOST_V4 + " snat ip to " + a));
      v6.ifPresent(a -> out.add("oifname \"wg*\" ip6 saddr " + VETH_HOST_V6 + " snat ip6 to " + a));
      return out;
    }
  }

  /** The host end of the veth (Planner.VETH_HOST_V4 without its length; host may not use plan). */
  static final String VETH_HOST_V4 = "169.254.0.1";

  /** Likewise for IPv6 (Planner.VETH_HOST_V6). */
  static final String VETH_HOST_V6 = "fdff:a9fe::1";

  /**
   * One nft transaction: the table made sure to exist, deleted and written again, so a run replaces
   * whatever an earlier release or a person left there, atomically: the source validation and, when
   * the router is on the mesh, the SNAT of its packets.
   */
  static String script(Snat snat) {
    StringBuilder b =
        new StringBuilder()
            .append("add table inet ")
            .append(TABLE)
            .append("\ndelete table inet ")
            .append(TABLE)
            .append("\ntable inet ")
            .append(TABLE)
            .append(" {\n")
            .append("  chain prerouting {\n")
            .append("    type filter hook prerouting priority raw; policy accept;\n")
            .append("    iifname \"wg*\" ")
            .append(MATCH)
            .append(" counter drop comment \"source not routed back over this WireGuard link\"\n")
            .append("  }\n");
    List<String> rules = snat.rules();
    if (!rules.isEmpty()) {
      b.append("  chain postrouting {\n")
          .append("    type nat hook postrouting priority srcnat; policy accept;\n");
      for (String r : rules) {
        String counted = r.replace(" snat ", " counter snat ");
        b.append("    ").append(counted).append(" comment \"the router's own packets\"\n");
      }
      b.append("  }\n");
    }
    return b.append("}\n").toString();
  }

  private SourceValidation() {}

  /** Writes the table into {@code ns}, with the SNAT rules of {@code snat}. */
  public static Command apply(String ns, Snat snat) {
    return Ip.exec(ns, true, "nft", script(snat));
  }

  /** Lists the table in {@code ns}; fails when there is none. */
  public static Command list(String ns) {
    return Ip.exec(ns, false, "nft", "list", "table", "inet", TABLE);
  }

  /**
   * Whether {@code listing} (the output of {@link #list}) holds the source validation rule and
   * exactly the SNAT rules of {@code snat}.
   */
  public static boolean inPlace(String listing, Snat snat) {
    List<String> have =
        listing
            .lines()
            .map(l -> COUNTER.matcher(COMMENT.matcher(l).replaceAll("")).replaceAll("").strip())
            .filter(l -> l.contains(" snat "))
            .sorted()
            .toList();
    return listing.contains("iifname \"wg*\" " + MATCH)
        && listing.contains(" drop")
        && have.equals(snat.rules().stream().sorted().toList());
  }

  private static final Pattern COUNTER = Pattern.compile("counter packets \\d+ bytes \\d+ ");

  private static final Pattern COMMENT = Pattern.compile("\\s*comment \"[^\"]*\"");
}
