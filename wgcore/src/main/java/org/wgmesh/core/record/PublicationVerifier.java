package org.wgmesh.core.record;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.SortedSet;
import java.util.TreeMap;
import java.util.TreeSet;
import java.util.function.Function;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.record.PublicationReport.Expiry;
import org.wgmesh.core.record.PublicationReport.Problem;

/**
 * Site side: the publish self-check ({@code wgpub --verify}). Reads a published mesh from a {@link
 * DnsSource} (what endpoints read) and verifies every record with the same decoders as {@link
 * MeshReader}, but collects every problem instead of stopping at the first:
 *
 * <ul>
 *   <li>the mesh record: chunks, envelope, signature by the site key, domain, not expired; it
 *       carries the site's box key, its epoch is the site's group-key epoch, its serial is not
 *       above the site's counter, and it lists exactly the site file's hosts;
 *   <li>every member's host record: chunks, signature, number, epoch of the mesh record, not
 *       expired, serial not above the counter, decrypts under the site's group key, and the entry
 *       is the site file's host;
 *   <li>every member's key record at the name its host computes from its own key: present, well
 *       formed ({@link KeyRecord#checkSealed}). The site cannot open it (it is sealed to the host)
 *       and it carries no expiry; its epoch is vouched for by the publication state, which records
 *       which members (number and key) hold the current group key.
 * </ul>
 *
 * <p>Reads only; pure apart from the lookups and the clock.
 */
public final class PublicationVerifier {
  private final Clock clock;
  private final int parallelism;
  private final Duration keySwitchDelay;

  /**
   * With up to 8 lookups at once.
   *
   * @param clock decides what has expired
   */
  public PublicationVerifier(Clock clock) {
    this(clock, 8);
  }

  /**
   * @param clock decides what has expired
   * @param parallelism the most host and key records looked up at once (at least 1)
   */
  public PublicationVerifier(Clock clock, int parallelism) {
    this(clock, parallelism, PublicationPlanner.DEFAULT_KEY_SWITCH_DELAY);
  }

  private PublicationVerifier(Clock clock, int parallelism, Duration keySwitchDelay) {
    if (parallelism < 1) {
      throw new IllegalArgumentException("parallelism must be at least 1");
    }
    this.clock = clock;
    this.parallelism = parallelism;
    this.keySwitchDelay = keySwitchDelay;
  }

  /**
   * This verifier expecting host key switches at the times the planner publishes with {@code delay}
   * (site file {@code key-switch-delay}; see {@link KeySwitchTimes}).
   */
  public PublicationVerifier withKeySwitchDelay(Duration delay) {
    return new PublicationVerifier(clock, parallelism, delay);
  }

  /**
   * Verifies the mesh published at {@code domain}.
   *
   * @param siteSigning the site's signing key (what endpoints pin)
   * @param siteBox the site's box key (seals the key records)
   * @param hosts the site file's hosts
   * @param state the publication state beside the site file (its group key and members)
   * @return every problem found and the earliest expiry; a missing record is a problem
   * @throws org.wgmesh.core.error.DnsException from {@code source}, unchanged: the target could not
   *     be read
   */
  public PublicationReport verify(
      DnsSource source,
      String domain,
      Ed25519PublicKey siteSigning,
      X25519PublicKey siteBox,
      List<HostEntry> hosts,
      PublicationState state) {
    return verify(source, domain, siteSigning, siteBox, hosts, List.of(), state);
  }

