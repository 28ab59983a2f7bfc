package org.wgmesh.core.site;

import java.nio.file.Path;
import java.util.List;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/** Builds small valid sites for tests. */
final class SiteFixtures {
  private SiteFixtures() {}

  static MeshSettings settings() {
    return new MeshSettings(
        "mesh.example.com",
        "mesh1",
        IpPrefix.parse("fd12:3456:789a::/48", "t"),
        51000,
        SiteFile.defaultAllowedLanPrefixes(),
        org.wgmesh.core.model.Topology.FULL_MESH);
  }

  static HostEntry host(int n, String lan) {
    return HostEntry.builder()
        .uuid(new UUID(0x6f1c000000004000L, 0x8000000000000000L + n))
        .hostname("router" + n)
        .number(n)
        .asn(64511 + n)
        .publicKey(X25519PrivateKey.generate().publicKey())
        .endpoints(List.of(IpAddress.parse("198.51.100." + n, "t")))
        .lanPrefixes(lan == null ? List.of() : List.of(IpPrefix.parse(lan, "t")))
        .build();
  }

  /** A site file with two hosts (10.1.0.0/24 and 10.2.0.0/24) and one retired number. */
  static Site twoHosts(Path yaml) {
    Site s =
        SiteFile.create(
            yaml, settings(), AsnRange.parse(AsnRange.DEFAULT, "t"), "zonefile:/tmp/x.zone");
    s = s.withHost(host(1, "10.1.0.0/24")).withHost(host(2, "10.2.0.0/24")).withHost(host(3, null));
    s = s.withoutHost(host(3, null).uuid());
    SiteFile.save(s, yaml);
    return s;
  }
}
