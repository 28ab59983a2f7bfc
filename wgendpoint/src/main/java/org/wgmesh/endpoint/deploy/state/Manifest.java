package org.wgmesh.endpoint.deploy.state;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Properties;
import java.util.TreeMap;

/**
 * What the last successful deploy left on the host: the files it manages, the WireGuard interfaces
 * with their addresses, and what it moved (the trust interface and its original addresses), so that
 * the next run can remove what left and {@code --down} can undo everything.
 *
 * @param domain the mesh domain
 * @param namespace the namespace
 * @param vethHost the host end of the veth pair
 * @param files managed files
 * @param wireguard WireGuard interface name to its link address (CIDR)
 * @param trustMoved the trust interface moved into the namespace by wgdeploy, or empty
 * @param trustOriginalAddresses its addresses in the default namespace before the move
 * @param trustWasUp whether it was up before the move
 * @param shorewallStarted whether wgdeploy started Shorewall (then --down clears it)
 * @param serial the mesh record serial deployed (0: unknown, a manifest of an older release)
 * @param recordIssued when the site signed that record (epoch seconds, 0: unknown)
 * @param recordExpires when that record expires (epoch seconds, 0: unknown)
 * @param ports each WireGuard interface's listen port
 * @param firewall the firewall this deploy set up ({@code shorewall} or {@code nftables}; a
 *     manifest of an older release: {@code shorewall})
 * @param createdIncludes the Shorewall include files ({@code *.local}) wgdeploy created, each with
 *     the SHA-256 (hex) of what it wrote: {@code --down} removes those still unchanged and keeps
 *     the operator's edits
 * @param mtus each WireGuard interface's planned MTU and underlay family (for {@code --check})
 * @param publicInterface the public interface (for {@code --check}); empty: unknown
 * @param clients each client interface ({@code wgc<c>}, issue 25) to its client's name; client
 *     interfaces have no address, their ports and MTUs are in {@code ports} and {@code mtus}
 * @param overlay the VXLAN overlay device this deploy set up (issue 25; for {@code --check}), empty
 *     when the mesh has none
 */
