package org.wgmesh.core.site;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.enrolment.EnrolmentPolicy;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.NamesPolicy;
import org.wgmesh.core.net.AsnRange;

/**
 * A whole site, validated: what the site file says plus the site's private keys. Immutable; the
 * {@code with*} methods return a new, again fully validated, site. Hosts are ordered by number.
 *
 * <p>Read it with {@link SiteFile#load}, write it with {@link SiteFile#save}.
 *
 * @param settings mesh-wide parameters (domain, locus, tunnel prefix, port base, allowed LANs)
 * @param hosts the admitted hosts, ordered by host number
 * @param keys the site's private keys
 * @param asnRange the private ASNs hosts get theirs from
 * @param publishTarget where wgpub publishes, a URI such as {@code
 *     zonefile:/etc/wgmesh/mesh.example.com.zone}
 * @param ttl the DNS TTL of published records
 * @param recordLifetime how long a published record stays valid (its expiry is publish time plus
 *     this)
 * @param retired removed hosts whose removal is not yet published; their numbers stay reserved
 * @param keyPolicy how the keys change over time (group-key schedule)
 * @param enrolment the {@code enrolment:} section (issue 23); empty: no enrolment service
 * @param originalKey the site key of the original wgmesh this site was imported from (issue 26),
 *     {@code NAME.original.key}: it opens the registration blobs of hosts still running the
 *     original, and nothing else; empty for every other site, and once forgotten
 * @param clients the {@code clients:} section (issue 25); {@link SiteClients#NONE} without one
 * @param names the {@code names:} section (issue 25): A/AAAA and PTR records wgpub writes; empty:
 *     none
 */
