package org.wgmesh.core.record;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Random;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.UUID;
import java.util.function.Supplier;
import org.wgmesh.core.crypto.Aead;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.exec.CpuWork;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.record.PublicationState.Member;

/**
 * Site side: works out which RRsets a publication must write and delete. Pure apart from the
 * randomness of new keys and nonces: it reads nothing and writes nothing.
 *
 * <p>Guarantees:
 *
 * <ul>
 *   <li>Idempotent: a published record that decodes to the wanted content and epoch, has the wanted
 *       TTL and does not expire within the renew window is kept byte for byte, so planning again
 *       right after applying a plan gives an empty plan.
 *   <li>Serials come from one counter that only grows (the state's, raised above every serial still
 *       published), so the mesh serial grows only when the mesh record is rewritten.
 *   <li>A member that left (uuid gone or its key changed; its HPKE key, to which its key record is
 *       sealed, counts as a key) starts a new group-key epoch: every host and key record is
 *       rewritten. So does a group key older than {@link #withGroupKeyMaxAge the maximum age}, when
 *       one is set. A join writes exactly its host record, its key record and the mesh record.
 *   <li>Only names that are ours ({@link RecordNames#isOurs}) are ever deleted.
 * </ul>
 */
public final class PublicationPlanner {
  private final SiteKeys keys;
  private final Ed25519PublicKey sitePublic;
  private final X25519PublicKey siteBoxPublic;
  private final int ttl;
  private final Duration lifetime;
  private final Duration renewBefore;
  private final Random random;
  private final Optional<Duration> groupKeyMaxAge;
  private final Optional<Ed25519PublicKey> nextSigningKey;
  private final Optional<X25519PublicKey> nextBoxKey;
  private final Duration keySwitchDelay;

  /** The key-switch delay when the caller sets none (the site file's default). */
  public static final Duration DEFAULT_KEY_SWITCH_DELAY = Duration.ofMinutes(15);

  /**
   * @param keys the site keys that sign and seal
   * @param ttl TTL of every RRset, seconds
   * @param lifetime how long a new record is valid
   * @param renewBefore records expiring within this window of {@code now} are re-signed
   * @throws IllegalArgumentException when the durations are not positive or the window is not
   *     shorter than the lifetime
   */
  public PublicationPlanner(SiteKeys keys, int ttl, Duration lifetime, Duration renewBefore) {
    this(keys, ttl, lifetime, renewBefore, new SecureRandom());
  }

  /** With the randomness (group keys, nonces, HPKE ephemeral keys) from {@code random}: tests. */
  PublicationPlanner(
      SiteKeys keys, int ttl, Duration lifetime, Duration renewBefore, Random random) {
    this(
        keys,
        ttl,
        lifetime,
        renewBefore,
        random,
        Optional.empty(),
        Optional.empty(),
        Optional.empty(),
        DEFAULT_KEY_SWITCH_DELAY);
  }

  private PublicationPlanner(
      SiteKeys keys,
      int ttl,
      Duration lifetime,
      Duration renewBefore,
      Random random,
      Optional<Duration> groupKeyMaxAge,
      Optional<Ed25519PublicKey> nextSigningKey,
      Optional<X25519PublicKey> nextBoxKey,
      Duration keySwitchDelay) {
    this.keys = Objects.requireNonNull(keys, "keys");
    this.sitePublic = keys.signing().publicKey();
    this.siteBoxPublic = keys.box().publicKey();
    if (ttl < 0
        || lifetime.isNegative()
        || lifetime.isZero()
        || renewBefore.isNegative()
        || renewBefore.compareTo(lifetime) >= 0) {
      throw new IllegalArgumentException("need ttl >= 0 and 0 <= renewBefore < lifetime");
    }
    this.ttl = ttl;
    this.lifetime = lifetime;
    this.renewBefore = renewBefore;
    this.random = random;
    if (groupKeyMaxAge.filter(a -> a.isNegative() || a.isZero()).isPresent()) {
      throw new IllegalArgumentException("maxAge must be positive");
    }
    this.groupKeyMaxAge = groupKeyMaxAge;
    if (nextSigningKey.filter(sitePublic::equals).isPresent()) {
      throw new IllegalArgumentException("the next signing key is the current one");
    }
    this.nextSigningKey = nextSigningKey;
    if (nextBoxKey.filter(siteBoxPublic::equals).isPresent()) {
      throw new IllegalArgumentException("the next box key is the current one");
    }
    this.nextBoxKey = nextBoxKey;
    if (keySwitchDelay.isNegative() || keySwitchDelay.isZero()) {
      throw new IllegalArgumentException("keySwitchDelay must be positive");
    }
    this.keySwitchDelay = keySwitchDelay;
  }