public record Manifest(
    String domain,
    String namespace,
    String vethHost,
    List<Path> files,
    Map<String, String> wireguard,
    String trustMoved,
    List<String> trustOriginalAddresses,
    boolean trustWasUp,
    boolean shorewallStarted,
    long serial,
    long recordIssued,
    long recordExpires,
    Map<String, Integer> ports,
    String firewall,
    Map<Path, String> createdIncludes,
    Map<String, LinkMtu> mtus,
    String publicInterface,
    Map<String, String> clients,
    Optional<Overlay> overlay) {
  /** The firewall of a manifest that names none. */
  public static final String DEFAULT_FIREWALL = "shorewall";

  /**
   * A link's planned MTU and the family its packets travel over.
   *
   * @param mtu the MTU
   * @param v6 whether the underlay is IPv6
   */
  public record LinkMtu(int mtu, boolean v6) {
    /** {@code 1420 ipv4}. */
    String text() {
      return mtu + (v6 ? " ipv6" : " ipv4");
    }

    static LinkMtu parse(String t) {
      String[] f = t.strip().split(" ");
      return new LinkMtu(Integer.parseInt(f[0]), f.length > 1 && f[1].equals("ipv6"));
    }
  }

  /**
   * The VXLAN overlay device as deployed: what {@code --check} compares the live device with.
   *
   * @param device the device name
   * @param vni its VXLAN id
   * @param port its UDP port
   * @param local this host's mesh address, the device's source (canonical text)
   * @param meshRow the network of every mesh address, which the guard table admits
   * @param mtu the device's MTU
   * @param addresses this host's overlay addresses on it (interface form)
   * @param remotes the mesh address of every peer it replicates to (canonical text)
   */
  public record Overlay(
      String device,
      int vni,
      int port,
      String local,
      String meshRow,
      int mtu,
      List<String> addresses,
      List<String> remotes) {
    public Overlay {
      Objects.requireNonNull(device, "device");
      Objects.requireNonNull(local, "local");
      Objects.requireNonNull(meshRow, "meshRow");
      addresses = List.copyOf(addresses);
      remotes = List.copyOf(remotes);
    }

    void write(Properties p) {
      p.setProperty("overlay.device", device);
      p.setProperty("overlay.vni", Integer.toString(vni));
      p.setProperty("overlay.port", Integer.toString(port));
      p.setProperty("overlay.local", local);
      p.setProperty("overlay.mesh-row", meshRow);
      p.setProperty("overlay.mtu", Integer.toString(mtu));
      p.setProperty("overlay.addresses", String.join(",", addresses));
      p.setProperty("overlay.remotes", String.join(",", remotes));
    }

    static Optional<Overlay> read(Properties p) {
      if (!p.containsKey("overlay.device")) {
        return Optional.empty();
      }
      return Optional.of(
          new Overlay(
              p.getProperty("overlay.device"),
              Integer.parseInt(p.getProperty("overlay.vni", "0")),
              Integer.parseInt(p.getProperty("overlay.port", "0")),
              p.getProperty("overlay.local", ""),
              p.getProperty("overlay.mesh-row", ""),
              Integer.parseInt(p.getProperty("overlay.mtu", "0")),
              list(p.getProperty("overlay.addresses", "")),
              list(p.getProperty("overlay.remotes", ""))));
    }

    private static List<String> list(String commaSeparated) {
      return commaSeparated.isEmpty() ? List.of() : List.of(commaSeparated.split(","));
    }
  }

  public Manifest {
    files = List.copyOf(files);
    firewall = firewall == null || firewall.isEmpty() ? DEFAULT_FIREWALL : firewall;
    createdIncludes = Collections.unmodifiableMap(new TreeMap<>(createdIncludes));
    wireguard = Collections.unmodifiableMap(new TreeMap<>(wireguard));
    trustOriginalAddresses = List.copyOf(trustOriginalAddresses);
    ports = Collections.unmodifiableMap(new TreeMap<>(ports));
    mtus = Collections.unmodifiableMap(new TreeMap<>(mtus));
    Objects.requireNonNull(publicInterface, "publicInterface");
    clients = Collections.unmodifiableMap(new TreeMap<>(clients));
    Objects.requireNonNull(overlay, "overlay");
  }

  /** A manifest without clients or overlay (before issue 25; tests of what came before). */
  public Manifest(
      String domain,
      String namespace,
      String vethHost,
      List<Path> files,
      Map<String, String> wireguard,
      String trustMoved,
      List<String> trustOriginalAddresses,
      boolean trustWasUp,
      boolean shorewallStarted,
      long serial,
      long recordIssued,
      long recordExpires,
      Map<String, Integer> ports,
      String firewall,
      Map<Path, String> createdIncludes,
      Map<String, LinkMtu> mtus,
      String publicInterface) {
    this(
        domain,
        namespace,
        vethHost,
        files,
        wireguard,
        trustMoved,
        trustOriginalAddresses,
        trustWasUp,
        shorewallStarted,
        serial,
        recordIssued,
        recordExpires,
        ports,
        firewall,
        createdIncludes,
        mtus,
        publicInterface,
        Map.of(),
        Optional.empty());
  }

  /** The manifest of a host wgdeploy never touched. */
  public static Manifest empty() {
    return new Manifest(
        "",
        "",
        "",
        List.of(),
        Map.of(),
        "",
        List.of(),
        false,
        false,
        0,
        0,
        0,
        Map.of(),
        DEFAULT_FIREWALL,
        Map.of(),
        Map.of(),
        "",
        Map.of(),
        Optional.empty());
  }

  public boolean isEmpty() {
    return files.isEmpty() && wireguard.isEmpty() && clients.isEmpty() && trustMoved.isEmpty();
  }

  public Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("domain", domain);
    p.setProperty("namespace", namespace);
    p.setProperty("veth.host", vethHost);
    for (int i = 0; i < files.size(); i++) {
      p.setProperty("file." + i, files.get(i).toString());
    }
    wireguard.forEach((k, v) -> p.setProperty("wireguard." + k, v));
    p.setProperty("trust.moved", trustMoved);
    p.setProperty("trust.addresses", String.join(",", trustOriginalAddresses));
    p.setProperty("trust.wasUp", Boolean.toString(trustWasUp));
    p.setProperty("shorewall.started", Boolean.toString(shorewallStarted));
    p.setProperty("record.serial", Long.toString(serial));
    p.setProperty("record.issued", Long.toString(recordIssued));
    p.setProperty("record.expires", Long.toString(recordExpires));
    ports.forEach((k, v) -> p.setProperty("port." + k, Integer.toString(v)));
    p.setProperty("firewall", firewall);
    int i = 0;
    for (Map.Entry<Path, String> e : createdIncludes.entrySet()) {
      p.setProperty("include." + i, e.getKey().toString());
      p.setProperty("include." + i + ".sha256", e.getValue());
      i++;
    }
    mtus.forEach((k, v) -> p.setProperty("mtu." + k, v.text()));
    if (!publicInterface.isEmpty()) {
      p.setProperty("public.interface", publicInterface);
    }
    clients.forEach((k, v) -> p.setProperty("client." + k, v));
    overlay.ifPresent(o -> o.write(p));
    return p;
  }

  public static Manifest fromProperties(Properties p) {
    List<Path> files = new ArrayList<>();
    for (int i = 0; p.containsKey("file." + i); i++) {
      files.add(Path.of(p.getProperty("file." + i)));
    }
    Map<String, String> wg = new TreeMap<>();
    Map<String, Integer> ports = new TreeMap<>();
    Map<String, LinkMtu> mtus = new TreeMap<>();
    Map<String, String> clients = new TreeMap<>();
    for (String k : p.stringPropertyNames()) {
      if (k.startsWith("client.")) {
        clients.put(k.substring("client.".length()), p.getProperty(k));
      }
      if (k.startsWith("mtu.")) {
        mtus.put(k.substring("mtu.".length()), LinkMtu.parse(p.getProperty(k)));
      }
      if (k.startsWith("wireguard.")) {
        wg.put(k.substring("wireguard.".length()), p.getProperty(k));
      } else if (k.startsWith("port.")) {
        ports.put(k.substring("port.".length()), Integer.parseInt(p.getProperty(k)));
      }
    }
    Map<Path, String> includes = new TreeMap<>();
    for (int i = 0; p.containsKey("include." + i); i++) {
      includes.put(
          Path.of(p.getProperty("include." + i)), p.getProperty("include." + i + ".sha256", ""));
    }
    String addrs = p.getProperty("trust.addresses", "");
    return new Manifest(
        p.getProperty("domain", ""),
        p.getProperty("namespace", ""),
        p.getProperty("veth.host", ""),
        files,
        wg,
        p.getProperty("trust.moved", ""),
        addrs.isEmpty() ? List.of() : List.of(addrs.split(",")),
        Boolean.parseBoolean(p.getProperty("trust.wasUp", "false")),
        Boolean.parseBoolean(p.getProperty("shorewall.started", "false")),
        Long.parseLong(p.getProperty("record.serial", "0")),
        Long.parseLong(p.getProperty("record.issued", "0")),
        Long.parseLong(p.getProperty("record.expires", "0")),
        ports,
        p.getProperty("firewall", DEFAULT_FIREWALL),
        includes,
        mtus,
        p.getProperty("public.interface", ""),
        clients,
        Overlay.read(p));
  }
}
