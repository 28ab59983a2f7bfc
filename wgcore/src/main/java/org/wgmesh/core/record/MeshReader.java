package org.wgmesh.core.record;

import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.UUID;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.site.PublishableMesh;

/**
 * Endpoint side: reads the mesh from DNS and verifies all of it. Order: the mesh record (signed by
 * a trusted site key: the pinned one, or during a roll the next key a record signed by it announced
 * ({@link SeenSerials#trustedSiteKeys}); not expired, serial not below one seen), this host's key
 * record (found from its own public key), then every member's host record, read in parallel, each
 * signed by the site, encrypted under the current epoch, not expired and not older than seen.
 * Nothing is returned, and {@code seen} is not changed, unless every part verifies.
 */
public final class MeshReader {
  /**
   * No key record for a host that never read the mesh: not admitted yet, or admitted so recently
   * that a resolver still caches the earlier "no such name".
   */
  static final String NOT_MEMBER_HINT =
      "this host is not a member yet, or a DNS resolver still caches the answer from before its"
          + " admission (a cached 'no such name' lasts up to the zone's negative TTL, the SOA"
          + " minimum): retry after it or flush the resolver (docs/operator-guide.md, 'Resolvers and"
          + " caches'); if it persists, ask the admin to import your registration blob (wgsite -i)"
          + " and run wgpub";

  /** No key record for a host that has read the mesh before: removed, or its key was replaced. */
  static final String REMOVED_HINT =
      "this host read the mesh before: the site removed it or holds another key for it (a host key"
          + " rotation not yet published); ask the admin (wgsite --list); a resolver that still"
          + " caches 'no such name' for a new key record clears within the zone's negative TTL";

  /** How many host records are looked up at once unless told otherwise. */
  public static final int DEFAULT_PARALLELISM = 8;

  private final Clock clock;
  private final int parallelism;

  /** Reads with the system clock and up to {@link #DEFAULT_PARALLELISM} parallel lookups. */
  public MeshReader() {
    this(Clock.systemUTC(), DEFAULT_PARALLELISM);
  }

  /**
   * @param clock decides what has expired
   * @param parallelism the most host records looked up at once (at least 1)
   */
  public MeshReader(Clock clock, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.clock = clock;
    this.parallelism = parallelism;
  }

  /**
   * Reads and verifies the mesh at {@code domain}; on success raises {@code seen} to the serials
   * read.
   *
   * @param pinned the site's signing key, pinned at first contact or given out of band; after a
   *     site-key roll the key recorded in {@code seen} takes its place
   * @param hostKey this endpoint's WireGuard private key
   * @param seen the highest serials accepted before
   * @throws RecordException naming the record and field that failed (a missing record included;
   *     "not a member yet" comes with a hint)
   * @throws org.wgmesh.core.error.DnsException from {@code source}, unchanged
   */
  public MeshView read(
      DnsSource source,
      String domain,
      Ed25519PublicKey pinned,
      X25519PrivateKey hostKey,
      SeenSerials seen) {
    return read(source, domain, pinned, hostKey, Optional.empty(), seen);
  }

  /**
   * As {@link #read(DnsSource, String, Ed25519PublicKey, X25519PrivateKey, SeenSerials)} for an
   * endpoint that also holds an HPKE key: its key record (named by {@code hostKey}) opens with the
   * WireGuard key when the site sealed it to that (a site that does not know the HPKE key yet),
   * else with {@code hpkeKey}.
   *
   * @param hpkeKey this endpoint's HPKE private key, empty when it has none
   */
  public MeshView read(
      DnsSource source,
      String domain,
      Ed25519PublicKey pinned,
      X25519PrivateKey hostKey,
      Optional<X25519PrivateKey> hpkeKey,
      SeenSerials seen) {
    try {
      return verify(source, domain, pinned, hostKey, hpkeKey, seen);
    } catch (RecordException e) {
      if (e.hint().isPresent()) {
        throw e;
      }
      // Every refusal says what to do: a record that does not decode or verify is damaged,
      // altered, from another site or of a format this release does not read.
      throw new RecordException(e.what(), e.why(), DAMAGED_HINT, e);
    }
  }

