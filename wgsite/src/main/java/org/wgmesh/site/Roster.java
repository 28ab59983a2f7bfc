package org.wgmesh.site;

import java.util.ArrayList;
import java.util.BitSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.Site;

/**
 * The hosts of a site while a batch is admitted, indexed by everything a new host is checked
 * against (uuid, key, hostname, LAN prefix, shared-LAN address) and with the lowest free number and
 * ASN kept as a cursor. {@link Admission} asks it what the step-by-step site would have said;
 * building a validated {@link Site} after every host made 10,000 blobs take 69 s (issue 21: each
 * step re-validated every host).
 *
 * <p>Admission only adds hosts or changes them in place, so the lowest free number and ASN never go
 * down: each cursor moves forward only.
 */
final class Roster {
  private final Site site;
  private final Map<UUID, HostEntry> byUuid = new HashMap<>();

  /** Public keys and previous keys (of a scheduled switch), each with the hosts that hold it. */
  private final Map<X25519PublicKey, Set<UUID>> keys = new HashMap<>();

  private final Map<String, Set<UUID>> names = new HashMap<>();
  private final TreeMap<IpPrefix, Set<UUID>> lans = new TreeMap<>();
  private final Map<IpAddress, Set<UUID>> sharedAddresses = new HashMap<>();
  private final BitSet usedNumbers = new BitSet();
  private final Set<Long> usedAsns = new HashSet<>();
  private AsnRange asnRange;
  private int publicHosts;

  /** Public hosts without a public IPv4 address (IPv6 only). */
  private int publicWithoutV4;

  private int numberCursor = 1;
  private long asnCursor = Long.MIN_VALUE;

  Roster(Site site) {
    this.site = site;
    this.asnRange = site.asnRange();
    site.retired().forEach(r -> usedNumbers.set(r.number()));
    site.hosts().forEach(this::add);
  }

  /** The site's ASN range, widened by {@link #nextAsn} when the default range ran out. */
  AsnRange asnRange() {
    return asnRange;
  }

  MeshSettings settings() {
    return site.settings();
  }

  Optional<HostEntry> host(UUID uuid) {
    return Optional.ofNullable(byUuid.get(uuid));
  }

  Collection<HostEntry> hosts() {
    return byUuid.values();
  }

  /** Puts {@code entry} in, replacing the host with its uuid. */
  void put(HostEntry entry) {
    HostEntry old = byUuid.get(entry.uuid());
    if (old != null) {
      remove(old);
    }
    add(entry);
  }

  /**
   * The hosts other than {@code self} that hold {@code key} as their key or previous key, or are
   * called {@code hostname}: the one with the lowest number (the first a walk in number order
   * meets).
   */
  Optional<HostEntry> firstWithKeyOrName(X25519PublicKey key, String hostname, UUID self) {
    List<UUID> found = new ArrayList<>(keys.getOrDefault(key, Set.of()));
    found.addAll(names.getOrDefault(hostname, Set.of()));
    return lowest(found, self);
  }

  /**
   * The LAN prefix of a host other than {@code self} that overlaps {@code p}, the first in the
   * order of the hosts' numbers and then of their prefixes; empty when none does.
   */
  Optional<Lan> firstOverlap(IpPrefix p, UUID self) {
    // A prefix overlaps p when its network address lies in p, or when it contains p.
    Map<IpPrefix, Set<UUID>> hits = new HashMap<>();
    IpPrefix first = p.masked();
    IpPrefix last = new IpPrefix(first.last(), first.isV6() ? 128 : 32);
    lans.subMap(first, true, last, true).forEach(hits::put);
    for (int len = 0; len < p.length(); len++) {
      IpPrefix container = new IpPrefix(p.network(), len).masked();
      Set<UUID> owners = lans.get(container);
      if (owners != null) {
        hits.put(container, owners);
      }
    }
    Lan best = null;
    for (var hit : hits.entrySet()) {
      for (UUID u : hit.getValue()) {
        if (u.equals(self)) {
          continue;
        }
        HostEntry h = byUuid.get(u);
        Lan lan = new Lan(h, h.lanPrefixes().indexOf(hit.getKey()));
        if (best == null || lan.before(best)) {
          best = lan;
        }
      }
    }
    return Optional.ofNullable(best);
  }

  /** A LAN prefix of a host: its index among the host's prefixes. */
  record Lan(HostEntry host, int index) {
    IpPrefix prefix() {
      return host.lanPrefixes().get(index);
    }

    boolean before(Lan o) {
      return host.number() != o.host.number() ? host.number() < o.host.number() : index < o.index;
    }
  }

  /**
   * Whether putting {@code entry} in might break a rule of the whole site that {@link Admission}'s
   * own checks do not cover (a shared-LAN address or previous key of another host, the topology's
   * reach): then the caller builds the site to find out, with the site's own message.
   */
  boolean mayBreakSiteRules(HostEntry entry) {
    for (IpPrefix s : entry.sharedLans()) {
      if (heldByOther(sharedAddresses.get(s.network()), entry.uuid())) {
        return true;
      }
    }
    if (entry.keySwitch().isPresent()
        && heldByOther(keys.get(entry.keySwitch().get().from()), entry.uuid())) {
      return true;
    }
    HostEntry old = byUuid.get(entry.uuid());
    int publicAfter = publicHosts - (old != null && old.isPublic() ? 1 : 0) + publicOne(entry);
    int withoutV4After = publicWithoutV4 - (old != null ? withoutV4(old) : 0) + withoutV4(entry);
    // The topology's reach is sure when every public host has an IPv4 address (a family all
    // share) and, in a full mesh, some host is public; otherwise the site is built to find out.
    if (withoutV4After > 0) {
      return true;
    }
    Topology topology = site.settings().topology();
    if (topology instanceof Topology.HubAndSpoke hs) {
      return hs.hubs().contains(entry.number());
    }
    return publicAfter == 0;
  }

