package org.wgmesh.site;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.KeySwitch;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;

/**
 * Decides what admitting registrations does to a site, without touching any file: a pure function
 * from (site, registrations) to the new site and one line of intent per host. The new host gets the
 * lowest free number and ASN; a re-registration keeps both.
 *
 * @param before the site as it was
 * @param after the site with every registration applied
 * @param steps one step per registration, in order
 */
public record Admission(Site before, Site after, List<Step> steps) {
  /** What happens to one host. */
  public enum Kind {
    /** A host the site did not know: new number, ASN and ports. */
    NEW,
    /**
     * A known uuid with a new key ({@code --replace}): key and addresses change, number and ASN
     * stay.
     */
    REPLACED,
    /** A known uuid and key whose hostname or addresses changed ({@code --replace}). */
    UPDATED,
    /** Exactly what the site already has: nothing changes. */
    UNCHANGED
  }

  /**
   * @param registration what the host sent
   * @param entry the host entry after this step
   * @param previous the entry before, when the host was known
   * @param kind what happens
   * @param note a remark for the operator, if any
   */
  public record Step(
      Registration registration,
      HostEntry entry,
      Optional<HostEntry> previous,
      Kind kind,
      Optional<String> note) {
    public Step {
      Objects.requireNonNull(registration, "registration");
      Objects.requireNonNull(entry, "entry");
      Objects.requireNonNull(previous, "previous");
      Objects.requireNonNull(kind, "kind");
      Objects.requireNonNull(note, "note");
    }
  }

  public Admission {
    steps = List.copyOf(steps);
  }

  /** Whether any step changes the site. */
  public boolean changes() {
    return steps.stream().anyMatch(s -> s.kind() != Kind.UNCHANGED);
  }

  /**
   * Plans the admission of {@code registrations}, all or nothing.
   *
   * @param replace allow a known uuid to change its key (and its details)
   * @throws ConflictException when a uuid has another key (without replace), or a hostname, key or
   *     LAN prefix belongs to another host, or numbers or ASNs are exhausted
   * @throws InputException when a LAN prefix is outside the allowed ones or an endpoint is unusable
   */
  public static Admission plan(Site site, List<Registration> registrations, boolean replace) {
    return plan(site, registrations, replace, Optional.empty(), Optional.empty());
  }

  /**
   * As {@link #plan(Site, List, boolean)}, with where each registration came from ({@code blobs.txt
   * line 3}), so that a conflict between two blobs of one batch names both blobs rather than a host
   * number the first of them was only about to get.
   *
   * @param sources one label per registration, in the same order
   */
  public static Admission plan(
      Site site, List<Registration> registrations, boolean replace, List<String> sources) {
    return plan(site, registrations, replace, Optional.empty(), Optional.of(sources));
  }

  /**
   * Plans key rotations (issue 12): each registration is an admitted host's new key, endorsed by
   * the key it has. The new key becomes its {@code public-key} with a scheduled switch from the key
   * the host uses at {@code now} ({@link HostEntry#keyAt}), at {@code now} plus the site's {@code
   * key-switch-delay}; until then every end keeps the previous key. A registration with the key
   * already admitted keeps its switch as it is (a re-imported blob changes nothing).
   *
   * @throws ConflictException as {@link #plan(Site, List, boolean)}
   */
  public static Admission planRotation(Site site, List<Registration> registrations, Instant now) {
    return plan(
        site,
        registrations,
        true,
        Optional.of(Objects.requireNonNull(now, "now")),
        Optional.empty());
  }

  private static Admission plan(
      Site site,
      List<Registration> registrations,
      boolean replace,
      Optional<Instant> rotatedAt,
      Optional<List<String>> sources) {
    // Each step sees the site as the steps before it left it: the roster is that site, indexed, so
    // that a step costs what one host costs, not what the whole site costs (issue 21).
    Roster roster = new Roster(site);
    List<Step> steps = new ArrayList<>();
    // Hosts this batch adds, by uuid, with the blob each came from: they are not admitted yet.
    Map<UUID, String> batch = new HashMap<>();
    boolean changed = false;
    for (int i = 0; i < registrations.size(); i++) {
      Registration r = registrations.get(i);
      int index = i;
      Optional<String> source = sources.map(all -> all.get(index));
      Step step = step(roster, r, replace, source, batch);
      if (step.kind() == Kind.NEW) {
        batch.put(r.uuid(), source.orElse("blob " + (i + 1) + " of this batch"));
      }
      if (rotatedAt.isPresent() && step.kind() == Kind.REPLACED) {
        step = withSwitch(site, step, rotatedAt.get());
      }
      steps.add(step);
      if (step.kind() != Kind.UNCHANGED) {
        boolean check = roster.mayBreakSiteRules(step.entry());
        roster.put(step.entry());
        if (check) {
          roster.toSite(); // throws what the site built at this step would have thrown
        }
        changed = true;
      }
    }
    return new Admission(site, changed ? roster.toSite() : site, steps);
  }

  /** A replaced key as a scheduled switch from the key the host uses at {@code now}. */
  private static Step withSwitch(Site s, Step step, Instant now) {
    X25519PublicKey from = step.previous().orElseThrow().keyAt(now);
    HostEntry entry = step.entry();
    if (!from.equals(entry.publicKey())) {
      entry = entry.withKeySwitch(new KeySwitch(from, now.plus(s.keyPolicy().switchDelay())));
    }
    return new Step(step.registration(), entry, step.previous(), step.kind(), step.note());
  }