  /** For a refusal that has no more specific remedy. */
  static final String DAMAGED_HINT =
      "nothing was changed; the record is not as this site published it (damaged or altered on"
          + " the way, another site's, or newer than this release reads): ask the admin to run"
          + " wgpub --verify, which reads the publication back, and wgpub to write it again";

  private MeshView verify(
      DnsSource source,
      String domain,
      Ed25519PublicKey pinned,
      X25519PrivateKey hostKey,
      Optional<X25519PrivateKey> hpkeKey,
      SeenSerials seen) {
    String d = TxtRecordSet.normalize(domain);
    Instant now = clock.instant();
    TxtRecordSet meshSet =
        require(
            source,
            d,
            "no mesh record (TXT) at this name",
            "check the domain, or run wgpub on the site; a resolver that cached 'no such name'"
                + " before the first publication answers so for up to the zone's negative TTL"
                + " (the SOA minimum): retry after it or flush the resolver");
    MeshRecord mesh = MeshRecord.decodeTrusted(meshSet, seen.trustedSiteKeys(pinned), d, now);
    seen.checkMesh(d, mesh.serial());

    X25519PublicKey self = hostKey.publicKey();
    String keyName = RecordNames.keyRecordName(d, self);
    KeyRecord key =
        KeyRecord.decode(
            require(
                source,
                keyName,
                "no key record for this host's public key",
                seen.readAsMember() ? REMOVED_HINT : NOT_MEMBER_HINT),
            hostKey,
            hpkeKey,
            mesh.siteBoxKey(),
            d);
    if (key.groupKey().epoch() != mesh.epoch()) {
      throw new RecordException(
          keyName,
          "field 'groupKey.epoch': group key of epoch "
              + key.groupKey().epoch()
              + ", mesh record is at epoch "
              + mesh.epoch(),
          (key.groupKey().epoch() < mesh.epoch()
                  ? "the key record is of an earlier group-key epoch: a DNS cache still holds it"
                      + " (or the site removed this host: then no key record of the new epoch"
                      + " comes)"
                  : "the mesh record is older than the key record: a DNS cache still holds it")
              + "; "
              + retry(meshSet.ttl()));
    }
    if (!mesh.members().contains(key.hostNumber())) {
      throw new RecordException(
          d,
          "field 'members': this host (number " + key.hostNumber() + ") is not listed",
          "the site admitted this host (its key record is published), but the mesh record read is"
              + " older (serial "
              + mesh.serial()
              + ", issued "
              + mesh.issued()
              + "): a DNS cache still holds it, e.g. from wgconfig's read before the admission; "
              + retry(meshSet.ttl()));
    }

    Map<Integer, HostRead> records = readHosts(source, d, mesh, key.groupKey(), now);
    Optional<HostEntry> selfEntry = Optional.empty();
    List<HostEntry> peers = new ArrayList<>();
    Set<UUID> uuids = new HashSet<>();
    Set<X25519PublicKey> keys = new HashSet<>();
    Map<Integer, Long> serials = new TreeMap<>();
    for (HostRead read : records.values()) {
      HostRecord r = read.record();
      String name = RecordNames.hostRecordName(d, r.entry().number());
      if (r.serial() < seen.host(r.entry().number())) {
        throw new RecordException(
            name,
            "field 'serial': serial "
                + r.serial()
                + " is older than "
                + seen.host(r.entry().number())
                + " already seen",
            "a DNS cache still holds an earlier record (or it was replayed): " + retry(read.ttl()));
      }
      if (!uuids.add(r.entry().uuid()) || !keys.add(r.entry().publicKey())) {
        throw new RecordException(
            name, "field 'entry': uuid or WireGuard key of another member", mixHint(records));
      }
      serials.put(r.entry().number(), r.serial());
      if (r.entry().number() == key.hostNumber()) {
        if (!r.entry().publicKey().equals(self)) {
          throw new RecordException(
              name,
              "field 'entry.publicKey': the record for this host's number carries another WireGuard key",
              "the host key changed since registration: register again (wghost) and have the admin import it");
        }
        selfEntry = Optional.of(r.entry());
      } else {
        peers.add(r.entry());
      }
    }
    checkPublishable(d, mesh, records);
    ClientsRead clients = readClients(source, d, mesh, key.groupKey(), now, seen, records);
    seen.accept(mesh.serial(), mesh.issued(), serials);
    seen.acceptClients(clients.serials());
    // Site-key roll: the key that signed this record is now the current one (a record signed by
    // the announced next key drops the old key), and what it announces the next one.
    seen.acceptSiteKeys(mesh.siteSigningKey(), mesh.nextSigningKey(), mesh.siteBoxKey());
    return new MeshView(
        mesh.settings(),
        mesh.serial(),
        mesh.issued(),
        mesh.expires(),
        mesh.siteSigningKey(),
        mesh.siteBoxKey(),
        // present: this host is listed (checked above) and every listed member's record was read
        selfEntry.orElseThrow(),
        peers,
        clients.entries());
  }

