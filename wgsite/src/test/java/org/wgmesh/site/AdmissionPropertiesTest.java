package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/** Allocation over random admit / remove / publish sequences: nothing is ever shared. */
class AdmissionPropertiesTest {
  static final IpPrefix TUNNEL = IpPrefix.parse("fd12:3456:789a::/48", "t");

  enum Op {
    ADMIT,
    REMOVE,
    PUBLISH
  }

  static Site emptySite(String asnRange) {
    MeshSettings s =
        new MeshSettings(
            "mesh.example.com",
            "mesh1",
            TUNNEL,
            51000,
            SiteFile.defaultAllowedLanPrefixes(),
            org.wgmesh.core.model.Topology.FULL_MESH);
    return new Site(
        s,
        List.of(),
        SiteKeys.generate(),
        AsnRange.parse(asnRange, "t"),
        "zonefile:/x",
        Duration.ofMinutes(5),
        Duration.ofDays(7),
        List.of());
  }

  static Registration registration(int serial) {
    // Every host gets its own /24 out of 10/8 (serials stay below 65536 here).
    IpPrefix lan =
        IpPrefix.parse("10." + (serial >> 8 & 255) + "." + (serial & 255) + ".0/24", "t");
    return Registration.builder()
        .uuid(UUID.randomUUID())
        .hostname("host" + serial)
        .publicKey(X25519PrivateKey.generate().publicKey())
        .endpoints(List.of(IpAddress.parse("198.51.100." + (serial % 250 + 1), "t")))
        .lanPrefixes(List.of(lan))
        .created(Instant.now())
        .build();
  }

  /** A random operation sequence: 70% admit, 20% remove, 10% publish; up to 1500 steps. */
  static List<Op> sequence(Random rnd) {
    int n = 1 + rnd.nextInt(1500);
    List<Op> ops = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      int r = rnd.nextInt(100);
      ops.add(r < 70 ? Op.ADMIT : r < 90 ? Op.REMOVE : Op.PUBLISH);
    }
    return ops;
  }

  @Test
  void admitRemovePublish_neverShareAndReuseOnlyAfterPublish() {
    long base = new Random().nextLong();
    for (int run = 0; run < 15; run++) {
      long seed = base + run;
      checkSequence(seed);
    }
  }

  private void checkSequence(long seed) {
    Random rnd = new Random(seed);
    List<Op> ops = sequence(rnd);
    Site site = emptySite("64512:65534,4200000000:4200099999");
    Set<Integer> unpublishedRemovals = new HashSet<>();
    int serial = 0;
    for (Op op : ops) {
      switch (op) {
        case ADMIT -> {
          Admission a = Admission.plan(site, List.of(registration(serial++)), false);
          HostEntry added = a.steps().get(0).entry();
          assertThat(unpublishedRemovals)
              .as("number reused before publish (seed %d)", seed)
              .doesNotContain(added.number());
          site = a.after();
        }
        case REMOVE -> {
          if (!site.hosts().isEmpty()) {
            HostEntry victim = site.hosts().get(rnd.nextInt(site.hosts().size()));
            site = site.withoutHost(victim.uuid());
            unpublishedRemovals.add(victim.number());
          }
        }
        case PUBLISH -> {
          site = site.withoutRetired(site.retired().stream().map(r -> r.number()).toList());
          unpublishedRemovals.clear();
        }
      }
      assertThat(site.retired())
          .as("retired list (seed %d)", seed)
          .extracting(r -> r.number())
          .containsExactlyInAnyOrderElementsOf(unpublishedRemovals);
    }
    assertNothingShared(site);
  }

  @Test
  void thousandHosts_allDistinct_andNumbersDense() {
    Site site = emptySite(AsnRange.DEFAULT);
    List<Registration> regs = new ArrayList<>();
    for (int i = 0; i < 1023; i++) {
      regs.add(registration(i));
    }
    site = Admission.plan(site, regs, false).after();
    assertThat(site.hosts()).hasSize(1023);
    assertThat(site.hosts().get(1022).number()).isEqualTo(1023);
    assertNothingShared(site);
    // The 1024th host no longer fails: the default range gains the 4-byte private one
    // (AsnAllocationTest).
    assertThat(Admission.plan(site, List.of(registration(5000)), false).after().hosts())
        .extracting(HostEntry::asn)
        .contains(4_200_000_000L);
  }

  @Test
  void portbaseNearTop_runsOutOfNumbersClearly() {
    Site site = emptySite(AsnRange.DEFAULT);
    MeshSettings s = site.settings();
    Site high =
        new Site(
            new MeshSettings(
                s.domain(), s.locus(), TUNNEL, 65533, s.allowedLanPrefixes(), s.topology()),
            List.of(),
            site.keys(),
            site.asnRange(),
            "zonefile:/x",
            site.ttl(),
            site.recordLifetime(),
            List.of());
    Site two = Admission.plan(high, List.of(registration(1), registration(2)), false).after();
    assertThatThrownBy(() -> Admission.plan(two, List.of(registration(3)), false))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("no free host number left (1..2 with portbase 65533)");
  }

  static void assertNothingShared(Site site) {
    List<HostEntry> hosts = site.hosts();
    int pb = site.settings().portbase();
    assertThat(hosts.stream().map(HostEntry::number).distinct().count()).isEqualTo(hosts.size());
    assertThat(hosts.stream().map(HostEntry::asn).distinct().count()).isEqualTo(hosts.size());
    assertThat(hosts.stream().map(h -> Addressing.listenPort(pb, h.number())).distinct().count())
        .isEqualTo(hosts.size());
    assertThat(hosts.stream().allMatch(h -> Addressing.listenPort(pb, h.number()) <= 65535))
        .isTrue();
    assertThat(hosts.stream().map(h -> Addressing.interfaceName(h.number())).distinct().count())
        .isEqualTo(hosts.size());
    assertThat(hosts.stream().map(h -> Addressing.routerId(h.number())).distinct().count())
        .isEqualTo(hosts.size());
    assertThat(hosts.stream().map(HostEntry::uuid).distinct().count()).isEqualTo(hosts.size());
    assertThat(hosts.stream().map(HostEntry::publicKey).distinct().count()).isEqualTo(hosts.size());
    for (HostEntry h : hosts) {
      assertThat(site.asnRange().contains(h.asn())).isTrue();
    }
    // Every host's address on every link is distinct (n^2 addresses: a sample of hosts against all
    // when large).
    List<HostEntry> sample = hosts.size() > 300 ? hosts.subList(0, 300) : hosts;
    Set<IpAddress> links = new HashSet<>();
    int expected = 0;
    for (HostEntry a : sample) {
      for (HostEntry b : hosts) {
        if (a != b) {
          links.add(Addressing.linkAddress(TUNNEL, a.number(), b.number()));
          expected++;
        }
      }
    }
    for (HostEntry a : sample) {
      for (HostEntry b : sample) {
        if (a != b) {
          assertThat(Addressing.linkAddress(TUNNEL, a.number(), b.number()))
              .isNotEqualTo(Addressing.linkAddress(TUNNEL, b.number(), a.number()));
        }
      }
    }
    assertThat(links).hasSize(expected);
  }
}
