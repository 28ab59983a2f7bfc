package org.wgmesh.site.clients;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Collectors;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeclinedException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.site.ClientPools;
import org.wgmesh.core.site.ClientSettings;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteClient;
import org.wgmesh.core.site.SiteClients;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.Confirmation;

/**
 * Adds and removes clients (issue 25) under the site lock, all or nothing: every request is checked
 * against the site first (each refusal names what is wrong, with its exit code: a bad value is
 * input, a name, key or address another host or client has is a conflict), then shown and
 * confirmed, then the site file is written atomically. A dry run stops before the question.
 */
public final class ClientAdmin {
  private final Reporter reporter;
  private final Confirmation confirmation;

  public ClientAdmin(Reporter reporter, Confirmation confirmation) {
    this.reporter = reporter;
    this.confirmation = confirmation;
  }

  /**
   * What {@code --add-client} asks for.
   *
   * @param name the client's name (any case; stored lower case)
   * @param attach hostnames, the primary first
   * @param publicKey its WireGuard public key
   * @param addresses addresses chosen by the admin (at most one per family); a family not given
   *     gets the client's address from its pool
   */
  public record AddRequest(
      String name, List<String> attach, X25519PublicKey publicKey, List<IpAddress> addresses) {}

  /** The site after the change, and the client as the hosts see it. */
  public record Added(Site site, ClientEntry client, boolean written) {}

  /**
   * Adds a client.
   *
   * @param dryRun check and show, write nothing
   * @throws InputException for a bad name, an unknown or endpoint-less host, an address outside the
   *     pools
   * @throws ConflictException for a name, key or address another host or client has, a full pool
   * @throws DeclinedException when the operator says no
   */
  public Added add(Path yaml, AddRequest request, boolean dryRun) {
    return add(yaml, request, dryRun, added -> {});
  }

