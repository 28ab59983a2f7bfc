package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.UUID;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.RetiredHost;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/**
 * {@link Admission} (indexed, issue 21) decides exactly what {@link AdmissionBefore} (a whole site
 * built per step) decided: the same steps, numbers, ASNs and site, or the same error with the same
 * message, over random batches drawn from small pools of uuids, keys, hostnames and LAN prefixes of
 * several lengths, so that conflicts of every kind occur. Seeded; the seed is in the message.
 */
class AdmissionEquivalenceTest {
  private static final Instant NOW = Instant.parse("2026-12-04T12:00:00Z");

  @Test
  void randomBatches_sameResultAsBefore() {
    int errors = 0;
    for (long seed = 1; seed <= 400; seed++) {
      errors += compare(seed) ? 0 : 1;
    }
    // Both outcomes occur often enough for the comparison to mean something.
    assertThat(errors).as("batches refused of 400").isBetween(40, 360);
  }

  /** Returns whether the batch was admitted (false: both refused it alike). */
  private static boolean compare(long seed) {
    Random rnd = new Random(seed);
    Pools pools = new Pools(rnd);
    Site site = startSite(rnd, pools);
    List<Registration> batch = new ArrayList<>();
    int n = 1 + rnd.nextInt(rnd.nextInt(10) == 0 ? 300 : 30);
    for (int i = 0; i < n; i++) {
      batch.add(pools.registration());
    }
    boolean replace = rnd.nextBoolean();
    boolean rotation = rnd.nextInt(8) == 0;
    List<String> sources = rnd.nextBoolean() ? null : sources(n);
    Supplier<Admission> now =
        rotation
            ? () -> Admission.planRotation(site, batch, NOW)
            : sources == null
                ? () -> Admission.plan(site, batch, replace)
                : () -> Admission.plan(site, batch, replace, sources);
    Supplier<Admission> before =
        rotation
            ? () -> AdmissionBefore.plan(site, batch, true, NOW, null)
            : () -> AdmissionBefore.plan(site, batch, replace, null, sources);
    Object expected = outcome(before);
    Object actual = outcome(now);
    assertThat(actual).as("seed %d", seed).isEqualTo(expected);
    return expected instanceof Admitted;
  }

  private record Admitted(List<Admission.Step> steps, Site after) {}

  private record Refused(Class<?> type, String message) {}

  private static Object outcome(Supplier<Admission> plan) {
    try {
      Admission a = plan.get();
      return new Admitted(a.steps(), a.after());
    } catch (RuntimeException e) {
      return new Refused(e.getClass(), e.getMessage());
    }
  }