  /**
   * This planner also starting a new group-key epoch whenever the current one is at least {@code
   * maxAge} old (site file {@code group-key-max-age}); a state that does not say when its key was
   * made starts the clock at the next plan instead of rotating.
   *
   * @param maxAge positive; empty for no schedule (only removals rotate)
   * @throws IllegalArgumentException when {@code maxAge} is not positive
   */
  public PublicationPlanner withGroupKeyMaxAge(Optional<Duration> maxAge) {
    return new PublicationPlanner(
        keys,
        ttl,
        lifetime,
        renewBefore,
        random,
        maxAge,
        nextSigningKey,
        nextBoxKey,
        keySwitchDelay);
  }

  /**
   * This planner giving the peers {@code delay} to read a host's new key before the switch (site
   * file {@code key-switch-delay}): a switch published first at {@code now} is at {@code now +
   * delay} at the earliest ({@link KeySwitchTimes}).
   *
   * @param delay positive
   */
  public PublicationPlanner withKeySwitchDelay(Duration delay) {
    return new PublicationPlanner(
        keys,
        ttl,
        lifetime,
        renewBefore,
        random,
        groupKeyMaxAge,
        nextSigningKey,
        nextBoxKey,
        delay);
  }

  /**
   * This planner announcing {@code next} in the mesh record: a site-key roll's overlap (the records
   * are still signed by the current key, which endpoints trust, so they pin {@code next} as well).
   * When the overlap is over, the caller plans with the next key as {@code keys.signing()} and no
   * announcement: every record signed by the old key then fails to verify and is re-signed.
   *
   * @param next the next signing key
   */
  public PublicationPlanner withNextSigningKey(Ed25519PublicKey next) {
    return withNextKeys(Optional.of(next), Optional.empty());
  }

  /**
   * {@link #withNextSigningKey} also announcing the next box key (the HPKE key that seals key
   * records and opens registration blobs after the switch; a new box key reseals every key record).
   *
   * @param next the next signing key; empty outside a roll
   * @param nextBox the next box key; empty when it does not change
   */
  public PublicationPlanner withNextKeys(
      Optional<Ed25519PublicKey> next, Optional<X25519PublicKey> nextBox) {
    return new PublicationPlanner(
        keys, ttl, lifetime, renewBefore, random, groupKeyMaxAge, next, nextBox, keySwitchDelay);
  }

  /**
   * Plans a publication.
   *
   * @param settings the mesh settings (its domain names every record)
   * @param hosts every member
   * @param state what the previous run stored ({@link PublicationState#empty()} the first time)
   * @param published the TXT RRsets the target holds now (any names; only ours are considered)
   * @param now the current time
   * @throws ConfigException when hosts share a number, uuid or key, or a number is out of range
   */
  public PublicationPlan plan(
      MeshSettings settings,
      List<HostEntry> hosts,
      PublicationState state,
      Map<String, TxtRecordSet> published,
      Instant now) {
    return plan(settings, hosts, List.of(), state, published, now);
  }

