package org.wgmesh.core.record;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/** Deterministic keys, settings and hosts for record tests. */
final class Fixtures {
  static final String DOMAIN = "mesh.example.com";
  static final Instant NOW = Instant.parse("2026-01-01T00:00:00Z");

  private Fixtures() {}

  static byte[] seed(int tag) {
    byte[] b = new byte[32];
    new Random(tag).nextBytes(b);
    return b;
  }

  static SiteKeys siteKeys() {
    return new SiteKeys(new Ed25519PrivateKey(seed(1)), new X25519PrivateKey(seed(2)));
  }

  static SiteKeys otherSiteKeys() {
    return new SiteKeys(new Ed25519PrivateKey(seed(3)), new X25519PrivateKey(seed(4)));
  }

  /** The WireGuard private key of host {@code number}. */
  static X25519PrivateKey hostKey(int number) {
    return new X25519PrivateKey(seed(1000 + number));
  }

  static MeshSettings settings() {
    return new MeshSettings(
        DOMAIN,
        "mesh1",
        IpPrefix.parse("fd12:3456:789a::/48", "t"),
        51800,
        List.of(IpPrefix.parse("10.0.0.0/8", "t"), IpPrefix.parse("fd00:1::/32", "t")),
        org.wgmesh.core.model.Topology.FULL_MESH);
  }

  static HostEntry host(int number) {
    return HostEntry.builder()
        .uuid(new UUID(0x1234_5678_0000_0000L | number, number * 7919L))
        .hostname("router-" + number + ".example.net")
        .number(number)
        .asn(4_200_000_000L + number)
        .publicKey(hostKey(number).publicKey())
        .endpoints(
            List.of(
                IpAddress.parse("198.51.100." + (number % 250 + 1), "t"),
                IpAddress.parse("2001:db8::" + Integer.toHexString(number), "t")))
        .lanPrefixes(
            List.of(
                IpPrefix.parse("10." + (number >> 8) + "." + (number & 0xff) + ".0/24", "t"),
                IpPrefix.parse("fd00:1:" + Integer.toHexString(number) + "::/48", "t")))
        .build();
  }

  static List<HostEntry> hosts(int count) {
    List<HostEntry> out = new ArrayList<>();
    for (int n = 1; n <= count; n++) {
      out.add(host(n));
    }
    return out;
  }

  static MeshRecord meshRecord(long serial, long epoch, int... members) {
    TreeSet<Integer> m = new TreeSet<>();
    for (int n : members) {
      m.add(n);
    }
    SiteKeys k = siteKeys();
    return MeshRecord.builder()
        .settings(settings())
        .siteSigningKey(k.signing().publicKey())
        .siteBoxKey(k.box().publicKey())
        .serial(serial)
        .issued(NOW)
        .expires(NOW.plusSeconds(7 * 86400))
        .members(m)
        .epoch(epoch)
        .build();
  }

  static GroupKey groupKey(long epoch) {
    return GroupKey.generate(epoch, new Random(epoch));
  }
}
