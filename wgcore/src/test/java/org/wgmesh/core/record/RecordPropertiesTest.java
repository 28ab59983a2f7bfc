package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Random;
import java.util.TreeSet;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * Properties over random input (seeded loops, so a failure names its seed and replays): round trips
 * of random meshes and hosts (with and without shared LANs and an observed address); any single
 * changed character is refused; arbitrary TXT strings only ever give a RecordException.
 */
class RecordPropertiesTest {
  private static final SiteKeys SITE = Fixtures.siteKeys();
  private static final GroupKey GROUP = Fixtures.groupKey(9);
  private static final X25519PrivateKey HOST = Fixtures.hostKey(77);
  private static final String CHARS = "abcdefghijklmnopqrstuvwxyz-_. \u00e4\u00df\u4e2d";

  @Test
  void meshRecord_randomMeshesRoundTrip() {
    for (int seed = 0; seed < 60; seed++) {
      Random r = new Random(seed);
      MeshRecord mesh = randomMesh(r);
      TxtRecordSet rrset = mesh.encode(SITE.signing(), 120);
      assertThat(MeshRecord.decode(rrset, SITE.signing().publicKey(), DOMAIN, NOW))
          .as("seed %d", seed)
          .isEqualTo(mesh);
    }
  }

  @Test
  void hostRecord_randomEntriesRoundTrip() {
    for (int seed = 0; seed < 60; seed++) {
      Random r = new Random(seed);
      HostRecord record =
          new HostRecord(
              randomEntry(r),
              r.nextLong() & Long.MAX_VALUE,
              NOW,
              NOW.plusSeconds(86400),
              GROUP.epoch());
      TxtRecordSet rrset = record.encode(DOMAIN, GROUP, SITE.signing(), 120);
      assertThat(HostRecord.decode(rrset, SITE.signing().publicKey(), GROUP, DOMAIN, NOW))
          .as("seed %d", seed)
          .isEqualTo(record);
    }
  }

  @Test
  void decode_anyChangedCharacterRejected() {
    char[] replacements = " !09:=+/AZaz~\u00e9\u4e2d\u0000\n".toCharArray();
    for (int kind = 0; kind < 3; kind++) {
      TxtRecordSet original = encoded(kind);
      for (int which = 0; which < original.strings().size(); which++) {
        String s = original.strings().get(which);
        // Every position of every string, with a few replacements each.
        for (int pos = 0; pos < s.length(); pos++) {
          for (int i = 0; i < 3; i++) {
            char c = replacements[(pos * 3 + i) % replacements.length];
            if (s.charAt(pos) == c) {
              continue;
            }
            List<String> strings = new ArrayList<>(original.strings());
            strings.set(which, s.substring(0, pos) + c + s.substring(pos + 1));
            TxtRecordSet mutated = new TxtRecordSet(original.name(), original.ttl(), strings);
            int k = kind;
            assertThatThrownBy(() -> decode(k, mutated))
                .as("kind %d string %d position %d -> %s", kind, which, pos, c)
                .isInstanceOf(RecordException.class);
          }
        }
      }
    }
  }

  @Test
  void decode_arbitraryStringsGiveOnlyRecordException() {
    String alphabet = "0123456789:ABCDEFGHIJabcdef+/=";
    for (int seed = 0; seed < 300; seed++) {
      Random r = new Random(seed);
      List<String> strings = new ArrayList<>();
      int count = r.nextInt(70);
      for (int i = 0; i < count; i++) {
        StringBuilder sb = new StringBuilder();
        int len = r.nextInt(256);
        boolean plausible = r.nextBoolean();
        if (plausible) {
          sb.append(r.nextInt(count + 1)).append(':');
        }
        while (sb.length() < len) {
          sb.append(
              plausible
                  ? alphabet.charAt(r.nextInt(alphabet.length()))
                  : (char) (0x20 + r.nextInt(0x5f)));
        }
        strings.add(sb.toString());
      }
      for (int kind = 0; kind < 3; kind++) {
        TxtRecordSet rrset = new TxtRecordSet(encoded(kind).name(), 60, strings);
        int k = kind;
        assertThatThrownBy(() -> decode(k, rrset))
            .as("seed %d kind %d", seed, kind)
            .isInstanceOf(RecordException.class);
      }
    }
  }

  private static TxtRecordSet encoded(int kind) {
    return switch (kind) {
      case 0 -> Fixtures.meshRecord(5, 9, 1, 2, 3, 77, 300, 4096).encode(SITE.signing(), 60);
      case 1 ->
          new HostRecord(Fixtures.host(77), 5, NOW, NOW.plusSeconds(3600), 9)
              .encode(DOMAIN, GROUP, SITE.signing(), 60);
      default -> new KeyRecord(77, GROUP).encode(SITE.box(), HOST.publicKey(), DOMAIN, 60);
    };
  }

