package org.wgmesh.site.publish;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/** Site files for publishing tests: domain {@value #DOMAIN}, hosts 1..n with fixed uuids. */
public final class TestSites {
  public static final String DOMAIN = "mesh.example.com";

  private TestSites() {}

  /**
   * Host {@code n} (1..1023): uuid, name, number and ASN from {@code n}, a fresh key, endpoint
   * 2001:db8::n, LAN 10.(n/256).(n%256).0/24.
   */
  public static HostEntry host(int n) {
    return HostEntry.builder()
        .uuid(new UUID(0x6f1c000000004000L, 0x8000000000000000L + n))
        .hostname("router" + n)
        .number(n)
        .asn(64511 + n)
        .publicKey(X25519PrivateKey.generate().publicKey())
        .endpoints(List.of(IpAddress.parse("2001:db8::" + Integer.toHexString(n), "t")))
        .lanPrefixes(List.of(IpPrefix.parse("10." + (n >> 8) + "." + (n & 255) + ".0/24", "t")))
        .build();
  }

  /**
   * The {@code rfc2136://} target of {@code knot} (zone {@code example.com}) with its TSIG key, the
   * secret in {@code siteDir/tsig.secret} (mode 0600).
   */
  public static String knotTarget(org.wgmesh.core.testing.KnotServer knot, Path siteDir)
      throws java.io.IOException {
    Path secret = siteDir.resolve("tsig.secret");
    java.nio.file.Files.writeString(secret, knot.tsigSecret() + "\n");
    java.nio.file.Files.setPosixFilePermissions(
        secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
    return "rfc2136://127.0.0.1:"
        + knot.port()
        + "?zone="
        + knot.zone()
        + "&tsig="
        + knot.keyName()
        + "&secret-file=tsig.secret";
  }

  /**
   * Creates {@code yaml} (and its keys) with hosts 1..{@code hosts}, publishing to {@code publish}.
   */
  public static Site create(Path yaml, String publish, int hosts) {
    MeshSettings settings =
        new MeshSettings(
            DOMAIN,
            "mesh1",
            IpPrefix.parse("fd12:3456:789a::/48", "t"),
            51000,
            SiteFile.defaultAllowedLanPrefixes(),
            org.wgmesh.core.model.Topology.FULL_MESH);
    Site created = SiteFile.create(yaml, settings, AsnRange.parse(AsnRange.DEFAULT, "t"), publish);
    List<HostEntry> all = new java.util.ArrayList<>();
    for (int n = 1; n <= hosts; n++) {
      all.add(host(n));
    }
    Site site =
        new Site(
            created.settings(),
            all,
            created.keys(),
            created.asnRange(),
            created.publishTarget(),
            created.ttl(),
            created.recordLifetime(),
            created.retired());
    SiteFile.save(site, yaml);
    return site;
  }
}