public record Site(
    MeshSettings settings,
    List<HostEntry> hosts,
    SiteKeys keys,
    AsnRange asnRange,
    String publishTarget,
    Duration ttl,
    Duration recordLifetime,
    List<RetiredHost> retired,
    KeyPolicy keyPolicy,
    Optional<EnrolmentPolicy> enrolment,
    Optional<X25519PrivateKey> originalKey,
    SiteClients clients,
    Optional<NamesPolicy> names) {

  /**
   * @throws ConfigException when hosts collide or break a rule (see {@code docs/site-file.md})
   */
  public Site {
    Objects.requireNonNull(clients, "clients");
    Objects.requireNonNull(settings, "settings");
    Objects.requireNonNull(keys, "keys");
    Objects.requireNonNull(asnRange, "asnRange");
    Objects.requireNonNull(publishTarget, "publishTarget");
    Objects.requireNonNull(ttl, "ttl");
    Objects.requireNonNull(recordLifetime, "recordLifetime");
    Objects.requireNonNull(keyPolicy, "keyPolicy");
    Objects.requireNonNull(enrolment, "enrolment");
    Objects.requireNonNull(originalKey, "originalKey");
    List<HostEntry> sorted = new ArrayList<>(hosts);
    sorted.sort(Comparator.comparingInt(HostEntry::number));
    hosts = List.copyOf(sorted);
    List<RetiredHost> r = new ArrayList<>(retired);
    r.sort(Comparator.comparingInt(RetiredHost::number));
    retired = List.copyOf(r);
    SiteRules.check(
        "site " + settings.domain(),
        SiteRules.NO_LINES,
        settings,
        Optional.of(asnRange),
        hosts,
        retired);
    ClientRules.check("site " + settings.domain(), SiteRules.NO_LINES, settings, hosts, clients);
    Objects.requireNonNull(names, "names");
    if (names.isPresent()) {
      NamesSpec.check(names.get(), settings, hosts, clients.list(), "site " + settings.domain());
    }
  }

  /** A site without clients or names (the form before issue 25). */
  public Site(
      MeshSettings settings,
      List<HostEntry> hosts,
      SiteKeys keys,
      AsnRange asnRange,
      String publishTarget,
      Duration ttl,
      Duration recordLifetime,
      List<RetiredHost> retired,
      KeyPolicy keyPolicy,
      Optional<EnrolmentPolicy> enrolment,
      Optional<X25519PrivateKey> originalKey) {
    this(
        settings,
        hosts,
        keys,
        asnRange,
        publishTarget,
        ttl,
        recordLifetime,
        retired,
        keyPolicy,
        enrolment,
        originalKey,
        SiteClients.NONE,
        Optional.empty());
  }

  /** A site without the original wgmesh's key: every site not imported from it. */
  public Site(
      MeshSettings settings,
      List<HostEntry> hosts,
      SiteKeys keys,
      AsnRange asnRange,
      String publishTarget,
      Duration ttl,
      Duration recordLifetime,
      List<RetiredHost> retired,
      KeyPolicy keyPolicy,
      Optional<EnrolmentPolicy> enrolment) {
    this(
        settings,
        hosts,
        keys,
        asnRange,
        publishTarget,
        ttl,
        recordLifetime,
        retired,
        keyPolicy,
        enrolment,
        Optional.empty());
  }

  /** A site without a key schedule ({@link KeyPolicy#NONE}) and without enrolment. */
  public Site(
      MeshSettings settings,
      List<HostEntry> hosts,
      SiteKeys keys,
      AsnRange asnRange,
      String publishTarget,
      Duration ttl,
      Duration recordLifetime,
      List<RetiredHost> retired) {
    this(
        settings,
        hosts,
        keys,
        asnRange,
        publishTarget,
        ttl,
        recordLifetime,
        retired,
        KeyPolicy.NONE,
        Optional.empty());
  }

  /** This site with another key policy. */
  public Site withKeyPolicy(KeyPolicy policy) {
    return changed(settings, hosts, retired, policy, enrolment);
  }

  /** This site with another {@code enrolment:} section (empty: none). */
  public Site withEnrolment(Optional<EnrolmentPolicy> policy) {
    return changed(settings, hosts, retired, keyPolicy, policy);
  }

  /**
   * This site with the original wgmesh's site key (issue 26), or without it (empty: {@code wgsite
   * --forget-original}). Only {@link SiteFile} writes its key file.
   */
  public Site withOriginalKey(Optional<X25519PrivateKey> key) {
    return sections(key, clients, names);
  }

  /** This site with another {@code clients:} section (issue 25). */
  public Site withClients(SiteClients next) {
    return sections(originalKey, next, names);
  }

  /** This site with another {@code names:} section (empty: none, wgpub removes what it wrote). */
  public Site withNames(Optional<NamesPolicy> policy) {
    return sections(originalKey, clients, policy);
  }

  /**
   * The clients as the hosts see them (issue 25): attach hostnames as host numbers, the port and
   * keepalive resolved; ordered by client number. Empty without a {@code clients:} section.
   */
  public List<ClientEntry> clientEntries() {
    List<ClientEntry> out = new ArrayList<>();
    ClientSettings s = clients.settings();
    int portBase = s.portBase(settings.portbase());
    for (SiteClient c : clients.list()) {
      List<Integer> attached =
          c.attach().stream().map(n -> hostNamed(n).orElseThrow().number()).toList();
      out.add(
          new ClientEntry(
              c.name(),
              c.number(),
              c.publicKey(),
              c.addresses(),
              attached,
              portBase + c.number(),
              s.keepalive()));
    }
    return out;
  }

  /** This site with other mesh-wide link settings (MTU, keepalive, BFD). */
  public Site withLinks(LinkSettings links) {
    return changed(settings.withLinks(links), hosts, retired, keyPolicy, enrolment);
  }

  /** The host with this uuid. */
  public Optional<HostEntry> host(UUID uuid) {
    return hosts.stream().filter(h -> h.uuid().equals(uuid)).findFirst();
  }

  /** The host with this hostname (case-insensitive). */
  public Optional<HostEntry> hostNamed(String hostname) {
    String n = hostname.toLowerCase(Locale.ROOT);
    return hosts.stream().filter(h -> h.hostname().equals(n)).findFirst();
  }

  /** This site with {@code host} added, or replacing the host with the same uuid. */
  public Site withHost(HostEntry host) {
    List<HostEntry> next = new ArrayList<>(hosts);
    next.removeIf(h -> h.uuid().equals(host.uuid()));
    next.add(host);
    return changed(settings, next, retired, keyPolicy, enrolment);
  }

  /**
   * This site with {@code host} in the place of the host {@code previous} (issue 23, rejoin: a
   * device that lost its state comes back with a new uuid and key). Unlike {@link #withoutHost},
   * the number is not retired: {@code host} keeps it. Unchanged when there is no such host.
   */
  public Site withHostInPlaceOf(UUID previous, HostEntry host) {
    if (host(previous).isEmpty()) {
      return this;
    }
    List<HostEntry> next = new ArrayList<>(hosts);
    next.replaceAll(h -> h.uuid().equals(previous) ? host : h);
    return changed(settings, next, retired, keyPolicy, enrolment);
  }

  /**
   * This site without the host {@code uuid}; its number goes to {@link #retired()} until the
   * removal is published. Unchanged when there is no such host.
   */
  public Site withoutHost(UUID uuid) {
    Optional<HostEntry> gone = host(uuid);
    if (gone.isEmpty()) {
      return this;
    }
    List<HostEntry> next = new ArrayList<>(hosts);
    next.remove(gone.get());
    List<RetiredHost> ret = new ArrayList<>(retired);
    ret.add(new RetiredHost(gone.get().number(), uuid));
    return changed(settings, next, ret, keyPolicy, enrolment);
  }

  /**
   * This site with the given retired numbers freed: for the publisher, once the removal of those
   * hosts is published. Numbers not in the retired list are ignored.
   */
  public Site withoutRetired(Collection<Integer> numbers) {
    List<RetiredHost> ret = new ArrayList<>(retired);
    ret.removeIf(r -> numbers.contains(r.number()));
    return changed(settings, hosts, ret, keyPolicy, enrolment);
  }

  /** A copy with other optional sections: the original's key, the clients, the names. */
  private Site sections(
      Optional<X25519PrivateKey> originalKey, SiteClients clients, Optional<NamesPolicy> names) {
    return new Site(
        settings,
        hosts,
        keys,
        asnRange,
        publishTarget,
        ttl,
        recordLifetime,
        retired,
        keyPolicy,
        enrolment,
        originalKey,
        clients,
        names);
  }

  /**
   * A copy with the parts the {@code with*} methods change; keys, ASN range, target and durations
   * are only set by loading or creating a site. Validated again by the constructor.
   */
  private Site changed(
      MeshSettings settings,
      List<HostEntry> hosts,
      List<RetiredHost> retired,
      KeyPolicy keyPolicy,
      Optional<EnrolmentPolicy> enrolment) {
    return new Site(
        settings,
        hosts,
        keys,
        asnRange,
        publishTarget,
        ttl,
        recordLifetime,
        retired,
        keyPolicy,
        enrolment,
        originalKey,
        clients,
        names);
  }
}
