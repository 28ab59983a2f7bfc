package org.wgmesh.site.original;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Stream;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.original.OriginalHost;
import org.wgmesh.core.original.OriginalSite;
import org.wgmesh.core.original.OriginalYaml;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.testing.OriginalFixtures;

/**
 * The original fixture site as a wgmesh site file, for tests of what comes after the import (issue
 * 26). A stand-in for {@code OriginalImport} (step 3), kept to the plan's mapping of the fixture:
 * uuid, hostname, number = octet, AS and key kept, endpoints from {@code local_ipv4/6} without
 * their /32 and /128, the tunnel /48 around {@code tunnel_ipv6}, the original's port base and ASN
 * range, and the original's site key.
 */
public final class OriginalFixtureSite {
  private OriginalFixtureSite() {}

  /** The fixture's site key ({@code site/mesh1_priv}). */
  public static X25519PrivateKey siteKey() {
    try {
      return X25519PrivateKey.parse(
          Files.readString(OriginalFixtures.siteKey()), "fixture site key");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Creates {@code yaml}, with the original's key, with the fixture's hosts but those whose
   * hostname is in {@code excluded}.
   */
  public static Site create(Path yaml, Set<String> excluded) {
    OriginalSite o = OriginalYaml.readSite(OriginalFixtures.siteFile());
    List<HostEntry> hosts = new ArrayList<>();
    for (OriginalHost h : o.hosts()) {
      if (!excluded.contains(h.hostname())) {
        hosts.add(host(h));
      }
    }
    IpPrefix v6 = IpPrefix.parse(o.tunnelIpv6().orElseThrow(), "tunnel_ipv6");
    MeshSettings settings =
        new MeshSettings(
            o.domain(),
            o.locus(),
            new IpPrefix(v6.network(), 48).masked(),
            o.portbase(),
            SiteFile.defaultAllowedLanPrefixes(),
            Topology.FULL_MESH);
    Site draft =
        new Site(
            settings,
            hosts,
            SiteKeys.generate(),
            AsnRange.parse(o.asnRange(), "asn_range"),
            SiteFile.defaultPublishTarget(yaml, o.domain()),
            Duration.ofSeconds(300),
            Duration.ofDays(7),
            List.of());
    return SiteFile.createImported(yaml, draft, siteKey());
  }

  private static HostEntry host(OriginalHost h) {
    return HostEntry.builder()
        .uuid(h.uuid())
        .hostname(h.hostname())
        .number((int) h.octet())
        .asn(h.asn())
        .publicKey(h.publicKey())
        .endpoints(
            Stream.concat(h.localIpv4().stream(), h.localIpv6().stream())
                .map(a -> IpAddress.parse(a.replaceFirst("/(32|128)$", ""), "local address"))
                .toList())
        .build();
  }
}