  /**
   * As {@link #verify(DnsSource, String, Ed25519PublicKey, X25519PublicKey, List,
   * PublicationState)} for a site with clients (issue 25): the mesh record lists exactly their
   * numbers, and each client record is checked as a host record is (signature, number, epoch,
   * expiry, serial, decrypts to the site file's client).
   *
   * @param clients the site file's clients
   */
  public PublicationReport verify(
      DnsSource source,
      String domain,
      Ed25519PublicKey siteSigning,
      X25519PublicKey siteBox,
      List<HostEntry> hosts,
      List<ClientEntry> clients,
      PublicationState state) {
    Run run = new Run(source, TxtRecordSet.normalize(domain), clock.instant(), state);
    Map<Integer, HostEntry> byNumber = new TreeMap<>();
    hosts.forEach(h -> byNumber.put(h.number(), h));
    Optional<GroupKey> groupKey = state.groupKey();
    if (groupKey.isEmpty()) {
      run.problem(
          run.domain,
          "groupKey",
          "the site holds no group key (no publication state beside the site file): host records cannot be"
              + " decrypted nor key records judged; run wgpub");
    }

    Optional<MeshRecord> mesh = run.mesh(siteSigning, siteBox, byNumber);
    SortedSet<Integer> members =
        mesh.map(MeshRecord::members).orElseGet(() -> new TreeSet<>(byNumber.keySet()));
    long epoch = mesh.map(MeshRecord::epoch).or(() -> groupKey.map(GroupKey::epoch)).orElse(-1L);
    List<String> names = new ArrayList<>();
    for (int n : members) {
      names.add(RecordNames.hostRecordName(run.domain, n));
      if (byNumber.containsKey(n)) {
        names.add(RecordNames.keyRecordName(run.domain, byNumber.get(n).publicKey()));
      }
    }
    Map<Integer, ClientEntry> clientsByNumber = new TreeMap<>();
    clients.forEach(c -> clientsByNumber.put(c.number(), c));
    mesh.ifPresent(m -> run.clientNumbers(m, clientsByNumber));
    SortedSet<Integer> clientNumbers =
        mesh.map(MeshRecord::clients).orElseGet(() -> new TreeSet<>(clientsByNumber.keySet()));
    for (int c : clientNumbers) {
      names.add(RecordNames.clientRecordName(run.domain, c));
    }
    run.prefetch(names, parallelism);
    for (int c : clientNumbers) {
      run.client(c, siteSigning, epoch, groupKey, Optional.ofNullable(clientsByNumber.get(c)));
    }
    for (int n : members) {
      // The entry as the planner publishes it: a key switch at the same time, or settled.
      Optional<HostEntry> expected =
          Optional.ofNullable(byNumber.get(n))
              .map(h -> KeySwitchTimes.resolve(h, state, run.now, keySwitchDelay).entry());
      run.host(n, siteSigning, epoch, groupKey, expected);
    }
    for (int n : members) {
      Optional.ofNullable(byNumber.get(n)).ifPresent(host -> run.key(host, groupKey));
    }
    Optional<Expiry> earliest = run.expiries.stream().min(Comparator.comparing(Expiry::expires));
    OptionalLong serial = mesh.map(m -> OptionalLong.of(m.serial())).orElseGet(OptionalLong::empty);
    return new PublicationReport(run.domain, run.now, run.records, serial, run.problems, earliest);
  }

  /** The state of one verification. */
  private static final class Run {
    final DnsSource source;
    final String domain;
    final Instant now;
    final PublicationState state;
    final List<Problem> problems = new ArrayList<>();
    final List<Expiry> expiries = new ArrayList<>();
    final Map<String, Lookup> fetched = new TreeMap<>();
    int records;

    Run(DnsSource source, String domain, Instant now, PublicationState state) {
      this.source = source;
      this.domain = domain;
      this.now = now;
      this.state = state;
    }

    void problem(String name, String field, String message) {
      problems.add(new Problem(name, field, message));
    }

    /**
     * Looks up {@code names} in parallel for {@link #read}.
     *
     * @throws org.wgmesh.core.error.DnsException the first failure to get an answer, in name order
     */
    void prefetch(List<String> names, int parallelism) {
      List<Lookup> found = ParallelLookups.map(names, parallelism, this::lookup);
      for (int i = 0; i < names.size(); i++) {
        fetched.put(names.get(i), found.get(i));
      }
    }

    /** A lookup's answer, or the record error it raised (a TXT string that is not ours). */
    private record Lookup(Optional<TxtRecordSet> rrset, Optional<RecordException> error) {}

    private Lookup lookup(String name) {
      try {
        return new Lookup(source.lookup(name), Optional.empty());
      } catch (RecordException e) {
        return new Lookup(Optional.empty(), Optional.of(e));
      }
    }