  /** The verified clients, and their records' serials (for {@link SeenSerials}). */
  private record ClientsRead(List<ClientEntry> entries, Map<Integer, Long> serials) {}

  /**
   * Reads and verifies every client record the mesh record lists (issue 25), as host records are
   * verified: signed by the site, of the mesh's epoch, not expired, not older than seen; and
   * checked against the members read (attached hosts listed, no name or key of a host, no client
   * twice), since a mix of two publications could otherwise pass.
   */
  private ClientsRead readClients(
      DnsSource source,
      String domain,
      MeshRecord mesh,
      GroupKey groupKey,
      Instant now,
      SeenSerials seen,
      Map<Integer, HostRead> hosts) {
    Map<Integer, Long> serials = new TreeMap<>();
    if (mesh.clients().isEmpty()) {
      return new ClientsRead(List.of(), serials);
    }
    List<ClientRead> read =
        ParallelLookups.map(
            List.copyOf(mesh.clients()),
            parallelism,
            n ->
                readClient(
                    source,
                    RecordNames.clientRecordName(domain, n),
                    n,
                    mesh,
                    groupKey,
                    domain,
                    now));
    Set<String> hostNames = new HashSet<>();
    Set<X25519PublicKey> keys = new HashSet<>();
    for (HostRead h : hosts.values()) {
      hostNames.add(h.record().entry().hostname());
      keys.add(h.record().entry().publicKey());
    }
    Set<String> names = new HashSet<>();
    List<ClientEntry> out = new ArrayList<>();
    for (ClientRead r : read) {
      ClientEntry c = r.record().entry();
      String name = RecordNames.clientRecordName(domain, c.number());
      if (r.record().serial() < seen.client(c.number())) {
        throw new RecordException(
            name,
            "field 'serial': serial "
                + r.record().serial()
                + " is older than "
                + seen.client(c.number())
                + " already seen",
            "a DNS cache still holds an earlier record (or it was replayed): " + retry(r.ttl()));
      }
      for (int n : c.attachedTo()) {
        if (!mesh.members().contains(n)) {
          throw new RecordException(
              name, "field 'entry.attachedTo': host " + n + " is not a member", mixHint(hosts));
        }
      }
      if (hostNames.contains(c.name()) || !names.add(c.name()) || !keys.add(c.publicKey())) {
        throw new RecordException(
            name,
            "field 'entry': name or WireGuard key of a host or another client",
            mixHint(hosts));
      }
      serials.put(c.number(), r.record().serial());
      out.add(c);
    }
    return new ClientsRead(out, serials);
  }

  /** A verified client record and the TTL its RRset was served with. */
  private record ClientRead(ClientRecord record, int ttl) {}

  private static ClientRead readClient(
      DnsSource source,
      String name,
      int number,
      MeshRecord mesh,
      GroupKey groupKey,
      String domain,
      Instant now) {
    TxtRecordSet rrset =
        requireExact(
            source,
            name,
            "no client record for client " + number,
            "the mesh record lists it: a DNS resolver may still cache 'no such name' from before"
                + " the client was added: retry after the zone's negative TTL or flush the"
                + " resolver; if it persists, run wgpub on the site");
    return new ClientRead(
        ClientRecord.decode(rrset, mesh.siteSigningKey(), groupKey, domain, now), rrset.ttl());
  }

