package org.wgmesh.site;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;

/**
 * The admission as it was before issue 21, kept as the reference {@link AdmissionEquivalenceTest}
 * compares {@link Admission} with: every step builds (and so validates) a whole {@link Site}, and
 * numbers and ASNs are searched from the start each time (quadratic in the batch). Decides what
 * admitting registrations does to a site, without touching any file: a pure function from (site,
 * registrations) to the new site and one line of intent per host. The new host gets the lowest free
 * number and ASN; a re-registration keeps both.
 */
final class AdmissionBefore {
  private AdmissionBefore() {}

  /** Admission.plan and planRotation as they were: {@code rotatedAt} null for a plain admission. */
  static Admission plan(
      Site site,
      List<Registration> registrations,
      boolean replace,
      java.time.Instant rotatedAt,
      List<String> sources) {
    Site s = site;
    List<Admission.Step> steps = new ArrayList<>();
    // Hosts this batch adds, by uuid, with the blob each came from: they are not admitted yet.
    java.util.Map<java.util.UUID, String> batch = new java.util.HashMap<>();
    for (int i = 0; i < registrations.size(); i++) {
      Registration r = registrations.get(i);
      String source = sources == null ? null : sources.get(i);
      Admission.Step step = step(s, r, replace, source, batch);
      if (step.kind() == Admission.Kind.NEW) {
        batch.put(r.uuid(), source == null ? "blob " + (i + 1) + " of this batch" : source);
      }
      if (rotatedAt != null && step.kind() == Admission.Kind.REPLACED) {
        step = withSwitch(s, step, rotatedAt);
      }
      steps.add(step);
      if (step.kind() != Admission.Kind.UNCHANGED) {
        s = s.withHost(step.entry());
      }
    }
    return new Admission(site, s, steps);
  }

  /** A replaced key as a scheduled switch from the key the host uses at {@code now}. */
  private static Admission.Step withSwitch(Site s, Admission.Step step, java.time.Instant now) {
    X25519PublicKey from = step.previous().orElseThrow().keyAt(now);
    HostEntry entry = step.entry();
    if (!from.equals(entry.publicKey())) {
      entry = entry.withKeySwitch(new KeySwitch(from, now.plus(s.keyPolicy().switchDelay())));
    }
    return new Admission.Step(
        step.registration(), entry, step.previous(), step.kind(), step.note());
  }

  private static Admission.Step step(
      Site s,
      Registration r,
      boolean replace,
      String source,
      java.util.Map<java.util.UUID, String> batch) {
    String who =
        (source == null ? "" : source + ": ") + "host " + r.hostname() + " (" + r.uuid() + ")";
    // Unchanged by issue 21: shared with Admission.
    Admission.checkEndpoints(r, who);
    Admission.checkSharedLans(r, who);
    checkAgainstOthers(s, r, who, batch);
    Optional<HostEntry> known = s.host(r.uuid());
    if (known.isEmpty()) {
      HostEntry e =
          HostEntry.builder()
              .uuid(r.uuid())
              .hostname(r.hostname())
              .number(nextFreeNumber(s))
              .asn(nextFreeAsn(s))
              .publicKey(r.publicKey())
              .endpoints(r.endpoints())
              .lanPrefixes(r.lanPrefixes())
              .sharedLans(r.sharedLans())
              .hpkePublic(r.hpkePublic())
              .build();
      return new Admission.Step(r, e, Optional.empty(), Admission.Kind.NEW, Optional.empty());
    }
    HostEntry old = known.get();
    // The same key keeps its scheduled switch; a replaced key (--replace) takes effect at once.
    HostEntry updated =
        HostEntry.builder()
            .uuid(r.uuid())
            .hostname(r.hostname())
            .number(old.number())
            .asn(old.asn())
            .publicKey(r.publicKey())
            .endpoints(r.endpoints())
            .lanPrefixes(r.lanPrefixes())
            .sharedLans(r.sharedLans())
            .hpkePublic(r.hpkePublic())
            .keySwitch(old.publicKey().equals(r.publicKey()) ? old.keySwitch() : Optional.empty())
            .build();
    if (!old.publicKey().equals(r.publicKey())) {
      if (!replace) {
        throw new ConflictException(
            who,
            "already admitted with key "
                + old.publicKey().fingerprint()
                + ", the blob has key "
                + r.publicKey().fingerprint(),
            "if the host's key was changed on purpose, run again with --replace (its number and AS stay)");
      }
      return new Admission.Step(
          r, updated, Optional.of(old), Admission.Kind.REPLACED, Optional.empty());
    }
    if (updated.equals(old)) {
      return new Admission.Step(
          r,
          old,
          Optional.of(old),
          Admission.Kind.UNCHANGED,
          Optional.of("already admitted with the same key and details"));
    }
    if (!replace) {
      return new Admission.Step(
          r,
          old,
          Optional.of(old),
          Admission.Kind.UNCHANGED,
          Optional.of(
              "already admitted with the same key; its hostname, addresses or HPKE key differ (use --replace to update them)"));
    }
    return new Admission.Step(
        r, updated, Optional.of(old), Admission.Kind.UPDATED, Optional.empty());
  }