  private static int publicOne(HostEntry h) {
    return h.isPublic() ? 1 : 0;
  }

  private static int withoutV4(HostEntry h) {
    return h.isPublic() && h.endpoints().stream().allMatch(IpAddress::isV6) ? 1 : 0;
  }

  /** The site as it is now, validated (the {@link Site} constructor's checks). */
  Site toSite() {
    List<HostEntry> all = new ArrayList<>(byUuid.values());
    return new Site(
        site.settings(),
        all,
        site.keys(),
        asnRange,
        site.publishTarget(),
        site.ttl(),
        site.recordLifetime(),
        site.retired(),
        site.keyPolicy(),
        site.enrolment(),
        site.originalKey(),
        site.clients());
  }

  /**
   * The lowest host number neither in use nor retired.
   *
   * @throws ConflictException when every number is taken (or the port base leaves no room)
   */
  int nextNumber() {
    int max = Math.min(Addressing.MAX_HOST, 65535 - site.settings().portbase());
    numberCursor = usedNumbers.nextClearBit(numberCursor);
    if (numberCursor > max) {
      throw new ConflictException(
          "site " + site.settings().domain(),
          "no free host number left (1.."
              + max
              + " with portbase "
              + site.settings().portbase()
              + ")",
          "publish pending removals with 'wgpub' to free retired numbers, or lower 'portbase'");
    }
    return numberCursor;
  }

  /**
   * The lowest ASN of the range no host uses. When the range is the default 2-byte private range
   * and it is full, the range gains the 4-byte private range (the design's rule) and the note says
   * so; a range the operator chose is never widened.
   *
   * @param notes receives a line for the operator when the range was widened
   * @throws ConflictException when the range is exhausted
   */
  long nextAsn(List<String> notes) {
    long asn = asnRange.lowestFree(usedAsns, asnCursor);
    if (asn < 0 && asnRange.equals(AsnRange.parse(AsnRange.DEFAULT, "asn-range"))) {
      asnRange = asnRange.withFourBytePrivate();
      notes.add(
          "the 2-byte private AS numbers ("
              + AsnRange.DEFAULT
              + ") are all in use: asn-range becomes "
              + asnRange
              + " (hosts admitted before keep theirs)");
      asn = asnRange.lowestFree(usedAsns, asnCursor);
    }
    if (asn < 0) {
      throw new ConflictException(
          "site " + site.settings().domain(),
          "every AS number of asn-range " + asnRange + " is in use (" + asnRange.size() + " hosts)",
          "widen 'asn-range', e.g. add the 4-byte private range " + AsnRange.FOUR_BYTE_PRIVATE);
    }
    asnCursor = asn;
    return asn;
  }

  private Optional<HostEntry> lowest(Collection<UUID> uuids, UUID self) {
    HostEntry best = null;
    for (UUID u : uuids) {
      HostEntry h = byUuid.get(u);
      if (!u.equals(self) && (best == null || h.number() < best.number())) {
        best = h;
      }
    }
    return Optional.ofNullable(best);
  }

  private static boolean heldByOther(Set<UUID> holders, UUID self) {
    return holders != null && holders.stream().anyMatch(u -> !u.equals(self));
  }

  private void add(HostEntry h) {
    byUuid.put(h.uuid(), h);
    index(keys, h.publicKey(), h.uuid());
    h.keySwitch().ifPresent(ks -> index(keys, ks.from(), h.uuid()));
    index(names, h.hostname(), h.uuid());
    h.lanPrefixes().forEach(p -> index(lans, p, h.uuid()));
    h.sharedLans().forEach(p -> index(sharedAddresses, p.network(), h.uuid()));
    usedNumbers.set(h.number());
    usedAsns.add(h.asn());
    publicHosts += publicOne(h);
    publicWithoutV4 += withoutV4(h);
  }

  private void remove(HostEntry h) {
    byUuid.remove(h.uuid());
    unindex(keys, h.publicKey(), h.uuid());
    h.keySwitch().ifPresent(ks -> unindex(keys, ks.from(), h.uuid()));
    unindex(names, h.hostname(), h.uuid());
    h.lanPrefixes().forEach(p -> unindex(lans, p, h.uuid()));
    h.sharedLans().forEach(p -> unindex(sharedAddresses, p.network(), h.uuid()));
    usedNumbers.clear(h.number());
    usedAsns.remove(h.asn());
    publicHosts -= publicOne(h);
    publicWithoutV4 -= withoutV4(h);
  }

  private static <K> void index(Map<K, Set<UUID>> map, K key, UUID uuid) {
    map.computeIfAbsent(key, k -> new HashSet<>()).add(uuid);
  }

  private static <K> void unindex(Map<K, Set<UUID>> map, K key, UUID uuid) {
    Set<UUID> s = map.get(key);
    if (s != null && s.remove(uuid) && s.isEmpty()) {
      map.remove(key);
    }
  }
}
