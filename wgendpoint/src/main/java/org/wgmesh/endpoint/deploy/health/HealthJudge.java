package org.wgmesh.endpoint.deploy.health;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.deploy.host.HostProbe;
import org.wgmesh.endpoint.deploy.host.Ipv6Forwarding;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Nft;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.plan.Layout;
import org.wgmesh.endpoint.deploy.plan.Planner;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * Judges a probed host against what the last deploy left ({@link Manifest}): the namespace and the
 * kernel settings of both namespaces, the veth pair, each WireGuard interface (up, its link
 * address, a recent handshake) with its BGP session (Established) and BFD session (Up) in BIRD,
 * each client's interface, the VXLAN overlay ({@link OverlayHealth}), the MTUs, no other program on
 * a mesh UDP port, the deployed mesh record (not close to expiry, not older than one verified
 * since), BIRD, and the firewall. Pure: no command, no file, no clock (the time is the probe's), so
 * every host state can be written down as a table row and judged.
 */
public final class HealthJudge {
  private HealthJudge() {}

  /**
   * The report on {@code host}, probed in {@code layout}'s namespace as deployed in {@code
   * manifest}.
   *
   * @param acceptedSerial the highest mesh serial verified on this host ({@code .seen}), 0 if none
   * @param maxHandshakeAge the oldest latest handshake a healthy link may have
   */
  public static HealthReport judge(
      Layout layout,
      Manifest manifest,
      Probed host,
      long acceptedSerial,
      Duration maxHandshakeAge) {
    String ns = layout.namespace();
    long now = host.at().getEpochSecond();
    List<HealthReport.Item> items = new ArrayList<>();
    items.add(
        item(
            "namespace",
            host.namespaceExists(),
            "namespace " + ns,
            host.namespaceExists() ? "exists" : "missing",
            "run wgdeploy "
                + manifest.domain()
                + " (the timer does): it creates whatever is missing"));
    items.add(forwarding(ns, host));
    items.add(veth(manifest, host));
    Probed.Bird bird = host.bird();
    List<HealthReport.LinkStatus> measured = new ArrayList<>();
    for (String iface : manifest.wireguard().keySet()) {
      LinkCheck c = new LinkCheck();
      LinkInfo link = host.links().get(iface);
      c.add(
          link != null && link.up(),
          link == null ? "link missing" : link.up() ? "link up" : "link down",
          "run wgdeploy: it recreates a missing interface and sets it up");
      // A link set down and up again has lost its IPv6 address, and BGP cannot come back without
      // it.
      String cidr = manifest.wireguard().get(iface);
      if (link != null
          && !cidr.isEmpty()
          && !link.addresses().contains(HostProbe.canonical(cidr))) {
        c.add(
            false, "address " + cidr + " missing", "run wgdeploy: it adds the link address again");
      }
      Long last = host.handshakes().get(iface);
      if (last == null) {
        c.add(false, "no peer", "run wgdeploy: it configures the interface's peer");
      } else if (last == 0) {
        c.add(false, "no handshake", "the peer does not answer: is it up, and its UDP port open?");
      } else {
        long age = Math.max(0, now - last);
        c.add(
            age <= maxHandshakeAge.toSeconds(),
            "handshake " + age + " s ago",
            "no recent handshake: the peer or the path to it is down");
      }
      String state = bird.bgp().get(iface);
      String session = bird.bfd().get(iface);
      if (!bird.answers()) {
        c.add(false, "BGP unknown (BIRD does not answer)", "start BIRD: run wgdeploy");
      } else {
        c.add(
            "Established".equals(state),
            state == null ? "no BGP session" : "BGP " + state,
            "see 'birdc -s " + layout.birdSocket() + " show protocols all " + iface + "'");
        c.add(
            "Up".equals(session),
            session == null ? "no BFD session" : "BFD " + session,
            "BFD is down when the link carries no packets: check the handshake and the peer");
      }
      String peer = host.peerNames().getOrDefault(iface, iface);
      items.add(
          c.item(
              "link." + iface,
              host.peerNames().containsKey(iface) ? iface + " (" + peer + ")" : iface));
      Probed.Transfer rxtx = host.transfer().getOrDefault(iface, new Probed.Transfer(0, 0));
      measured.add(
          new HealthReport.LinkStatus(
              iface,
              peer,
              link != null && link.up(),
              last == null || last == 0 ? OptionalLong.empty() : OptionalLong.of(last),
              rxtx.received(),
              rxtx.sent(),
              state == null ? "" : state,
              session == null ? "" : session,
              link == null ? 0 : link.mtu(),
              Optional.ofNullable(manifest.mtus().get(iface)).map(Manifest.LinkMtu::mtu).orElse(0),
              host.endpoints().getOrDefault(iface, "")));
    }
    List<HealthReport.ClientStatus> clients = new ArrayList<>();
    manifest.clients().forEach((iface, name) -> items.add(client(iface, name, host, now, clients)));
    manifest.overlay().ifPresent(o -> items.add(OverlayHealth.judge(ns, o, host)));
    items.add(mtu(manifest, host));
    items.add(ports(ns, manifest, host));
    items.add(recordExpiry(manifest, now));
    items.add(serial(manifest, acceptedSerial));
    items.add(
        item(
            "bird",
            bird.answers(),
            "BIRD",
            bird.answers()
                ? "answers on " + layout.birdSocket()
                : "does not answer on "
                    + layout.birdSocket()
                    + (bird.failure().isEmpty() ? "" : ": " + bird.failure()),
            "run wgdeploy (it starts BIRD), or see the system log"));
    items.addAll(firewall(layout, manifest, host));
    return new HealthReport(
        manifest.domain(),
        ns,
        host.at(),
        items,
        measured,
        bird.routes(),
        new HealthReport.RecordStatus(
            manifest.serial(), manifest.recordIssued(), manifest.recordExpires(), acceptedSerial),
        clients);
  }

  /**
   * A client's interface (issue 25): it must exist, be up and have its peer; its handshake is shown
   * but not judged, since a laptop or a phone is often away. Adds what was measured to {@code
   * measured}.
   */
  private static HealthReport.Item client(
      String iface, String name, Probed host, long now, List<HealthReport.ClientStatus> measured) {
    LinkCheck c = new LinkCheck();
    LinkInfo link = host.links().get(iface);
    c.add(
        link != null && link.up(),
        link == null ? "link missing" : link.up() ? "link up" : "link down",
        "run wgdeploy: it recreates a missing interface and sets it up");
    Long last = host.handshakes().get(iface);
    if (last == null) {
      c.add(false, "no peer", "run wgdeploy: it configures the client as the interface's peer");
    } else if (last == 0) {
      c.add(true, "no handshake yet (the client has not connected)", "");
    } else {
      c.add(true, "handshake " + Math.max(0, now - last) + " s ago", "");
    }
    Probed.Transfer rxtx = host.transfer().getOrDefault(iface, new Probed.Transfer(0, 0));
    measured.add(
        new HealthReport.ClientStatus(
            iface,
            name,
            link != null && link.up(),
            last == null || last == 0 ? OptionalLong.empty() : OptionalLong.of(last),
            rxtx.received(),
            rxtx.sent(),
            host.endpoints().getOrDefault(iface, "")));
    return c.item("client." + iface, iface + " (client " + name + ")");
  }

  /** wgdeploy's nftables table, or Shorewall and Shorewall6: whichever the deploy chose. */
  private static List<HealthReport.Item> firewall(Layout layout, Manifest m, Probed host) {
    if (m.firewall().equals("nftables")) {
      boolean table = host.nftablesTable().orElse(false);
      return List.of(
          item(
              "nftables",
              table,
              "nftables table " + Nft.FAMILY + " " + Nft.TABLE,
              table ? "loaded" : "missing",
              "run wgdeploy (it loads the table from " + layout.nftablesFile() + ")"));
    }
    List<HealthReport.Item> out = new ArrayList<>();
    for (Shorewall tool : Shorewall.values()) {
      boolean started = host.shorewallStarted().getOrDefault(tool, false);
      out.add(
          item(
              tool.tool(),
              started,
              tool.tool(),
              started ? "started" : "not started",
              "run wgdeploy (it starts "
                  + tool.tool()
                  + "), or '"
                  + tool.tool()
                  + " start "
                  + (tool == Shorewall.V4 ? layout.shorewallDir() : layout.shorewall6Dir())
                  + "'"));
    }
    return out;
  }

  /**
   * The MTU of every link (issue 20): as the last deploy planned it, and not larger than the public
   * interface carries once WireGuard's overhead is added (60 bytes over IPv4, 80 over IPv6), or
   * packets of full size are fragmented or lost on the way.
   */
  private static HealthReport.Item mtu(Manifest m, Probed host) {
    if (m.mtus().isEmpty()) {
      return item("mtu", true, "MTU", "unknown (deployed by an older wgdeploy)", "");
    }
    int outer = m.publicInterface().isEmpty() ? 0 : host.publicMtu();
    List<String> wrong = new ArrayList<>();
    Set<String> planned = new TreeSet<>();
    for (Map.Entry<String, Manifest.LinkMtu> e : new TreeMap<>(m.mtus()).entrySet()) {
      String iface = e.getKey();
      Manifest.LinkMtu want = e.getValue();
      planned.add(Integer.toString(want.mtu()));
      LinkInfo link = host.links().get(iface);
      if (link != null && link.mtu() > 0 && link.mtu() != want.mtu()) {
        wrong.add(iface + " has MTU " + link.mtu() + ", planned " + want.mtu());
      }
      int overhead = LinkSettings.overhead(want.v6());
      if (outer > 0 && want.mtu() > outer - overhead) {
        wrong.add(
            iface
                + " MTU "
                + want.mtu()
                + " is larger than "
                + m.publicInterface()
                + "'s "
                + outer
                + " minus "
                + overhead
                + " (WireGuard over "
                + (want.v6() ? "IPv6" : "IPv4")
                + ")");
      }
    }
    return item(
        "mtu",
        wrong.isEmpty(),
        "MTU",
        wrong.isEmpty()
            ? "links "
                + String.join("/", planned)
                + (outer > 0 ? ", " + m.publicInterface() + " " + outer : "")
            : String.join(", ", wrong),
        "run wgdeploy (it sets the planned MTU); for an underlay with a smaller MTU set a lower one:"
            + " wgsite --mtu N (site-wide) or wgconfig --mtu N (this host)");
  }

  private static HealthReport.Item item(
      String name, boolean ok, String subject, String detail, String hint) {
    return new HealthReport.Item(name, ok, subject, detail, ok ? "" : hint);
  }

  /**
   * Forwarding and the other kernel settings inside the namespace, and IPv4 forwarding outside it
   * (the DNAT needs it); IPv6 forwarding outside too when a peer is reached over IPv6.
   */
  private static HealthReport.Item forwarding(String ns, Probed host) {
    List<String> wrong = new ArrayList<>();
    if (host.namespaceExists()) {
      HostProbe.sysctlsNotAsSet(host.namespaceSysctls()).forEach(k -> wrong.add(k + " in " + ns));
    }
    if (!"1".equals(host.hostSysctls().get("net.ipv4.ip_forward"))) {
      wrong.add("net.ipv4.ip_forward in the default namespace");
    }
    if (host.namespaceExists()
        && host.ipv6Endpoints()
        && !"1".equals(host.hostSysctls().get(Ipv6Forwarding.KEY))) {
      wrong.add(Ipv6Forwarding.KEY + " in the default namespace (a peer is reached over IPv6)");
    }
    return item(
        "forwarding",
        wrong.isEmpty(),
        "forwarding",
        wrong.isEmpty()
            ? "on in " + ns + " and in the default namespace"
            : "not as wgdeploy sets it: " + String.join(", ", wrong),
        "run wgdeploy (it sets the namespace's); outside it, forwarding is turned on when the"
            + " firewall starts or reloads (shorewall reload; IPv6: sysctl -w "
            + Ipv6Forwarding.KEY
            + "=1)");
  }

  /** The veth pair: both ends there, up, with their addresses. */
  private static HealthReport.Item veth(Manifest m, Probed host) {
    String name = m.vethHost();
    String nsEnd = name.endsWith("-vh") ? name.substring(0, name.length() - 3) + "-vn" : "";
    List<String> wrong = new ArrayList<>();
    checkEnd(wrong, name, host.vethHost(), List.of(Planner.VETH_HOST_V4, Planner.VETH_HOST_V6));
    checkEnd(
        wrong,
        nsEnd,
        Optional.ofNullable(host.links().get(nsEnd)),
        List.of(Planner.VETH_NS_V4, Planner.VETH_NS_V6));
    return item(
        "veth",
        wrong.isEmpty(),
        "veth " + name + "/" + nsEnd,
        wrong.isEmpty() ? "both ends up with their addresses" : String.join(", ", wrong),
        "run wgdeploy: it recreates the pair and its addresses");
  }

  private static void checkEnd(
      List<String> wrong, String name, Optional<LinkInfo> end, List<IpPrefix> want) {
    if (end.isEmpty()) {
      wrong.add(name + " missing");
      return;
    }
    if (!end.get().up()) {
      wrong.add(name + " down");
    }
    for (IpPrefix a : want) {
      if (!end.get().addresses().contains(a.toString())) {
        wrong.add(name + " without " + a);
      }
    }
  }

  /**
   * Another program on a mesh port: inside the namespace only wireguard-go (or the kernel, whose
   * sockets have no process) may hold one; outside, the DNAT sends the port's packets into the
   * namespace, so a program listening there never sees them.
   */
  private static HealthReport.Item ports(String ns, Manifest m, Probed host) {
    Set<Integer> mesh = new TreeSet<>(m.ports().values());
    List<String> conflicts = new ArrayList<>();
    if (!mesh.isEmpty()) {
      conflicts.addAll(conflicts(host.hostPortUsers(), mesh, "the default namespace", false));
      if (host.namespaceExists()) {
        conflicts.addAll(conflicts(host.namespacePortUsers(), mesh, ns, true));
      }
    }
    return item(
        "ports",
        conflicts.isEmpty(),
        "UDP ports",
        mesh.isEmpty()
            ? "unknown (deployed by an older wgdeploy)"
            : conflicts.isEmpty()
                ? "no other program on " + mesh.size() + " mesh ports"
                : String.join(", ", conflicts),
        "stop that program or move it to another port: the mesh ports are portbase + host number");
  }

  private static List<String> conflicts(
      List<Probed.PortUser> users, Set<Integer> ports, String where, boolean wireguardGoAllowed) {
    return users.stream()
        .filter(u -> ports.contains(u.port()))
        .filter(u -> !(wireguardGoAllowed && u.program().equals("wireguard-go")))
        .map(
            u ->
                "UDP port "
                    + u.port()
                    + " in "
                    + where
                    + " used by "
                    + u.program()
                    + " (pid "
                    + u.pid()
                    + ")")
        .toList();
  }

  /**
   * The site re-signs a record once less than a third of its lifetime is left, and the timer's
   * wgdeploy picks it up within minutes: a deployed record with less than a sixth left means no new
   * one came for a long while (the site's wgpub timer stopped, or this host's deploys fail).
   */
  private static HealthReport.Item recordExpiry(Manifest m, long now) {
    if (m.recordExpires() == 0) {
      return item(
          "record-expiry",
          true,
          "mesh record",
          "expiry unknown (deployed by an older wgdeploy)",
          "");
    }
    long left = m.recordExpires() - now;
    long lifetime = Math.max(1, m.recordExpires() - m.recordIssued());
    boolean ok = left > lifetime / 6;
    String when = left <= 0 ? "expired " + human(-left) + " ago" : "expires in " + human(left);
    return item(
        "record-expiry",
        ok,
        "mesh record",
        "serial " + m.serial() + " " + when,
        "no newer record reached this host: is the site's wgpub timer running, and does wgdeploy succeed here?");
  }

  /** A record verified since the last deploy but not deployed: the deploys after it failed. */
  private static HealthReport.Item serial(Manifest m, long accepted) {
    boolean ok = m.serial() == 0 || accepted <= m.serial();
    return item(
        "serial",
        ok,
        "deployed serial",
        ok
            ? (m.serial() == 0
                ? "unknown"
                : m.serial() + (accepted == m.serial() ? ", the newest verified" : ""))
            : m.serial()
                + ", but serial "
                + accepted
                + " was verified since: the deploys after it failed",
        "run wgdeploy -v " + m.domain() + " to see why");
  }

  private static String human(long seconds) {
    if (seconds >= 2 * 86400) {
      return (seconds / 86400) + " days";
    }
    if (seconds >= 2 * 3600) {
      return (seconds / 3600) + " h";
    }
    return (seconds / 60) + " min";
  }

  /**
   * The parts of one link's line; a failed link shows only what failed, and the first failure's
   * hint.
   */
  private static final class LinkCheck {
    private final List<String> all = new ArrayList<>();
    private final List<String> failed = new ArrayList<>();
    private String hint = "";

    void add(boolean ok, String part, String hintIfFailed) {
      all.add(part);
      if (!ok) {
        failed.add(part);
        if (hint.isEmpty()) {
          hint = hintIfFailed;
        }
      }
    }

    HealthReport.Item item(String name, String subject) {
      return failed.isEmpty()
          ? new HealthReport.Item(name, true, subject, String.join(", ", all), "")
          : new HealthReport.Item(name, false, subject, String.join(", ", failed), hint);
    }
  }
}