  private static void checkAgainstOthers(
      Site s, Registration r, String who, java.util.Map<java.util.UUID, String> batch) {
    for (HostEntry h : s.hosts()) {
      if (h.uuid().equals(r.uuid())) {
        continue;
      }
      String other = Admission.describeOther(h, batch);
      if (h.publicKey().equals(r.publicKey())
          || h.keySwitch().filter(ks -> ks.from().equals(r.publicKey())).isPresent()) {
        throw new ConflictException(
            who,
            "its key " + r.publicKey().fingerprint() + " already belongs to " + other,
            "each host needs its own key; was the host cloned? Create a new key on it with wghost");
      }
      if (h.hostname().equals(r.hostname())) {
        throw new ConflictException(
            who,
            "hostname " + r.hostname() + " already belongs to " + other,
            "remove the old host first (wgsite --remove) or give this one another name");
      }
    }
    List<IpPrefix> allowed = s.settings().allowedLanPrefixes();
    for (int i = 0; i < r.lanPrefixes().size(); i++) {
      IpPrefix p = r.lanPrefixes().get(i);
      String field = who + ": LAN prefixes[" + i + "]";
      if (allowed.stream().noneMatch(a -> a.contains(p))) {
        throw new InputException(
            field,
            p + " is not inside the site's allowed-lan-prefixes " + allowed,
            "add a covering prefix to allowed-lan-prefixes in the site file if this LAN belongs in the mesh");
      }
      if (p.overlaps(s.settings().tunnelPrefix())) {
        throw new InputException(
            field, p + " overlaps the tunnel prefix " + s.settings().tunnelPrefix());
      }
      for (int j = 0; j < i; j++) {
        if (r.lanPrefixes().get(j).overlaps(p)) {
          throw new InputException(
              field, p + " overlaps " + r.lanPrefixes().get(j) + " of the same host");
        }
      }
      for (HostEntry h : s.hosts()) {
        if (h.uuid().equals(r.uuid())) {
          continue;
        }
        for (IpPrefix q : h.lanPrefixes()) {
          if (q.overlaps(p)) {
            throw new ConflictException(
                field,
                p + " overlaps " + q + " of " + Admission.describeOther(h, batch),
                "two hosts may not announce overlapping LANs");
          }
        }
      }
    }
  }

  /** Site.nextFreeNumber as it was: the lowest number neither in use nor retired. */
  static int nextFreeNumber(Site s) {
    java.util.Set<Integer> used = new java.util.HashSet<>();
    s.hosts().forEach(h -> used.add(h.number()));
    s.retired().forEach(r -> used.add(r.number()));
    int max = Math.min(Addressing.MAX_HOST, 65535 - s.settings().portbase());
    for (int n = 1; n <= max; n++) {
      if (!used.contains(n)) {
        return n;
      }
    }
    throw new ConflictException(
        "site " + s.settings().domain(),
        "no free host number left (1.." + max + " with portbase " + s.settings().portbase() + ")",
        "publish pending removals with 'wgpub' to free retired numbers, or lower 'portbase'");
  }

  /** Site.nextFreeAsn as it was: the lowest ASN of the range no host uses. */
  static long nextFreeAsn(Site s) {
    java.util.Set<Long> used = new java.util.HashSet<>();
    s.hosts().forEach(h -> used.add(h.asn()));
    long asn = s.asnRange().lowestFree(used);
    if (asn < 0) {
      throw new ConflictException(
          "site " + s.settings().domain(),
          "every AS number of asn-range "
              + s.asnRange()
              + " is in use ("
              + s.asnRange().size()
              + " hosts)",
          "widen 'asn-range', e.g. add the 4-byte private range 4200000000:4294967294");
    }
    return asn;
  }
}