  private static Step step(
      Roster s, Registration r, boolean replace, Optional<String> source, Map<UUID, String> batch) {
    String who =
        source.map(at -> at + ": ").orElse("") + "host " + r.hostname() + " (" + r.uuid() + ")";
    checkEndpoints(r, who);
    checkSharedLans(r, who);
    checkAgainstOthers(s, r, who, batch);
    Optional<HostEntry> known = s.host(r.uuid());
    if (known.isEmpty()) {
      int number = s.nextNumber();
      List<String> notes = new ArrayList<>();
      long asn = s.nextAsn(notes);
      HostEntry e =
          HostEntry.builder()
              .uuid(r.uuid())
              .hostname(r.hostname())
              .number(number)
              .asn(asn)
              .publicKey(r.publicKey())
              .endpoints(r.endpoints())
              .lanPrefixes(r.lanPrefixes())
              .sharedLans(r.sharedLans())
              .hpkePublic(r.hpkePublic())
              .build();
      return new Step(
          r,
          e,
          Optional.empty(),
          Kind.NEW,
          notes.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", notes)));
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
            // The identity it enrolled with stays: a blob says nothing about it.
            .enrolledAs(old.enrolledAs())
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
      return new Step(r, updated, Optional.of(old), Kind.REPLACED, Optional.empty());
    }
    if (updated.equals(old)) {
      return new Step(
          r,
          old,
          Optional.of(old),
          Kind.UNCHANGED,
          Optional.of("already admitted with the same key and details"));
    }
    if (!replace) {
      return new Step(
          r,
          old,
          Optional.of(old),
          Kind.UNCHANGED,
          Optional.of(
              "already admitted with the same key; its hostname, addresses or HPKE key differ (use --replace to update them)"));
    }
    return new Step(r, updated, Optional.of(old), Kind.UPDATED, Optional.empty());
  }

  static void checkEndpoints(Registration r, String who) {
    for (int i = 0; i < r.endpoints().size(); i++) {
      IpAddress a = r.endpoints().get(i);
      var ia = a.address();
      if (ia.isAnyLocalAddress()
          || ia.isLoopbackAddress()
          || ia.isMulticastAddress()
          || ia.isLinkLocalAddress()) {
        throw new InputException(
            who + ": endpoints[" + i + "]",
            a + " cannot be reached by peers (unspecified, loopback, multicast or link-local)",
            "re-create the blob on the host with its public addresses");
      }
    }
  }

  /** Shared-LAN addresses must be usable peer endpoints too (peers send to them). */
  static void checkSharedLans(Registration r, String who) {
    for (int i = 0; i < r.sharedLans().size(); i++) {
      IpPrefix p = r.sharedLans().get(i);
      var ia = p.network().address();
      if (ia.isAnyLocalAddress()
          || ia.isLoopbackAddress()
          || ia.isMulticastAddress()
          || ia.isLinkLocalAddress()
          || p.masked().equals(p)) {
        throw new InputException(
            who + ": shared LANs[" + i + "]",
            p
                + " is not a host address on a network (unspecified, loopback, multicast,"
                + " link-local or the network address itself)",
            "list this host's own address with the network's prefix length, e.g. 192.168.7.10/24");
      }
    }
  }

  /**
   * How to name another host in a conflict: an admitted one by its number, one of this batch by the
   * blob it came from (its number is only planned).
   */
  static String describeOther(HostEntry h, Map<UUID, String> batch) {
    String source = batch.get(h.uuid());
    return source != null
        ? "host "
            + h.hostname()
            + " of the blob at "
            + source
            + " ("
            + h.uuid()
            + ", not admitted yet)"
        : "host " + h.hostname() + " (number " + h.number() + ", " + h.uuid() + ")";
  }

  private static void checkAgainstOthers(
      Roster s, Registration r, String who, Map<UUID, String> batch) {
    // The first other host, in number order, with this key (or previous key) or this hostname.
    Optional<HostEntry> clash = s.firstWithKeyOrName(r.publicKey(), r.hostname(), r.uuid());
    if (clash.isPresent()) {
      HostEntry h = clash.get();
      String other = describeOther(h, batch);
      if (h.publicKey().equals(r.publicKey())
          || h.keySwitch().filter(ks -> ks.from().equals(r.publicKey())).isPresent()) {
        throw new ConflictException(
            who,
            "its key " + r.publicKey().fingerprint() + " already belongs to " + other,
            "each host needs its own key; was the host cloned? Create a new key on it with wghost");
      }
      throw new ConflictException(
          who,
          "hostname " + r.hostname() + " already belongs to " + other,
          "remove the old host first (wgsite --remove) or give this one another name");
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
      Optional<Roster.Lan> overlap = s.firstOverlap(p, r.uuid());
      if (overlap.isPresent()) {
        throw new ConflictException(
            field,
            p
                + " overlaps "
                + overlap.get().prefix()
                + " of "
                + describeOther(overlap.get().host(), batch),
            "two hosts may not announce overlapping LANs");
      }
    }
  }
}