  private static List<String> sources(int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add("blobs.txt line " + (i + 1));
    }
    return out;
  }

  /** A site of a few hosts admitted from the pools (some retired), with a random topology. */
  private static Site startSite(Random rnd, Pools pools) {
    MeshSettings s =
        new MeshSettings(
            "mesh.example.com",
            "mesh1",
            IpPrefix.parse("fd12:3456:789a::/48", "t"),
            rnd.nextInt(4) == 0 ? 65490 : 51000,
            SiteFile.defaultAllowedLanPrefixes(),
            Topology.FULL_MESH);
    String asn = rnd.nextInt(3) == 0 ? "64512:64530" : rnd.nextBoolean() ? "64512:65534" : "65534";
    Site site =
        new Site(
            s,
            List.of(),
            SiteKeys.generate(),
            AsnRange.parse(asn, "t"),
            "zonefile:/x",
            Duration.ofMinutes(5),
            Duration.ofDays(7),
            List.of());
    for (int tries = 0; tries < 20 && site.hosts().size() < rnd.nextInt(12); tries++) {
      try {
        site = AdmissionBefore.plan(site, List.of(pools.registration()), false, null, null).after();
      } catch (RuntimeException e) {
        // a conflict among the pools' draws: leave that host out
      }
    }
    if (!site.hosts().isEmpty() && rnd.nextBoolean()) {
      var gone = site.hosts().get(rnd.nextInt(site.hosts().size()));
      try {
        site = site.withoutHost(gone.uuid());
        if (rnd.nextBoolean()) {
          site = withRetired(site, new RetiredHost(90 + rnd.nextInt(5), UUID.randomUUID()));
        }
      } catch (RuntimeException e) {
        // the hosts left would not reach each other: keep it
      }
    }
    if (!site.hosts().isEmpty() && rnd.nextInt(3) == 0) {
      int hub = site.hosts().get(rnd.nextInt(site.hosts().size())).number();
      try {
        site = withTopology(site, new Topology.HubAndSpoke(List.of(hub), 0));
      } catch (RuntimeException e) {
        // a hub behind NAT: keep the full mesh
      }
    }
    return site;
  }

  private static Site withRetired(Site s, RetiredHost r) {
    List<RetiredHost> retired = new ArrayList<>(s.retired());
    retired.add(r);
    return rebuilt(s, s.settings(), retired);
  }

  private static Site withTopology(Site s, Topology t) {
    MeshSettings m = s.settings();
    return rebuilt(
        s,
        new MeshSettings(
            m.domain(), m.locus(), m.tunnelPrefix(), m.portbase(), m.allowedLanPrefixes(), t),
        s.retired());
  }

  private static Site rebuilt(Site s, MeshSettings settings, List<RetiredHost> retired) {
    return new Site(
        settings,
        s.hosts(),
        s.keys(),
        s.asnRange(),
        s.publishTarget(),
        s.ttl(),
        s.recordLifetime(),
        retired,
        s.keyPolicy(),
        s.enrolment());
  }

  /** Small pools, so that uuids, keys, names, LANs and shared-LAN addresses repeat. */
  private static final class Pools {
    private final Random rnd;

    /** One in how many draws takes another host's key, name or an overlapping LAN. */
    private final int clash;

    private final List<UUID> uuids = new ArrayList<>();
    private final List<X25519PublicKey> keys = new ArrayList<>();

    Pools(Random rnd) {
      this.rnd = rnd;
      this.clash = rnd.nextInt(3) == 0 ? 6 : 400;
      for (int i = 0; i < 40; i++) {
        uuids.add(new UUID(rnd.nextLong(), rnd.nextLong()));
        keys.add(X25519PrivateKey.generate().publicKey());
      }
    }

    Registration registration() {
      int pick = rnd.nextInt(uuids.size());
      // Mostly a uuid with its own key and name; sometimes another's key or name.
      UUID uuid = uuids.get(pick);
      X25519PublicKey key = keys.get(rnd.nextInt(clash) == 0 ? rnd.nextInt(keys.size()) : pick);
      String name = "h" + (rnd.nextInt(clash) == 0 ? rnd.nextInt(uuids.size()) : pick);
      // Behind NAT, IPv4, IPv6 or both: the families decide which hosts can link.
      IpAddress v4 = IpAddress.parse("198.51.100." + (1 + rnd.nextInt(200)), "t");
      IpAddress v6 = IpAddress.parse("2001:db8::" + Integer.toHexString(1 + rnd.nextInt(200)), "t");
      List<IpAddress> endpoints =
          switch (rnd.nextInt(rnd.nextInt(clash) == 0 ? 4 : 8)) {
            case 0 -> List.of();
            case 1 -> List.of(v6);
            case 2 -> List.of(v6, v4);
            default -> List.of(v4);
          };
      List<IpPrefix> lans = new ArrayList<>();
      for (int i = rnd.nextInt(3); i > 0; i--) {
        lans.add(lan());
      }
      List<IpPrefix> shared =
          rnd.nextInt(clash) == 0
              ? List.of(IpPrefix.parseInterface("192.168.7." + (1 + rnd.nextInt(6)) + "/24", "t"))
              : List.of();
      try {
        return Registration.builder()
            .uuid(uuid)
            .hostname(name)
            .publicKey(key)
            .endpoints(endpoints)
            .lanPrefixes(lans)
            .created(NOW)
            .sharedLans(shared)
            .build();
      } catch (RuntimeException e) {
        return Registration.builder()
            .uuid(uuid)
            .hostname(name)
            .publicKey(key)
            .endpoints(endpoints)
            .lanPrefixes(List.of())
            .created(NOW)
            .sharedLans(shared)
            .build();
      }
    }

    private IpPrefix lan() {
      if (rnd.nextInt(clash) != 0) {
        return rnd.nextBoolean()
            ? IpPrefix.parse("10.1" + rnd.nextInt(10) + "." + rnd.nextInt(256) + ".0/24", "t")
            : IpPrefix.parse("fd01:" + Integer.toHexString(rnd.nextInt(65536)) + "::/64", "t");
      }
      // Nested prefixes: some contain others, some lie inside others, some are equal.
      int y = rnd.nextInt(8);
      return switch (rnd.nextInt(7)) {
        case 0 -> IpPrefix.parse("10.0.0.0/16", "t");
        case 1, 2 -> IpPrefix.parse("10.0." + y + ".0/24", "t");
        case 3 -> IpPrefix.parse("10.0." + y + "." + 4 * rnd.nextInt(4) + "/30", "t");
        case 4 -> IpPrefix.parse("fd00::/56", "t");
        default -> IpPrefix.parse("fd00:0:0:" + y + "::/64", "t");
      };
    }
  }
}
