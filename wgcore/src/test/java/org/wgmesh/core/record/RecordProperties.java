package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import net.jqwik.api.Arbitraries;
import net.jqwik.api.Arbitrary;
import net.jqwik.api.Combinators;
import net.jqwik.api.ForAll;
import net.jqwik.api.Property;
import net.jqwik.api.Provide;
import net.jqwik.api.constraints.IntRange;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/** Round trips over random meshes and hosts; any single changed character is refused. */
class RecordProperties {
  private static final SiteKeys SITE = Fixtures.siteKeys();
  private static final GroupKey GROUP = Fixtures.groupKey(9);
  private static final X25519PrivateKey HOST = Fixtures.hostKey(77);

  @Property(tries = 60)
  void meshRecord_roundTrips(@ForAll("meshes") MeshRecord mesh) {
    TxtRecordSet rrset = mesh.encode(SITE.signing(), 120);
    assertThat(MeshRecord.decode(rrset, SITE.signing().publicKey(), DOMAIN, NOW)).isEqualTo(mesh);
  }

  @Property(tries = 60)
  void hostRecord_roundTrips(@ForAll("entries") HostEntry entry, @ForAll @IntRange(min = 0) int serial) {
    HostRecord record = new HostRecord(entry, serial, NOW, NOW.plusSeconds(86400), GROUP.epoch());
    TxtRecordSet rrset = record.encode(DOMAIN, GROUP, SITE.signing(), 120);
    assertThat(HostRecord.decode(rrset, SITE.signing().publicKey(), GROUP, DOMAIN, NOW)).isEqualTo(record);
  }

  @Property(tries = 300)
  void anyChangedCharacter_isRejected(
      @ForAll @IntRange(min = 0, max = 2) int kind,
      @ForAll @IntRange(min = 0, max = 10_000) int stringSeed,
      @ForAll @IntRange(min = 0, max = 10_000) int positionSeed,
      @ForAll("replacements") char replacement) {
    TxtRecordSet original = encoded(kind);
    List<String> strings = new ArrayList<>(original.strings());
    int which = stringSeed % strings.size();
    String s = strings.get(which);
    int pos = positionSeed % s.length();
    if (s.charAt(pos) == replacement) {
      return;
    }
    strings.set(which, s.substring(0, pos) + replacement + s.substring(pos + 1));
    TxtRecordSet mutated = new TxtRecordSet(original.name(), original.ttl(), strings);
    assertThatThrownBy(() -> decode(kind, mutated)).isInstanceOf(RecordException.class);
  }

  @Property(tries = 200)
  void arbitraryStrings_onlyRecordException(@ForAll("txtStrings") List<String> strings) {
    for (int kind = 0; kind < 3; kind++) {
      TxtRecordSet rrset = new TxtRecordSet(encoded(kind).name(), 60, strings);
      int k = kind;
      assertThatThrownBy(() -> decode(k, rrset)).isInstanceOf(RecordException.class);
    }
  }

  private static TxtRecordSet encoded(int kind) {
    return switch (kind) {
      case 0 -> Fixtures.meshRecord(5, 9, 1, 2, 3, 77, 300, 4096).encode(SITE.signing(), 60);
      case 1 -> new HostRecord(Fixtures.host(77), 5, NOW, NOW.plusSeconds(3600), 9)
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

  @Provide
  Arbitrary<Character> replacements() {
    return Arbitraries.oneOf(
        Arbitraries.chars().range(' ', '~'), Arbitraries.of('\u00e9', '\u4e2d', '\u0000', '\n'));
  }

  @Provide
  Arbitrary<List<String>> txtStrings() {
    Arbitrary<String> chunk =
        Arbitraries.oneOf(
            Arbitraries.strings().ascii().ofMaxLength(255),
            Arbitraries.strings().withChars("0123456789:ABCDEFGHIJabcdef+/=").ofMaxLength(255));
    return chunk.list().ofMaxSize(70);
  }

  @Provide
  Arbitrary<MeshRecord> meshes() {
    Arbitrary<MeshSettings> settings =
        Combinators.combine(
                text(40), prefixes(v6Only()).map(p -> p), Arbitraries.integers().between(0, 65535),
                prefixes(anyAddress()).list().ofMaxSize(20), text(20))
            .as((locus, tunnel, portbase, allowed, topology) -> new MeshSettings(DOMAIN, locus, tunnel, portbase, allowed, topology));
    Arbitrary<Set<Integer>> members = Arbitraries.integers().between(1, 65535).set().ofMaxSize(300);
    return Combinators.combine(
            settings, members, Arbitraries.longs().between(0, Long.MAX_VALUE), Arbitraries.longs().between(0, GroupKey.MAX_EPOCH),
            Arbitraries.longs().between(1, 10L * 365 * 86400))
        .as((s, m, serial, epoch, life) -> new MeshRecord(s, SITE.signing().publicKey(), SITE.box().publicKey(), serial,
            NOW.minusSeconds(60), NOW.plusSeconds(life), new TreeSet<>(m), epoch));
  }

  @Provide
  Arbitrary<HostEntry> entries() {
    return Combinators.combine(
            Arbitraries.longs(), Arbitraries.longs(), text(60), Arbitraries.integers().between(1, 65535),
            Arbitraries.longs().between(0, 0xffff_ffffL), anyAddress().list().ofMaxSize(8),
            prefixes(anyAddress()).list().ofMaxSize(20), Arbitraries.integers())
        .as((hi, lo, name, number, asn, endpoints, lans, keySeed) -> new HostEntry(new UUID(hi, lo), name, number, asn,
            Fixtures.hostKey(keySeed & 0xff).publicKey(), endpoints, lans));
  }

  private static Arbitrary<String> text(int max) {
    return Arbitraries.strings().withCharRange('a', 'z').withChars("-_. \u00e4\u00df\u4e2d").ofMaxLength(max);
  }

  private static Arbitrary<IpAddress> anyAddress() {
    return Arbitraries.oneOf(bytes(4), bytes(16)).map(RecordProperties::address);
  }

  private static Arbitrary<IpAddress> v6Only() {
    return bytes(16).map(RecordProperties::address).filter(IpAddress::isV6);
  }

  private static Arbitrary<IpPrefix> prefixes(Arbitrary<IpAddress> addresses) {
    return addresses.flatMap(a -> Arbitraries.integers().between(0, a.isV6() ? 128 : 32)
        .map(len -> new IpPrefix(a, len).masked()));
  }

  private static Arbitrary<byte[]> bytes(int n) {
    return Arbitraries.bytes().array(byte[].class).ofSize(n);
  }

  private static IpAddress address(byte[] raw) {
    try {
      return new IpAddress(InetAddress.getByAddress(raw));
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }
}