  /**
   * Plans a publication of a mesh with clients (issue 25): as {@link #plan(MeshSettings, List,
   * PublicationState, Map, Instant)}, plus one client record per client at {@code
   * c<number>.<domain>} (kept byte for byte while it says the same and is not due for renewal) and
   * the client numbers in the mesh record. A removed client's record is deleted. Clients hold no
   * group key, so adding or removing one never starts a new epoch. Without clients the plan is
   * exactly the one without them.
   *
   * @param clients every client, its attached hosts among {@code hosts}
   * @throws ConfigException also when clients share a number, or attach to a host not listed
   */
  public PublicationPlan plan(
      MeshSettings settings,
      List<HostEntry> hosts,
      List<ClientEntry> clients,
      PublicationState state,
      Map<String, TxtRecordSet> published,
      Instant now) {
    String domain = TxtRecordSet.normalize(settings.domain());
    checkSettings(domain, settings);
    checkHosts(domain, hosts);
    checkClients(domain, hosts, clients);
    // A host key switch is published with its switch time (issue 12), or settled once it is due.
    Map<UUID, PublicationState.Switch> switches = new TreeMap<>();
    List<HostEntry> resolved = new ArrayList<>();
    for (HostEntry h : hosts) {
      KeySwitchTimes.Published p = KeySwitchTimes.resolve(h, state, now, keySwitchDelay);
      resolved.add(p.entry());
      p.line().ifPresent(line -> switches.put(h.uuid(), line));
    }
    Map<String, TxtRecordSet> ours = new TreeMap<>();
    for (TxtRecordSet rrset : published.values()) {
      if (RecordNames.isOurs(rrset.name(), domain)) {
        ours.put(rrset.name(), rrset);
      }
    }
    Instant renewLimit = now.plus(renewBefore);

    Optional<MeshRecord> publishedMesh =
        Optional.ofNullable(ours.get(domain))
            .flatMap(rrset -> tryDecodeMesh(rrset, sitePublic, domain, now));
    long counter = state.lastSerial();
    long highestEpoch = state.groupKey().map(GroupKey::epoch).orElse(-1L);
    if (publishedMesh.isPresent()) {
      counter = Math.max(counter, publishedMesh.get().serial());
      highestEpoch = Math.max(highestEpoch, publishedMesh.get().epoch());
    }
    // Each published host record's signature is verified once, here; deciding below whether a
    // record can stay reuses the verified header (at 1000 hosts, verifying was a quarter of a run).
    // Verifying is Ed25519 per record, done side by side (issue 21: half of a publication with
    // nothing to write at 10,000 hosts).
    List<TxtRecordSet> oursList = new ArrayList<>(ours.values());
    List<Optional<HostRecord.Header>> headers =
        CpuWork.map(
            oursList,
            rrset ->
                tryHeader(rrset, sitePublic, domain)
                    .or(() -> tryClientHeader(rrset, sitePublic, domain)));
    Map<String, HostRecord.Header> verified = new HashMap<>();
    for (int i = 0; i < oursList.size(); i++) {
      if (headers.get(i).isPresent()) {
        HostRecord.Header h = headers.get(i).get();
        verified.put(oursList.get(i).name(), h);
        counter = Math.max(counter, h.serial());
        highestEpoch = Math.max(highestEpoch, h.epoch());
      }
    }

    Map<UUID, Member> members = new TreeMap<>();
    for (HostEntry h : hosts) {
      members.put(h.uuid(), new Member(h.number(), h.publicKey(), h.hpkePublic()));
    }
    boolean someoneLeft =
        state.members().entrySet().stream()
            .anyMatch(
                e ->
                    members.get(e.getKey()) == null
                        || !members.get(e.getKey()).publicKey().equals(e.getValue().publicKey())
                        // a new HPKE key counts as a key change: the old one may be why
                        || !members.get(e.getKey()).sealingKey().equals(e.getValue().sealingKey()));
    boolean tooOld =
        groupKeyMaxAge.isPresent()
            && state.groupKeySince().isPresent()
            && !now.isBefore(state.groupKeySince().get().plus(groupKeyMaxAge.get()));
    boolean rotate = state.groupKey().isEmpty() || someoneLeft || tooOld;
    GroupKey groupKey =
        rotate ? GroupKey.generate(highestEpoch + 1, random) : state.groupKey().get();
    Instant groupKeySince = rotate ? now : state.groupKeySince().orElse(now);

    // Key records cannot be opened here; they are only trusted while the published mesh record
    // shows they were sealed with the current box key (a rotated site box key reseals them all).
    boolean keyRecordsFromThisBoxKey =
        publishedMesh.filter(m -> m.siteBoxKey().equals(siteBoxPublic)).isPresent();
    List<HostEntry> byNumber = new ArrayList<>(resolved);
    byNumber.sort(Comparator.comparingInt(HostEntry::number));
    // Whether each published host record can stay (it decrypts the record): side by side too.
    List<Boolean> stillGood =
        CpuWork.map(
            byNumber,
            host -> {
              String name = RecordNames.hostRecordName(domain, host.number());
              TxtRecordSet current = ours.get(name);
              return current != null
                  && hostRecordStillGood(
                      current,
                      Optional.ofNullable(verified.get(name)),
                      host,
                      groupKey,
                      domain,
                      now,
                      renewLimit);
            });
    // The records to write are sealed and signed side by side (issue 21: three quarters of a first
    // publication of 10,000 hosts). Serials and random bytes are drawn here, one host after the
    // other in the order they always were, so a seeded random still gives the same records.
    List<Supplier<TxtRecordSet>> encodings = new ArrayList<>();
    for (int i = 0; i < byNumber.size(); i++) {
      HostEntry host = byNumber.get(i);
      String name = RecordNames.hostRecordName(domain, host.number());
      if (stillGood.get(i)) {
        TxtRecordSet current = ours.get(name);
        encodings.add(() -> current);
      } else {
        HostRecord record =
            new HostRecord(host, ++counter, now, now.plus(lifetime), groupKey.epoch());
        byte[] nonce = new byte[Aead.NONCE_LENGTH];
        random.nextBytes(nonce);
        encodings.add(() -> record.encode(domain, groupKey, keys.signing(), ttl, nonce));
      }

      String keyName = RecordNames.keyRecordName(domain, host.publicKey());
      TxtRecordSet currentKey = ours.get(keyName);
      Member before = state.members().get(host.uuid());
      boolean keep =
          !rotate
              && keyRecordsFromThisBoxKey
              && currentKey != null
              && currentKey.ttl() == ttl
              && members.get(host.uuid()).equals(before)
              && looksLikeKeyRecord(currentKey);
      if (keep) {
        encodings.add(() -> currentKey);
      } else {
        byte[] ephemeral = new byte[32];
        random.nextBytes(ephemeral);
        encodings.add(() -> sealKey(host, groupKey, domain, ephemeral));
      }
    }
    // Client records after every host's (issue 25), so a mesh without clients draws the same
    // serials and random bytes as before.
    List<ClientEntry> clientsByNumber = new ArrayList<>(clients);
    clientsByNumber.sort(Comparator.comparingInt(ClientEntry::number));
    for (ClientEntry client : clientsByNumber) {
      String name = RecordNames.clientRecordName(domain, client.number());
      TxtRecordSet current = ours.get(name);
      if (current != null
          && clientRecordStillGood(
              current,
              Optional.ofNullable(verified.get(name)),
              client,
              groupKey,
              domain,
              renewLimit)) {
        encodings.add(() -> current);
      } else {
        ClientRecord record =
            new ClientRecord(client, ++counter, now, now.plus(lifetime), groupKey.epoch());
        byte[] nonce = new byte[Aead.NONCE_LENGTH];
        random.nextBytes(nonce);
        encodings.add(() -> record.encode(domain, groupKey, keys.signing(), ttl, nonce));
      }
    }
    List<TxtRecordSet> desired = new ArrayList<>(CpuWork.map(encodings, Supplier::get));
    List<TxtRecordSet> upserts = new ArrayList<>();
    for (TxtRecordSet rrset : desired) {
      if (rrset != ours.get(rrset.name())) {
        upserts.add(rrset);
      }
    }

    TreeSet<Integer> numbers = new TreeSet<>();
    hosts.forEach(h -> numbers.add(h.number()));
    TreeSet<Integer> clientNumbers = new TreeSet<>();
    clients.forEach(c -> clientNumbers.add(c.number()));
    Optional<TxtRecordSet> meshRrset = Optional.empty();
    boolean keepMesh =
        publishedMesh.isPresent()
            && ours.get(domain).ttl() == ttl
            && meshStillGood(
                publishedMesh.get(), withDomain(settings, domain), numbers, groupKey, renewLimit)
            && publishedMesh.get().clients().equals(clientNumbers);
    if (keepMesh) {
      desired.add(ours.get(domain));
    } else {
      MeshRecord mesh =
          MeshRecord.builder()
              .settings(withDomain(settings, domain))
              .siteSigningKey(sitePublic)
              .siteBoxKey(siteBoxPublic)
              .serial(++counter)
              .issued(now)
              .expires(now.plus(lifetime))
              .members(numbers)
              .epoch(groupKey.epoch())
              .nextSigningKey(nextSigningKey)
              .nextBoxKey(nextBoxKey)
              .clients(clientNumbers)
              .build();
      TxtRecordSet encoded = mesh.encode(keys.signing(), ttl);
      meshRrset = Optional.of(encoded);
      desired.add(encoded);
    }

    Set<String> desiredNames = new HashSet<>();
    desired.forEach(r -> desiredNames.add(r.name()));
    List<String> deletes = new ArrayList<>();
    for (String name : ours.keySet()) {
      if (!desiredNames.contains(name)) {
        deletes.add(name);
      }
    }
    upserts.sort(Comparator.comparing(TxtRecordSet::name));
    desired.sort(Comparator.comparing(TxtRecordSet::name));
    return new PublicationPlan(
        upserts,
        meshRrset,
        deletes,
        desired,
        new PublicationState(
            counter, Optional.of(groupKey), members, Optional.of(groupKeySince), switches));
  }

