package org.wgmesh.endpoint.config;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.record.PublicationPlan;
import org.wgmesh.core.record.PublicationPlanner;
import org.wgmesh.core.record.PublicationState;
import org.wgmesh.core.testing.InMemoryDnsSource;

/**
 * A site with real keys whose records are published, through the real planner, into an in-memory
 * DNS source: what endpoint tests read, verify and pin.
 */
public final class TestMesh {
  public static final String DOMAIN = "mesh.example.test";

  public final SiteKeys site;
  public final InMemoryDnsSource dns = new InMemoryDnsSource();
  private PublicationPlanner planner;
  private PublicationState state = PublicationState.empty();

  public TestMesh() {
    this(SiteKeys.generate());
  }

  public TestMesh(SiteKeys site) {
    this.site = site;
    this.planner = new PublicationPlanner(site, 300, Duration.ofDays(7), Duration.ofDays(2));
  }

  public static MeshSettings settings() {
    return new MeshSettings(
        DOMAIN,
        "lab",
        IpPrefix.parse("fd12:3456:789a::/48", "t"),
        51000,
        List.of(IpPrefix.parse("198.18.0.0/15", "t"), IpPrefix.parse("fd00::/8", "t")),
        org.wgmesh.core.model.Topology.FULL_MESH);
  }

  /** Host {@code n} with key {@code key}. */
  public static HostEntry host(int n, X25519PrivateKey key) {
    return HostEntry.builder()
        .uuid(new UUID(7, n))
        .hostname("r" + n)
        .number(n)
        .asn(64512 + n)
        .publicKey(key.publicKey())
        .endpoints(List.of(IpAddress.parse("203.0.113." + n, "t")))
        .lanPrefixes(List.of(IpPrefix.parse("198.18." + n + ".0/24", "t")))
        .build();
  }

  /**
   * From now on publishes with {@code keys}, announcing {@code next}: a site-key roll's overlap
   * ({@code keys} the current ones).
   */
  public void useKeys(SiteKeys keys, org.wgmesh.core.crypto.Ed25519PublicKey next) {
    this.planner =
        new PublicationPlanner(keys, 300, Duration.ofDays(7), Duration.ofDays(2))
            .withNextSigningKey(next);
  }

  /** From now on publishes with {@code keys}, announcing no next key: a site-key roll's end. */
  public void useKeys(SiteKeys keys) {
    this.planner = new PublicationPlanner(keys, 300, Duration.ofDays(7), Duration.ofDays(2));
  }

  /** Publishes {@code hosts} (the whole membership) and returns the plan applied. */
  public PublicationPlan publish(List<HostEntry> hosts) {
    PublicationPlan plan = planner.plan(settings(), hosts, state, dns.snapshot(), Instant.now());
    plan.upsertsBeforeMesh().forEach(dns::put);
    plan.meshRecord().ifPresent(dns::put);
    plan.deletesAfterMesh().forEach(dns::remove);
    state = plan.newState();
    return plan;
  }

  /** Publishes an empty mesh (only the mesh record). */
  public TestMesh publishEmpty() {
    publish(List.of());
    return this;
  }

  /** The mesh record as published now. */
  public TxtRecordSet meshRecord() {
    return dns.lookup(DOMAIN).orElseThrow();
  }

  /** {@code set} with one character of its first string changed. */
  public static TxtRecordSet tampered(TxtRecordSet set) {
    List<String> strings = new ArrayList<>(set.strings());
    String s = strings.stream().sorted().findFirst().orElseThrow();
    strings.remove(s);
    char c = s.charAt(s.length() - 2);
    strings.add(
        s.substring(0, s.length() - 2) + (c == 'A' ? 'B' : 'A') + s.substring(s.length() - 1));
    return new TxtRecordSet(set.name(), set.ttl(), strings);
  }
}
