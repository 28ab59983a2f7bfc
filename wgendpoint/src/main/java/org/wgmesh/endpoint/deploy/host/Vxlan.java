package org.wgmesh.endpoint.deploy.host;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.net.IpAddress;

/**
 * The VXLAN overlay's device inside the namespace (issue 25): {@code ip} and {@code bridge} command
 * lines, the parsing of their JSON, and the guard table that keeps the VXLAN port for the mesh. The
 * device's head-end replication is one all-zero fdb entry per remote mesh address.
 */
public final class Vxlan {
  /** The all-zero MAC of the head-end replication entries: every BUM frame to every remote. */
  public static final String ALL_ZERO_MAC = "00:00:00:00:00:00";

  /** The nftables table that guards the VXLAN port in the namespace. */
  public static final String GUARD_TABLE = "wgmesh_overlay";

  private Vxlan() {}

  /**
   * What the probe found of the device.
   *
   * @param vni its VXLAN id
   * @param port its destination UDP port
   * @param local its local (source) address, as {@code ip} prints it
   * @param remotes the destinations of its all-zero fdb entries, canonical
   * @param guard the listing of the guard table ({@link #GUARD_TABLE}), empty when there is none
   */
  public record Device(int vni, int port, String local, Set<String> remotes, String guard) {
    public Device {
      remotes = Set.copyOf(remotes);
      guard = guard == null ? "" : guard;
    }
  }

  /** {@code ip link add DEV type vxlan id VNI local ADDR dstport PORT nolearning}. */
  public static Command add(String ns, String dev, int vni, String local, int port) {
    return Command.change(
        "ip",
        "-n",
        ns,
        "link",
        "add",
        dev,
        "type",
        "vxlan",
        "id",
        Integer.toString(vni),
        "local",
        local,
        "dstport",
        Integer.toString(port),
        "nolearning");
  }

  /** {@code bridge fdb append 00:00:00:00:00:00 dev DEV dst REMOTE}: replicate to REMOTE. */
  public static Command fdbAppend(String ns, String dev, String remote) {
    return Command.change(
        "bridge", "-n", ns, "fdb", "append", ALL_ZERO_MAC, "dev", dev, "dst", remote);
  }

  /** {@code bridge fdb del 00:00:00:00:00:00 dev DEV dst REMOTE}. */
  public static Command fdbDel(String ns, String dev, String remote) {
    return Command.change(
        "bridge", "-n", ns, "fdb", "del", ALL_ZERO_MAC, "dev", dev, "dst", remote);
  }

  /** The device's details as JSON; fails when there is none. */
  public static Command details(String ns, String dev) {
    return Command.query("ip", "-n", ns, "-j", "-d", "link", "show", "dev", dev);
  }

  /** The device's fdb as JSON. */
  public static Command fdb(String ns, String dev) {
    return Command.query("bridge", "-n", ns, "-j", "fdb", "show", "dev", dev);
  }

  /** The guard table's listing; fails when there is none. */
  public static Command listGuard(String ns) {
    return Ip.exec(ns, false, "nft", "list", "table", "inet", GUARD_TABLE);
  }

  /** Deletes the guard table. */
  public static Command deleteGuard(String ns) {
    return Ip.exec(ns, true, "nft", "delete", "table", "inet", GUARD_TABLE);
  }

  /**
   * Writes the guard table in one transaction: VXLAN packets to {@code port} are taken only when
   * they come in by a WireGuard link from a mesh address (inside {@code meshRow}) to this host's
   * own; any other packet to that port (from the LAN, say, which could otherwise inject frames into
   * the overlay) is dropped and counted.
   */
  public static Command applyGuard(String ns, int port, String meshRow, String local) {
    return Ip.exec(ns, true, "nft", guardScript(port, meshRow, local));
  }

  static String guardScript(int port, String meshRow, String local) {
    return "add table inet "
        + GUARD_TABLE
        + "\ndelete table inet "
        + GUARD_TABLE
        + "\ntable inet "
        + GUARD_TABLE
        + " {\n  chain input {\n    type filter hook input priority filter; policy accept;\n"
        + "    iifname \"wg*\" ip6 saddr "
        + meshRow
        + " ip6 daddr "
        + local
        + " udp dport "
        + port
        + " accept\n"
        + "    udp dport "
        + port
        + " counter drop comment \"VXLAN only between mesh addresses over WireGuard\"\n"
        + "  }\n}\n";
  }

  /** Whether a guard listing holds the rules of {@code port}, {@code meshRow} and {@code local}. */
  public static boolean guardInPlace(String listing, int port, String meshRow, String local) {
    return listing.contains("ip6 saddr " + meshRow + " ip6 daddr " + local + " udp dport " + port)
        && listing.contains("udp dport " + port + " counter");
  }

  /** The details of {@code ip -j -d link show} of a VXLAN device, if it is one. */
  static Optional<int[]> idAndPort(JsonNode link) {
    JsonNode data = link.path("linkinfo").path("info_data");
    if (!link.path("linkinfo").path("info_kind").asText("").equals("vxlan")) {
      return Optional.empty();
    }
    return Optional.of(new int[] {data.path("id").asInt(0), data.path("port").asInt(0)});
  }

  /**
   * Parses the probe's answers into a {@link Device}; empty when the device is missing or is not a
   * VXLAN device.
   */
  public static Optional<Device> parse(
      String detailsJson, String fdbJson, Optional<String> guardListing) {
    if (detailsJson == null || detailsJson.isBlank()) {
      return Optional.empty();
    }
    JsonNode links = Json.readTree(detailsJson, "'ip -j -d link show' output");
    if (!links.isArray() || links.isEmpty()) {
      return Optional.empty();
    }
    JsonNode link = links.get(0);
    Optional<int[]> ids = idAndPort(link);
    if (ids.isEmpty()) {
      return Optional.empty();
    }
    JsonNode data = link.path("linkinfo").path("info_data");
    String local = data.path("local6").asText(data.path("local").asText(""));
    Set<String> remotes = new TreeSet<>();
    if (fdbJson != null && !fdbJson.isBlank()) {
      for (JsonNode e : Json.readTree(fdbJson, "'bridge -j fdb show' output")) {
        if (e.path("mac").asText("").equals(ALL_ZERO_MAC) && e.hasNonNull("dst")) {
          remotes.add(canonicalAddress(e.get("dst").asText()));
        }
      }
    }
    return Optional.of(
        new Device(
            ids.get()[0], ids.get()[1], canonicalAddress(local), remotes, guardListing.orElse("")));
  }

  private static String canonicalAddress(String a) {
    return a.isEmpty() ? a : IpAddress.parse(a, "address").toString();
  }

  /** The remotes of {@code want} that {@code have} lacks, and those it has beyond them. */
  public static List<List<String>> fdbChanges(Set<String> have, List<String> want) {
    List<String> add = new ArrayList<>();
    for (String w : want) {
      if (!have.contains(w)) {
        add.add(w);
      }
    }
    List<String> remove = new ArrayList<>();
    for (String h : new TreeSet<>(have)) {
      if (!want.contains(h)) {
        remove.add(h);
      }
    }
    return List.of(add, remove);
  }
}