  private TxtRecordSet sealKey(HostEntry host, GroupKey groupKey, String domain, byte[] ephemeral) {
    try {
      return new KeyRecord(host.number(), groupKey)
          .encode(
              keys.box(),
              host.publicKey(),
              host.sealingKey(),
              domain,
              ttl,
              new X25519PrivateKey(ephemeral));
    } catch (IllegalArgumentException e) {
      throw new ConfigException(
          "host " + host.hostname() + " (" + host.uuid() + ")",
          "its "
              + (host.hpkePublic().isPresent() ? "HPKE" : "WireGuard")
              + " public key is not usable ("
              + e.getMessage()
              + ")",
          "remove the host and import a fresh registration",
          e);
    }
  }

  /** Whether the published mesh record says what a new one would and is not due for renewal. */
  private boolean meshStillGood(
      MeshRecord published,
      MeshSettings settings,
      Set<Integer> members,
      GroupKey groupKey,
      Instant renewLimit) {
    return published.settings().equals(settings)
        && published.siteBoxKey().equals(siteBoxPublic)
        && published.members().equals(members)
        && published.epoch() == groupKey.epoch()
        && published.nextSigningKey().equals(nextSigningKey)
        && published.nextBoxKey().equals(nextBoxKey)
        && published.expires().isAfter(renewLimit);
  }

