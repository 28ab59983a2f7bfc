package org.wgmesh.endpoint.deploy.health;

import java.time.Instant;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Shorewall;
import org.wgmesh.endpoint.deploy.host.Vxlan;

/**
 * What {@link HealthProbe} found on the host, parsed: all {@link HealthJudge} needs besides the
 * layout and the manifest. A query that was not made (the namespace is missing, BIRD does not
 * answer, the firewall is the other one) leaves its part empty. Tests build it with {@link #with}.
 *
 * @param at when the probe ran
 * @param namespaceExists whether the deployed namespace exists
 * @param links the interfaces inside the namespace with their addresses
 * @param handshakes each WireGuard interface's latest handshake, epoch seconds (0: never); an
 *     interface without a peer is missing
 * @param transfer bytes received and sent per WireGuard interface
 * @param ipv6Endpoints whether a peer is reached over IPv6 ({@code wg show all endpoints})
 * @param namespaceSysctls the kernel settings inside the namespace, by key; empty when unreadable
 * @param hostSysctls kernel settings of the default namespace that were read, by key
 * @param vethHost the host end of the veth pair, if it is there
 * @param bird what BIRD answered
 * @param peerNames peer host names by interface, from the rendered BIRD config
 * @param publicMtu the MTU of the public interface, 0 when unknown or not read
 * @param hostPortUsers UDP sockets with a process in the default namespace
 * @param namespacePortUsers UDP sockets with a process inside the namespace
 * @param nftablesTable whether wgdeploy's nftables table is loaded; empty when not asked
 *     (Shorewall)
 * @param shorewallStarted whether each Shorewall is started; empty when not asked (nftables)
 * @param endpoints each WireGuard interface's peer endpoint ({@code addr:port}, {@code
 *     [addr]:port}) as {@code wg show all endpoints} has it; an interface whose peer has none yet
 *     is missing
 * @param overlay the overlay's VXLAN device with its fdb and guard table (issue 25), when the
 *     manifest has an overlay and the device is there
 */