  /**
   * {@link #add(Path, AddRequest, boolean)}, running {@code beforeWrite} on the result after the
   * confirmation and before the site file is written: what must not fail once the client exists
   * (rendering its config and QR code) fails while nothing is written yet.
   */
  public Added add(Path yaml, AddRequest request, boolean dryRun, Consumer<Added> beforeWrite) {
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml); // the usual "does not exist" error, without creating a lock file
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      Site site = SiteFile.load(yaml);
      SiteClient client = newClient(site, request);
      SiteClients section =
          site.clients().present()
              ? site.clients()
              : new SiteClients(true, ClientSettings.DEFAULT, List.of());
      Site next = site.withClients(section.with(client));
      ClientEntry entry =
          next.clientEntries().stream()
              .filter(c -> c.name().equals(client.name()))
              .findFirst()
              .orElseThrow();
      if (dryRun) {
        reporter.info("dry run: %s not written", yaml);
        return new Added(next, entry, false);
      }
      ask(
          "Add client " + client.name() + " to " + site.settings().domain() + "?",
          summary(entry, client));
      Added added = new Added(next, entry, true);
      beforeWrite.accept(added);
      SiteFile.save(next, yaml);
      reporter.info("added client %s; run 'wgpub %s' to publish it", client.name(), yaml);
      return added;
    }
  }

  /**
   * Removes client {@code name} after confirmation; its record disappears at the next wgpub.
   *
   * @throws InputException when there is no such client
   * @throws DeclinedException when the operator says no
   */
  public SiteClient remove(Path yaml, String name) {
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml);
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      Site site = SiteFile.load(yaml);
      String n = name.toLowerCase(Locale.ROOT);
      SiteClient client =
          site.clients()
              .named(n)
              .orElseThrow(
                  () ->
                      new InputException(
                          "--remove-client " + name,
                          "no client of this name in " + yaml,
                          "see 'wgsite --list " + yaml + "'"));
      ask(
          "Remove client " + client.name() + " from " + site.settings().domain() + "?",
          List.of(
              String.format("client:     %s (number %d)", client.name(), client.number()),
              "key:        " + client.publicKey().fingerprint(),
              ""));
      SiteFile.save(site.withClients(site.clients().without(n)), yaml);
      reporter.info(
          "removed client %s; 'wgpub %s' deletes its record and the hosts drop it",
          client.name(), yaml);
      return client;
    }
  }

  /** The lines that describe a client: shown before the question and after adding. */
  public static List<String> summary(ClientEntry entry, SiteClient client) {
    return List.of(
        String.format("client:     %s (number %d)", entry.name(), entry.number()),
        "key:        " + entry.publicKey().fingerprint(),
        "addresses:  "
            + entry.addresses().stream().map(IpAddress::toString).collect(Collectors.joining(", ")),
        "hosts:      " + String.join(", ", client.attach()) + " (primary first)",
        "port:       " + entry.port() + " (on every attached host)",
        "");
  }

  private SiteClient newClient(Site site, AddRequest r) {
    String name = r.name().toLowerCase(Locale.ROOT);
    String what = "--add-client " + r.name();
    if (!name.matches("[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?")) {
      throw new InputException(
          what,
          "'" + r.name() + "' is not a DNS label",
          "use 1-63 letters, digits and inner hyphens, e.g. anna-laptop");
    }
    if (site.hostNamed(name).isPresent()) {
      throw new ConflictException(
          what, "a host is named " + name, "names are unique among hosts and clients");
    }
    if (site.clients().named(name).isPresent()) {
      throw new ConflictException(
          what,
          "a client is named " + name + " already",
          "remove it first, or choose another name");
    }
    for (HostEntry h : site.hosts()) {
      if (h.publicKey().equals(r.publicKey())) {
        throw new ConflictException(
            "--key",
            "is the WireGuard key of host " + h.hostname(),
            "every client has a key of its own");
      }
    }
    for (SiteClient c : site.clients().list()) {
      if (c.publicKey().equals(r.publicKey())) {
        throw new ConflictException(
            "--key",
            "is the key of client " + c.name() + " already",
            "every client has a key of its own");
      }
    }
    List<String> attach = attach(site, r.attach());
    int number = number(site);
    List<IpAddress> addresses = addresses(site, r.addresses(), number);
    return new SiteClient(name, number, r.publicKey(), addresses, attach);
  }

  private static List<String> attach(Site site, List<String> names) {
    if (names.isEmpty()) {
      throw new InputException(
          "--attach", "names no host", "name the hosts the client dials in to");
    }
    List<String> out = new ArrayList<>();
    for (String raw : names) {
      String n = raw.strip().toLowerCase(Locale.ROOT);
      HostEntry h =
          site.hostNamed(n)
              .orElseThrow(
                  () ->
                      new InputException(
                          "--attach " + raw, "no host of this name", "see 'wgsite --list FILE'"));
      if (!h.isPublic()) {
        throw new InputException(
            "--attach " + raw,
            "host " + n + " has no public endpoint: clients dial in and could not reach it",
            "attach the client to hosts with endpoint addresses");
      }
      if (out.contains(n)) {
        throw new InputException("--attach " + raw, "host " + n + " is named twice");
      }
      out.add(n);
    }
    return out;
  }

  /** The lowest client number free whose port clashes with no host's and fits. */
  private static int number(Site site) {
    Set<Integer> used = new HashSet<>();
    site.clients().list().forEach(c -> used.add(c.number()));
    Set<Integer> hostNumbers = new HashSet<>();
    site.hosts().forEach(h -> hostNumbers.add(h.number()));
    int sitePortbase = site.settings().portbase();
    int portBase = site.clients().settings().portBase(sitePortbase);
    for (int c = 1; c <= Addressing.MAX_CLIENT && portBase + c <= 65535; c++) {
      if (!used.contains(c) && !hostNumbers.contains(portBase + c - sitePortbase)) {
        return c;
      }
    }
    throw new ConflictException(
        "--add-client",
        "no client number is free (client ports run from clients.port-base " + portBase + ")",
        "remove a client, or lower clients.port-base");
  }

  private static List<IpAddress> addresses(Site site, List<IpAddress> given, int number) {
    ClientSettings s = site.clients().settings();
    IpPrefix tunnel = site.settings().tunnelPrefix();
    Set<IpAddress> taken = new HashSet<>();
    site.clients().list().forEach(c -> taken.addAll(c.addresses()));
    Optional<IpAddress> v4 = Optional.empty();
    Optional<IpAddress> v6 = Optional.empty();
    for (IpAddress a : given) {
      String what = "--address " + a;
      Optional<IpPrefix> pool = a.isV6() ? Optional.of(s.pool6(tunnel)) : s.pool4();
      if (pool.isEmpty()) {
        throw new InputException(
            what, "the site has no IPv4 client pool", "set clients.pool-ipv4 in the site file");
      }
      if (!ClientPools.inside(pool.get(), a)) {
        throw new InputException(
            what,
            "is outside the client pool " + pool.get() + " (or is its first or last address)",
            "give an address inside the pool, or leave it to the site");
      }
      if (taken.contains(a)) {
        throw new ConflictException(what, "another client has this address already");
      }
      if ((a.isV6() ? v6 : v4).isPresent()) {
        throw new InputException(
            what, "a second address of one family", "give at most one of each");
      }
      if (a.isV6()) {
        v6 = Optional.of(a);
      } else {
        v4 = Optional.of(a);
      }
    }
    if (v4.isEmpty() && s.pool4().isPresent()) {
      v4 = Optional.of(allocate(s.pool4().get(), number, taken));
    }
    if (v6.isEmpty()) {
      v6 = Optional.of(allocate(s.pool6(tunnel), number, taken));
    }
    List<IpAddress> out = new ArrayList<>();
    v4.ifPresent(out::add);
    v6.ifPresent(out::add);
    return out;
  }

  private static IpAddress allocate(IpPrefix pool, int number, Set<IpAddress> taken) {
    return ClientPools.allocate(pool, number, taken)
        .orElseThrow(
            () ->
                new ConflictException(
                    "client pool " + pool,
                    "is full: every address is taken",
                    "remove a client, or widen the pool in the site file"));
  }

  private void ask(String question, List<String> details) {
    if (!confirmation.confirm(question, details)) {
      throw new DeclinedException(
          question.replaceFirst("\\?$", ""), "not confirmed; nothing changed");
    }
  }
}