  /** Whether the published record (its verified header, if it verified) can stay. */
  private boolean hostRecordStillGood(
      TxtRecordSet current,
      Optional<HostRecord.Header> header,
      HostEntry host,
      GroupKey groupKey,
      String domain,
      Instant now,
      Instant renewLimit) {
    if (current.ttl() != ttl || header.isEmpty()) {
      return false;
    }
    try {
      HostRecord r = HostRecord.open(header.get(), groupKey, domain, now);
      return r.entry().equals(host.published())
          && r.epoch() == groupKey.epoch()
          && r.expires().isAfter(renewLimit);
    } catch (RecordException e) {
      return false;
    }
  }

  /** Whether the published client record (its verified header, if it verified) can stay. */
  private boolean clientRecordStillGood(
      TxtRecordSet current,
      Optional<HostRecord.Header> header,
      ClientEntry client,
      GroupKey groupKey,
      String domain,
      Instant renewLimit) {
    if (current.ttl() != ttl || header.isEmpty()) {
      return false;
    }
    try {
      ClientRecord r = ClientRecord.decrypt(header.get(), groupKey, domain);
      return r.entry().equals(client) && r.expires().isAfter(renewLimit);
    } catch (RecordException e) {
      return false;
    }
  }

  /** The verified header of a client record; empty for other names and records that fail. */
  private static Optional<HostRecord.Header> tryClientHeader(
      TxtRecordSet rrset, Ed25519PublicKey site, String domain) {
    if (RecordNames.clientNumberOf(rrset.name(), domain) < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(ClientRecord.header(rrset, site, domain));
    } catch (RecordException e) {
      return Optional.empty();
    }
  }