    /**
     * The RRset at {@code name}, or empty (with a problem) when it is missing or unreadable as TXT.
     */
    Optional<TxtRecordSet> read(String name, String missing) {
      Lookup l = fetched.containsKey(name) ? fetched.get(name) : lookup(name);
      if (l.error().isPresent()) {
        problems.add(Problem.of(l.error().get()));
        return Optional.empty();
      }
      Optional<TxtRecordSet> rrset = l.rrset();
      if (rrset.isEmpty()) {
        problem(name, "record", missing);
      } else {
        records++;
      }
      return rrset;
    }

    /**
     * Runs {@code check}; a {@link RecordException} becomes a problem. Returns whether it passed.
     */
    boolean check(Runnable check) {
      try {
        check.run();
        return true;
      } catch (RecordException e) {
        problems.add(Problem.of(e));
        return false;
      }
    }

    void serialAtMostCounter(String name, long serial) {
      if (state.groupKey().isPresent() && serial > state.lastSerial()) {
        problem(
            name,
            "serial",
            "serial "
                + serial
                + " is above the site's last serial "
                + state.lastSerial()
                + " (published by another copy of the site, or its publication state is older than DNS)");
      }
    }

    /** The published mesh record, checked; empty when it is missing or does not verify. */
    Optional<MeshRecord> mesh(
        Ed25519PublicKey siteSigning, X25519PublicKey siteBox, Map<Integer, HostEntry> hosts) {
      Optional<TxtRecordSet> rrset = read(domain, "no mesh record (TXT) at this name: run wgpub");
      if (rrset.isEmpty()) {
        return Optional.empty();
      }
      MeshRecord mesh;
      try {
        mesh = MeshRecord.decodeAnyTime(rrset.get(), siteSigning, domain);
      } catch (RecordException e) {
        problems.add(Problem.of(e));
        return Optional.empty();
      }
      expiries.add(new Expiry(domain, mesh.expires()));
      check(() -> RecordChecks.notExpired(domain, mesh.expires(), now));
      serialAtMostCounter(domain, mesh.serial());
      if (!mesh.siteBoxKey().equals(siteBox)) {
        problem(
            domain,
            "siteBoxKey",
            "carries box key "
                + mesh.siteBoxKey().fingerprint()
                + ", the site's is "
                + siteBox.fingerprint()
                + ": hosts cannot open their key records");
      }
      state
          .groupKey()
          .filter(groupKey -> mesh.epoch() != groupKey.epoch())
          .ifPresent(
              groupKey ->
                  problem(
                      domain,
                      "epoch",
                      "mesh record is at epoch "
                          + mesh.epoch()
                          + ", the site's group key is of epoch "
                          + groupKey.epoch()
                          + " (a publication half-way, or by another copy of the site): run"
                          + " wgpub"));
      for (HostEntry h : hosts.values()) {
        if (!mesh.members().contains(h.number())) {
          problem(
              domain,
              "members",
              "host "
                  + h.number()
                  + " ("
                  + h.hostname()
                  + ") of the site file is not listed: run wgpub");
        }
      }
      for (int n : mesh.members()) {
        if (!hosts.containsKey(n)) {
          problem(
              domain,
              "members",
              "lists host " + n + ", which the site file does not have: run wgpub");
        }
      }
      return Optional.of(mesh);
    }

    /**
     * The clear part of the sealed record at {@code name} (a host's or a client's: one layout),
     * when it is there, signed, not expired, within the serial counter and under the mesh record's
     * epoch ({@code epoch} negative: not known); each problem is recorded.
     */
    private Optional<HostRecord.Header> sealedHeader(
        String name, String missing, Function<TxtRecordSet, HostRecord.Header> parse, long epoch) {
      Optional<TxtRecordSet> rrset = read(name, missing);
      if (rrset.isEmpty()) {
        return Optional.empty();
      }
      HostRecord.Header h;
      try {
        h = parse.apply(rrset.get());
      } catch (RecordException e) {
        problems.add(Problem.of(e));
        return Optional.empty();
      }
      expiries.add(new Expiry(name, h.expires()));
      check(() -> RecordChecks.notExpired(name, h.expires(), now));
      serialAtMostCounter(name, h.serial());
      if (epoch >= 0 && h.epoch() != epoch) {
        problem(
            name,
            "epoch",
            "encrypted under group key epoch "
                + h.epoch()
                + ", the mesh record is at epoch "
                + epoch);
        return Optional.empty();
      }
      return Optional.of(h);
    }

