package org.wgmesh.endpoint.deploy;

import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.settings.EndpointConfig;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.NamespaceName;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;
import org.wgmesh.endpoint.source.MeshSource;

/**
 * A fixed mesh for planner, renderer and applier tests: deterministic keys, documentation
 * addresses.
 */
public final class Fixtures {
  public static final String DOMAIN = "mesh.example.com";

  private Fixtures() {}

  /** The private key of host {@code n} (32 bytes of n: fixed, so golden files are stable). */
  public static X25519PrivateKey key(int n) {
    byte[] b = new byte[32];
    Arrays.fill(b, (byte) n);
    return new X25519PrivateKey(b);
  }

  public static MeshSettings settings() {
    return new MeshSettings(
        DOMAIN,
        "lab",
        IpPrefix.parse("fd12:3456:789a::/48", "t"),
        51820,
        List.of(IpPrefix.parse("198.18.0.0/15", "t"), IpPrefix.parse("fd00:18::/32", "t")),
        org.wgmesh.core.model.Topology.FULL_MESH);
  }

  /**
   * Host {@code n}: endpoints as given, LANs 198.18.n.0/24 and fd00:18:n::/64 (as in lab/e2e.sh).
   */
  public static HostEntry host(int n, String... endpoints) {
    List<IpAddress> eps = new ArrayList<>();
    for (String e : endpoints) {
      eps.add(IpAddress.parse(e, "t"));
    }
    return HostEntry.builder()
        .uuid(
            UUID.nameUUIDFromBytes(("host" + n).getBytes(java.nio.charset.StandardCharsets.UTF_8)))
        .hostname("host" + n)
        .number(n)
        .asn(64600L + n)
        .publicKey(key(n).publicKey())
        .endpoints(eps)
        .lanPrefixes(
            List.of(
                IpPrefix.parse("198.18." + n + ".0/24", "t"),
                IpPrefix.parse("fd00:18:" + n + "::/64", "t")))
        .build();
  }

  /** {@code h} with other LAN prefixes (none when empty). */
  public static HostEntry withLans(HostEntry h, String... prefixes) {
    List<IpPrefix> lans = new ArrayList<>();
    for (String p : prefixes) {
      lans.add(IpPrefix.parse(p, "t"));
    }
    return HostEntry.builder()
        .uuid(h.uuid())
        .hostname(h.hostname())
        .number(h.number())
        .asn(h.asn())
        .publicKey(h.publicKey())
        .endpoints(h.endpoints())
        .lanPrefixes(lans)
        .build();
  }

  /**
   * Host 1's view with peers 2 (v4 and v6 endpoints and LANs), 3 (v6 endpoint, only an IPv6 LAN)
   * and 5 (no endpoint: it dials in; no LAN).
   */
  public static MeshView view() {
    return view(
        List.of(
            host(2, "203.0.113.2", "2001:db8:ff::2"),
            withLans(host(3, "2001:db8:ff::3"), "fd00:18:3::/64"),
            withLans(host(5))));
  }

  public static MeshView view(List<HostEntry> peers) {
    return new MeshView(
        settings(),
        7,
        Instant.parse("2029-12-25T00:00:00Z"),
        Instant.parse("2030-01-01T00:00:00Z"),
        new Ed25519PublicKey(new byte[32]),
        key(99).publicKey(),
        host(1, "203.0.113.1", "2001:db8:ff::1"),
        peers);
  }

  /**
   * Client {@code n} (issue 25): key 32 bytes of 100 + n, addresses as given, attached to {@code
   * hosts} (primary first), port 61000 + n, keepalive 25.
   */
  public static ClientEntry client(int n, String name, List<String> addresses, Integer... hosts) {
    return new ClientEntry(
        name,
        n,
        key(100 + n).publicKey(),
        addresses.stream().map(a -> IpAddress.parse(a, "t")).toList(),
        List.of(hosts),
        61000 + n,
        25);
  }

  /**
   * The clients of {@link #clientView()}: anna attached to host 1 alone (its primary), bob to hosts
   * 2 and 1 (host 1 is secondary), carol to host 3 (IPv4 only), dave to host 2 (IPv6 only).
   */
  public static List<ClientEntry> clients() {
    return List.of(
        client(1, "anna", List.of("198.51.100.1", "fd12:3456:789a:2::1"), 1),
        client(2, "bob", List.of("198.51.100.2", "fd12:3456:789a:2::2"), 2, 1),
        client(3, "carol", List.of("198.51.100.3"), 3),
        client(4, "dave", List.of("fd12:3456:789a:2::4"), 2));
  }

  /** {@link #view()} with {@link #clients()}. */
  public static MeshView clientView() {
    return withClients(view(), clients());
  }

  /** {@code v} with {@code clients}. */
  public static MeshView withClients(MeshView v, List<ClientEntry> clients) {
    return new MeshView(
        v.settings(),
        v.serial(),
        v.issued(),
        v.expires(),
        v.siteSigningKey(),
        v.siteBoxKey(),
        v.self(),
        v.peers(),
        clients);
  }

  /**
   * Host 1's endpoint configuration with every root below {@code root}: public interface pub0,
   * trust interface lan0 (198.18.1.1/24, fd00:18:1::1/64), namespace = the locus {@code lab},
   * automatic backend, direct supervision.
   */
  public static EndpointConfig endpoint(Path root) {
    EndpointConfig.Builder b = EndpointConfig.builder();
    b.domain = DomainName.parse(DOMAIN, "t");
    b.siteSigningKey = new Ed25519PublicKey(new byte[32]);
    b.siteBoxKey = key(99).publicKey();
    b.locus = "lab";
    b.uuid = UUID.nameUUIDFromBytes("host1".getBytes(java.nio.charset.StandardCharsets.UTF_8));
    b.publicInterface = Optional.of(InterfaceName.parse("pub0", "t"));
    b.trustInterface = Optional.of(InterfaceName.parse("lan0", "t"));
    b.trustAddresses =
        List.of(
            IpPrefix.parseInterface("198.18.1.1/24", "t"),
            IpPrefix.parseInterface("fd00:18:1::1/64", "t"));
    b.hostKey = root.resolve("etc/wgmesh/" + DOMAIN + ".key");
    b.roots = Roots.under(root);
    return b.build();
  }

  /** {@code c} with another namespace. */
  public static EndpointConfig inNamespace(EndpointConfig c, String ns) {
    return c.with(b -> b.netns = Optional.of(NamespaceName.parse(ns, "t")));
  }

  /** {@code c} with a forced WireGuard backend. */
  public static EndpointConfig withBackend(EndpointConfig c, WireGuardBackendChoice backend) {
    return c.with(b -> b.backend = backend);
  }

  /** A verified read of {@code view} as the DNS source would return it for {@code c}. */
  public static MeshSource.Read read(MeshView view, EndpointConfig c) {
    return new MeshSource.Read(
        view, c.roots().state().resolve(DOMAIN + ".seen"), "mesh " + view.serial() + "\n");
  }
}