public record Probed(
    Instant at,
    boolean namespaceExists,
    Map<String, LinkInfo> links,
    Map<String, Long> handshakes,
    Map<String, Transfer> transfer,
    boolean ipv6Endpoints,
    Map<String, String> namespaceSysctls,
    Map<String, String> hostSysctls,
    Optional<LinkInfo> vethHost,
    Bird bird,
    Map<String, String> peerNames,
    int publicMtu,
    List<PortUser> hostPortUsers,
    List<PortUser> namespacePortUsers,
    Optional<Boolean> nftablesTable,
    Map<Shorewall, Boolean> shorewallStarted,
    Map<String, String> endpoints,
    Optional<Vxlan.Device> overlay) {
  public Probed {
    Objects.requireNonNull(at, "at");
    links = Map.copyOf(links);
    handshakes = Map.copyOf(handshakes);
    transfer = Map.copyOf(transfer);
    namespaceSysctls = Map.copyOf(namespaceSysctls);
    hostSysctls = Map.copyOf(hostSysctls);
    Objects.requireNonNull(vethHost, "vethHost");
    Objects.requireNonNull(bird, "bird");
    peerNames = Map.copyOf(peerNames);
    hostPortUsers = List.copyOf(hostPortUsers);
    namespacePortUsers = List.copyOf(namespacePortUsers);
    Objects.requireNonNull(nftablesTable, "nftablesTable");
    shorewallStarted = Map.copyOf(shorewallStarted);
    endpoints = Map.copyOf(endpoints);
    Objects.requireNonNull(overlay, "overlay");
  }

  /**
   * Bytes over one WireGuard interface (all its peers added up).
   *
   * @param received bytes received
   * @param sent bytes sent
   */
  public record Transfer(long received, long sent) {}

  /**
   * A UDP socket held by a process ({@code ss -u -a -n -p}).
   *
   * @param port the local port
   * @param program the process name
   * @param pid its process id
   */
  public record PortUser(int port, String program, long pid) {}

  /**
   * What BIRD answered on its control socket.
   *
   * @param answers whether it answered ({@code show protocols} succeeded)
   * @param failure the first line of what {@code birdc} said when it did not answer, else empty
   * @param bgp the BGP session state by protocol (interface) name
   * @param bfd the BFD session state by interface (Up only when all its sessions are)
   * @param routes the BGP routes in the main tables by family ({@code ipv4}, {@code ipv6}); a
   *     family is missing when its count was not read
   */
  public record Bird(
      boolean answers,
      String failure,
      Map<String, String> bgp,
      Map<String, String> bfd,
      Map<String, Long> routes) {
    public Bird {
      Objects.requireNonNull(failure, "failure");
      bgp = Map.copyOf(bgp);
      bfd = Map.copyOf(bfd);
      routes = Map.copyOf(routes);
    }

    /** BIRD does not answer; {@code failure} is what birdc said. */
    public static Bird silent(String failure) {
      return new Bird(false, failure, Map.of(), Map.of(), Map.of());
    }
  }

  /** A copy with the changes {@code change} makes to a {@link Builder} of this one. */
  public Probed with(Consumer<Builder> change) {
    Builder b = new Builder(this);
    change.accept(b);
    return b.build();
  }

  /** The fields of a {@link Probed}, mutable: for the probe, and for tests that vary one. */
  public static final class Builder {
    public Instant at = Instant.EPOCH;
    public boolean namespaceExists;
    public Map<String, LinkInfo> links = new HashMap<>();
    public Map<String, Long> handshakes = new HashMap<>();
    public Map<String, Transfer> transfer = new HashMap<>();
    public boolean ipv6Endpoints;
    public Map<String, String> namespaceSysctls = new LinkedHashMap<>();
    public Map<String, String> hostSysctls = new HashMap<>();
    public Optional<LinkInfo> vethHost = Optional.empty();
    public Bird bird = Bird.silent("");
    public Map<String, String> peerNames = new HashMap<>();
    public int publicMtu;
    public List<PortUser> hostPortUsers = new ArrayList<>();
    public List<PortUser> namespacePortUsers = new ArrayList<>();
    public Optional<Boolean> nftablesTable = Optional.empty();
    public Map<Shorewall, Boolean> shorewallStarted = new EnumMap<>(Shorewall.class);
    public Map<String, String> endpoints = new HashMap<>();
    public Optional<Vxlan.Device> overlay = Optional.empty();

    /** Nothing found yet. */
    public Builder() {}

    Builder(Probed p) {
      at = p.at;
      namespaceExists = p.namespaceExists;
      links = new HashMap<>(p.links);
      handshakes = new HashMap<>(p.handshakes);
      transfer = new HashMap<>(p.transfer);
      ipv6Endpoints = p.ipv6Endpoints;
      namespaceSysctls = new LinkedHashMap<>(p.namespaceSysctls);
      hostSysctls = new HashMap<>(p.hostSysctls);
      vethHost = p.vethHost;
      bird = p.bird;
      peerNames = new HashMap<>(p.peerNames);
      publicMtu = p.publicMtu;
      hostPortUsers = new ArrayList<>(p.hostPortUsers);
      namespacePortUsers = new ArrayList<>(p.namespacePortUsers);
      nftablesTable = p.nftablesTable;
      shorewallStarted = new EnumMap<>(Shorewall.class);
      shorewallStarted.putAll(p.shorewallStarted);
      endpoints = new HashMap<>(p.endpoints);
      overlay = p.overlay;
    }

    public Probed build() {
      return new Probed(
          at,
          namespaceExists,
          links,
          handshakes,
          transfer,
          ipv6Endpoints,
          namespaceSysctls,
          hostSysctls,
          vethHost,
          bird,
          peerNames,
          publicMtu,
          hostPortUsers,
          namespacePortUsers,
          nftablesTable,
          shorewallStarted,
          endpoints,
          overlay);
    }
  }
}