    void host(
        int n,
        Ed25519PublicKey siteSigning,
        long epoch,
        Optional<GroupKey> groupKey,
        Optional<HostEntry> expected) {
      String name = RecordNames.hostRecordName(domain, n);
      Optional<HostRecord.Header> header =
          sealedHeader(
              name,
              "no host record for member " + n + ": run wgpub",
              rrset -> HostRecord.header(rrset, siteSigning, domain),
              epoch);
      if (header.isEmpty() || groupKey.isEmpty()) {
        return; // a missing group key is reported once for the whole mesh
      }
      HostRecord.Header h = header.get();
      HostRecord[] decrypted = new HostRecord[1];
      if (check(() -> decrypted[0] = HostRecord.decrypt(h, groupKey.get(), domain))
          && expected.isPresent()) {
        HostEntry want = expected.get().published();
        HostEntry got = decrypted[0].entry();
        // a key switch whose time has passed reads as the settled entry: the next wgpub drops it
        boolean settledSince =
            want.keySwitch().isEmpty()
                && got.keySwitch().isPresent()
                && got.settledAt(now).equals(want);
        if (!got.equals(want) && !settledSince) {
          problem(
              name,
              "entry",
              "does not match host " + want.hostname() + " of the site file: run wgpub");
        }
      }
    }

    /** The mesh record lists exactly the site file's clients. */
    void clientNumbers(MeshRecord mesh, Map<Integer, ClientEntry> clients) {
      for (ClientEntry c : clients.values()) {
        if (!mesh.clients().contains(c.number())) {
          problem(
              domain,
              "clients",
              "client "
                  + c.number()
                  + " ("
                  + c.name()
                  + ") of the site file is not listed: run wgpub");
        }
      }
      for (int n : mesh.clients()) {
        if (!clients.containsKey(n)) {
          problem(
              domain,
              "clients",
              "lists client " + n + ", which the site file does not have: run wgpub");
        }
      }
    }

    void client(
        int n,
        Ed25519PublicKey siteSigning,
        long epoch,
        Optional<GroupKey> groupKey,
        Optional<ClientEntry> expected) {
      String name = RecordNames.clientRecordName(domain, n);
      Optional<HostRecord.Header> header =
          sealedHeader(
              name,
              "no client record for client " + n + ": run wgpub",
              rrset -> ClientRecord.header(rrset, siteSigning, domain),
              epoch);
      if (header.isEmpty() || groupKey.isEmpty()) {
        return;
      }
      HostRecord.Header h = header.get();
      ClientRecord[] decrypted = new ClientRecord[1];
      if (check(() -> decrypted[0] = ClientRecord.decrypt(h, groupKey.get(), domain))
          && expected.isPresent()
          && !decrypted[0].entry().equals(expected.get())) {
        problem(
            name,
            "entry",
            "does not match client " + expected.get().name() + " of the site file: run wgpub");
      }
    }

    void key(HostEntry host, Optional<GroupKey> groupKey) {
      String name = RecordNames.keyRecordName(domain, host.publicKey());
      Optional<TxtRecordSet> rrset =
          read(
              name,
              "no key record for host "
                  + host.number()
                  + " ("
                  + host.hostname()
                  + "): it cannot read the mesh; run wgpub");
      if (rrset.isEmpty()
          || !check(() -> KeyRecord.checkSealed(rrset.get()))
          || groupKey.isEmpty()) {
        return;
      }
      PublicationState.Member sealed =
          new PublicationState.Member(host.number(), host.publicKey(), host.hpkePublic());
      if (!sealed.equals(state.members().get(host.uuid()))) {
        problem(
            name,
            "groupKey.epoch",
            "the publication state does not record it as sealed with the group key of epoch "
                + groupKey.get().epoch()
                + " for this host's key: run wgpub");
      }
    }
  }
}