  /** A verified host record and the TTL its RRset was served with (what a cache has left). */
  private record HostRead(HostRecord record, int ttl) {}

  /**
   * Refuses a view the site could not have published: host records of two publications of one
   * group-key epoch, mixed by a resolver cache (each verifies on its own). Checked with the site's
   * own rules ({@link PublishableMesh}) before anything is accepted.
   */
  private static void checkPublishable(
      String domain, MeshRecord mesh, Map<Integer, HostRead> read) {
    List<HostEntry> hosts = read.values().stream().map(r -> r.record().entry()).toList();
    Optional<String> problem =
        PublishableMesh.problem(mesh.settings(), hosts, path -> where(domain, hosts, path));
    if (problem.isPresent()) {
      throw new RecordException(
          domain,
          "the records read do not form one publication of the site: " + problem.get(),
          mixHint(read));
    }
  }

  /** Names a property of the site's rules as the record that carries it. */
  private static String where(String domain, List<HostEntry> hosts, String path) {
    if (path.startsWith("hosts[")) {
      int close = path.indexOf(']');
      int index = Integer.parseInt(path.substring("hosts[".length(), close));
      String field = path.substring(Math.min(close + 2, path.length()));
      String name = RecordNames.hostRecordName(domain, hosts.get(index).number());
      return field.isEmpty() ? "record " + name : "record " + name + " field '" + field + "'";
    }
    if (path.startsWith("topology")) {
      return "mesh record field 'topology'";
    }
    return "the host records";
  }

  private static String mixHint(Map<Integer, HostRead> read) {
    int ttl = read.values().stream().mapToInt(HostRead::ttl).max().orElse(0);
    return "a DNS cache holds records of two publications (it refreshed some, not all): nothing was"
        + " changed; "
        + retry(ttl);
  }

  /**
   * When a stale cached record is gone: after the TTL the resolver served it with (what it has
   * left), or at once after a flush.
   */
  static String retry(int ttlSeconds) {
    return "retry in "
        + ttlSeconds
        + " s (the records' remaining TTL), or flush the resolver's cache of the domain"
        + " (docs/operator-guide.md, 'Resolvers and caches')";
  }

  private Map<Integer, HostRead> readHosts(
      DnsSource source, String domain, MeshRecord mesh, GroupKey groupKey, Instant now) {
    List<HostRead> read =
        ParallelLookups.map(
            List.copyOf(mesh.members()),
            parallelism,
            n ->
                readHost(
                    source, RecordNames.hostRecordName(domain, n), n, mesh, groupKey, domain, now));
    Map<Integer, HostRead> out = new TreeMap<>();
    read.forEach(r -> out.put(r.record().entry().number(), r));
    return out;
  }

  private static HostRead readHost(
      DnsSource source,
      String name,
      int number,
      MeshRecord mesh,
      GroupKey groupKey,
      String domain,
      Instant now) {
    TxtRecordSet rrset =
        requireExact(
            source,
            name,
            "no host record for member " + number,
            "the mesh record lists it: a DNS resolver may still cache 'no such name' from before"
                + " the host was admitted (up to the zone's negative TTL, the SOA minimum): retry"
                + " after it or flush the resolver; if it persists, run wgpub on the site");
    return new HostRead(
        HostRecord.decode(rrset, mesh.siteSigningKey(), groupKey, domain, now), rrset.ttl());
  }

  private static TxtRecordSet require(DnsSource source, String name, String why, String hint) {
    return source.lookup(name).orElseThrow(() -> new RecordException(name, why, hint));
  }

  /** As {@link #require}, and the answer must be for that very name (a member's record). */
  private static TxtRecordSet requireExact(DnsSource source, String name, String why, String hint) {
    TxtRecordSet rrset = require(source, name, why, hint);
    if (!rrset.name().equals(name)) {
      throw new RecordException(name, "field 'name': the DNS source answered for " + rrset.name());
    }
    return rrset;
  }
}