  private static void checkClients(
      String domain, List<HostEntry> hosts, List<ClientEntry> clients) {
    Set<Integer> hostNumbers = new HashSet<>();
    hosts.forEach(h -> hostNumbers.add(h.number()));
    Set<Integer> numbers = new HashSet<>();
    for (ClientEntry c : clients) {
      String what = domain + ": client " + c.name();
      if (!numbers.add(c.number())) {
        throw new ConfigException(what, "client number " + c.number() + " is used twice");
      }
      for (int n : c.attachedTo()) {
        if (!hostNumbers.contains(n)) {
          throw new ConfigException(what, "attaches to host " + n + ", which is not a member");
        }
      }
    }
  }

  /** The published mesh record, if it verifies and has not expired. */
  private static Optional<MeshRecord> tryDecodeMesh(
      TxtRecordSet rrset, Ed25519PublicKey site, String domain, Instant now) {
    try {
      return Optional.of(MeshRecord.decode(rrset, site, domain, now));
    } catch (RecordException e) {
      return Optional.empty();
    }
  }

  /** The verified header of a host record; empty for other names and records that fail. */
  private static Optional<HostRecord.Header> tryHeader(
      TxtRecordSet rrset, Ed25519PublicKey site, String domain) {
    if (RecordNames.hostNumberOf(rrset.name(), domain) < 0) {
      return Optional.empty();
    }
    try {
      return Optional.of(HostRecord.header(rrset, site, domain));
    } catch (RecordException e) {
      return Optional.empty();
    }
  }

  /** The site cannot open a key record (only its host can): it checks the outer layer only. */
  private static boolean looksLikeKeyRecord(TxtRecordSet rrset) {
    try {
      KeyRecord.checkSealed(rrset);
      return true;
    } catch (RecordException e) {
      return false;
    }
  }

  private static MeshSettings withDomain(MeshSettings s, String domain) {
    return new MeshSettings(
        domain,
        s.locus(),
        s.tunnelPrefix(),
        s.portbase(),
        s.allowedLanPrefixes(),
        s.topology(),
        s.links(),
        s.overlay());
  }

  private static void checkSettings(String domain, MeshSettings s) {
    if (domain.getBytes(StandardCharsets.UTF_8).length > 253
        || s.locus().getBytes(StandardCharsets.UTF_8).length > 255
        || s.allowedLanPrefixes().size() > 255
        || s.portbase() < 0
        || s.portbase() > 65535) {
      throw new ConfigException(
          domain,
          "mesh settings out of range (domain or locus too long, over 255 LAN prefixes, or portbase outside 0..65535)");
    }
  }

  private static void checkHosts(String domain, List<HostEntry> hosts) {
    Map<Integer, HostEntry> numbers = new HashMap<>();
    Set<UUID> uuids = new HashSet<>();
    Set<X25519PublicKey> keys = new HashSet<>();
    for (HostEntry h : hosts) {
      String what = domain + ": host " + h.hostname() + " (" + h.uuid() + ")";
      if (h.number() < 1 || h.number() > 65535) {
        throw new ConfigException(what, "host number " + h.number() + " is outside 1..65535");
      }
      if (h.asn() < 0 || h.asn() > 0xffff_ffffL) {
        throw new ConfigException(what, "ASN " + h.asn() + " is outside 0..4294967295");
      }
      if (h.hostname().getBytes(StandardCharsets.UTF_8).length > 255
          || h.endpoints().size() > 255
          || h.lanPrefixes().size() > 255) {
        throw new ConfigException(
            what, "hostname over 255 bytes, or over 255 endpoints or LAN prefixes");
      }
      if (numbers.put(h.number(), h) != null) {
        throw new ConfigException(what, "host number " + h.number() + " is used twice");
      }
      if (!uuids.add(h.uuid())) {
        throw new ConfigException(what, "uuid is used twice");
      }
      if (!keys.add(h.publicKey())) {
        throw new ConfigException(
            what, "WireGuard public key " + h.publicKey().fingerprint() + " is used twice");
      }
    }
    // A previous key is in use until its switch: no other member may have it.
    for (HostEntry h : hosts) {
      Optional<X25519PublicKey> previous = h.keySwitch().map(KeySwitch::from);
      if (previous.isPresent() && !keys.add(previous.get())) {
        throw new ConfigException(
            domain + ": host " + h.hostname() + " (" + h.uuid() + ")",
            "previous WireGuard key "
                + previous.get().fingerprint()
                + " is also another member's key");
      }
    }
  }
}