  private static Object decode(int kind, TxtRecordSet rrset) {
    return switch (kind) {
      case 0 -> MeshRecord.decode(rrset, SITE.signing().publicKey(), DOMAIN, NOW);
      case 1 -> HostRecord.decode(rrset, SITE.signing().publicKey(), GROUP, DOMAIN, NOW);
      default -> KeyRecord.decode(rrset, HOST, SITE.box().publicKey(), DOMAIN);
    };
  }

  /** Full mesh or hub-and-spoke with up to 30 hubs, some in runs, any hubs-per-spoke. */
  static org.wgmesh.core.model.Topology randomTopology(Random r) {
    if (r.nextBoolean()) {
      return org.wgmesh.core.model.Topology.FULL_MESH;
    }
    TreeSet<Integer> hubs = new TreeSet<>();
    for (int i = 1 + r.nextInt(30); i > 0; i--) {
      int h = 1 + r.nextInt(r.nextBoolean() ? 65535 : 40);
      for (int j = r.nextInt(4); j >= 0 && h + j <= 65535; j--) {
        hubs.add(h + j);
      }
    }
    List<Integer> list = new ArrayList<>(hubs);
    while (list.size() > 30) {
      list.remove(list.size() - 1);
    }
    return new org.wgmesh.core.model.Topology.HubAndSpoke(list, r.nextInt(list.size() + 1));
  }

  static MeshRecord randomMesh(Random r) {
    List<IpPrefix> allowed = new ArrayList<>();
    for (int i = r.nextInt(21); i > 0; i--) {
      allowed.add(prefix(r, address(r)));
    }
    byte[] ula = bytes(r, 16);
    ula[0] = (byte) 0xfd; // never IPv4-mapped, so always an IPv6 address
    IpPrefix tunnel = prefix(r, address(ula));
    MeshSettings s =
        new MeshSettings(DOMAIN, text(r, 40), tunnel, r.nextInt(65536), allowed, randomTopology(r));
    TreeSet<Integer> members = new TreeSet<>();
    for (int i = r.nextInt(300); i > 0; i--) {
      members.add(1 + r.nextInt(r.nextBoolean() ? 65535 : 400));
    }
    return MeshRecord.builder()
        .settings(s)
        .siteSigningKey(SITE.signing().publicKey())
        .siteBoxKey(SITE.box().publicKey())
        .serial(r.nextLong() & Long.MAX_VALUE)
        .issued(NOW.minusSeconds(60))
        .expires(NOW.plusSeconds(1 + r.nextInt(10 * 365 * 86400)))
        .members(members)
        .epoch(r.nextLong() & GroupKey.MAX_EPOCH)
        .build();
  }

  static HostEntry randomEntry(Random r) {
    List<IpAddress> endpoints = new ArrayList<>();
    for (int i = r.nextInt(9); i > 0; i--) {
      endpoints.add(address(r));
    }
    List<IpPrefix> lans = new ArrayList<>();
    for (int i = r.nextInt(21); i > 0; i--) {
      lans.add(prefix(r, address(r)));
    }
    return HostEntry.builder()
        .uuid(new UUID(r.nextLong(), r.nextLong()))
        .hostname(text(r, 60))
        .number(1 + r.nextInt(65535))
        .asn(r.nextLong() & 0xffff_ffffL)
        .publicKey(Fixtures.hostKey(r.nextInt(256)).publicKey())
        .endpoints(endpoints)
        .lanPrefixes(lans)
        .sharedLans(sharedLans(r))
        .observed(observed(r))
        .build();
  }

  /** None half the time (the old form), else any address, ports kept or not. */
  static Optional<Observed> observed(Random r) {
    return r.nextBoolean()
        ? Optional.empty()
        : Optional.of(new Observed(address(r), r.nextBoolean()));
  }

  /** None half the time (the old form), else up to 5 interface addresses (host bits allowed). */
  static List<IpPrefix> sharedLans(Random r) {
    List<IpPrefix> out = new ArrayList<>();
    if (r.nextBoolean()) {
      for (int i = 1 + r.nextInt(5); i > 0; i--) {
        IpAddress a = address(r);
        out.add(new IpPrefix(a, r.nextInt(a.isV6() ? 129 : 33)));
      }
    }
    return out;
  }

  private static String text(Random r, int max) {
    StringBuilder sb = new StringBuilder();
    for (int i = r.nextInt(max + 1); i > 0; i--) {
      sb.append(CHARS.charAt(r.nextInt(CHARS.length())));
    }
    return sb.toString();
  }

  private static IpAddress address(Random r) {
    return address(bytes(r, r.nextBoolean() ? 4 : 16));
  }

  private static IpPrefix prefix(Random r, IpAddress a) {
    return new IpPrefix(a, r.nextInt((a.isV6() ? 128 : 32) + 1)).masked();
  }

  private static byte[] bytes(Random r, int n) {
    byte[] b = new byte[n];
    r.nextBytes(b);
    return b;
  }

  private static IpAddress address(byte[] raw) {
    try {
      return new IpAddress(InetAddress.getByAddress(raw));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
