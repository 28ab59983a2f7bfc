package org.wgmesh.site;

import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.function.UnaryOperator;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.DeclinedException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.exec.CpuWork;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.original.OriginalBlob;
import org.wgmesh.core.registration.KeyRotation;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteClient;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.core.site.SiteKeyRolls;
import org.wgmesh.core.site.SiteKeyStore;

/**
 * The admin's operations on a site file: create, validate, admit hosts, remove hosts. Every change
 * is shown through the {@link Reporter}, approved through the {@link Confirmation}, and then
 * written atomically with a backup; a failed or declined run leaves the file byte for byte as it
 * was.
 */
public final class SiteAdmin {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Reporter reporter;
  private final Confirmation confirmation;

  public SiteAdmin(Reporter reporter, Confirmation confirmation) {
    this.reporter = reporter;
    this.confirmation = confirmation;
  }

  /**
   * Loads the site, or creates it when the file does not exist and {@code create} names at least
   * the domain and locus.
   *
   * @throws WgmeshException (usage) when the file is missing and domain or locus are not given
   * @throws ConflictException when the file exists and a creation option contradicts it
   */
  public Site openOrCreate(Path yaml, NewSite create) {
    if (Files.exists(yaml)) {
      return open(yaml, create);
    }
    if (create.domain().isEmpty() || create.locus().isEmpty()) {
      throw new UsageException(
          yaml.toString(),
          "the site file does not exist",
          "to create a site, give --domain and --locus, e.g. wgsite --domain mesh.example.com --locus mesh1 "
              + yaml);
    }
    // Options are checked before the lock, so a refused creation leaves nothing behind.
    NewSiteValues v = checked(yaml, create);
    // Creating writes the site file and its keys under the lock, so two creations cannot mix the
    // keys of one with the file of the other; the second one then finds the site and checks it.
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      if (Files.exists(yaml)) {
        return open(yaml, create);
      }
      Site site = SiteFile.create(yaml, v.settings(), v.asn(), v.publish());
      SiteKeyStore kp = SiteKeyStore.beside(yaml);
      reporter.info(
          "created %s with site keys in %s and %s (mode 0600)", yaml, kp.signing(), kp.box());
      return site;
    }
  }

  private Site open(Path yaml, NewSite create) {
    Site site = SiteFile.load(yaml);
    SiteKeyStore kp = SiteKeyStore.beside(yaml);
    reporter.detail(
        "loaded %s: %d hosts, %d retired; keys %s and %s",
        yaml, site.hosts().size(), site.retired().size(), kp.signing(), kp.box());
    checkMatches(site, create, yaml);
    return site;
  }

  /** The checked creation options of a new site. */
  private record NewSiteValues(MeshSettings settings, AsnRange asn, String publish) {}

  private static NewSiteValues checked(Path yaml, NewSite create) {
    String domain = DomainName.parse(create.domain().orElseThrow(), "--domain").name();
    String locus = SiteFile.checkLocus(create.locus().orElseThrow());
    IpPrefix tunnel =
        create
            .tunnelPrefix()
            .map(
                t ->
                    SiteFile.checkTunnelPrefix(
                        IpPrefix.parse(t, "--tunnel-prefix"), "--tunnel-prefix"))
            .orElseGet(SiteAdmin::randomUla);
    int portbase = create.portbase().orElse(SiteFile.defaultPortbase());
    if (portbase < 1 || portbase > 65534) {
      throw new InputException("--portbase", portbase + " is out of range 1..65534");
    }
    AsnRange asn = AsnRange.parse(create.asnRange().orElse(AsnRange.DEFAULT), "--asn-range");
    String publish =
        create
            .publish()
            .map(p -> SiteFile.checkPublishTarget(p, domain, "--publish"))
            .orElseGet(() -> SiteFile.defaultPublishTarget(yaml, domain));
    MeshSettings settings =
        new MeshSettings(
            domain,
            locus,
            tunnel,
            portbase,
            SiteFile.defaultAllowedLanPrefixes(),
            Topology.FULL_MESH);
    return new NewSiteValues(settings, asn, publish);
  }

  private static void checkMatches(Site site, NewSite c, Path yaml) {
    MeshSettings s = site.settings();
    List<String> diffs = new ArrayList<>();
    c.domain()
        .filter(d -> !DomainName.parse(d, "--domain").name().equals(s.domain()))
        .ifPresent(d -> diffs.add("--domain " + d + " (file: " + s.domain() + ")"));
    c.locus()
        .filter(l -> !l.equals(s.locus()))
        .ifPresent(l -> diffs.add("--locus " + l + " (file: " + s.locus() + ")"));
    c.tunnelPrefix()
        .filter(t -> !t.equals(s.tunnelPrefix().toString()))
        .ifPresent(t -> diffs.add("--tunnel-prefix " + t + " (file: " + s.tunnelPrefix() + ")"));
    if (c.portbase().isPresent() && c.portbase().getAsInt() != s.portbase()) {
      diffs.add("--portbase " + c.portbase().getAsInt() + " (file: " + s.portbase() + ")");
    }
    c.asnRange()
        .filter(a -> !a.equals(site.asnRange().toString()))
        .ifPresent(a -> diffs.add("--asn-range " + a + " (file: " + site.asnRange() + ")"));
    c.publish()
        .filter(p -> !p.equals(site.publishTarget()))
        .ifPresent(p -> diffs.add("--publish " + p + " (file: " + site.publishTarget() + ")"));
    if (!diffs.isEmpty()) {
      throw new ConflictException(
          yaml.toString(),
          "the site exists and differs from " + String.join(", ", diffs),
          "creation options only apply to a new site; edit the file to change an existing one");
    }
  }

  /** A random RFC 4193 unique local /48: fd00::/8 plus 40 random bits. */
  static IpPrefix randomUla() {
    byte[] b = new byte[16];
    byte[] r = new byte[5];
    RANDOM.nextBytes(r);
    b[0] = (byte) 0xfd;
    System.arraycopy(r, 0, b, 1, 5);
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < 6; i += 2) {
      sb.append(Integer.toHexString(((b[i] & 0xff) << 8) | (b[i + 1] & 0xff))).append(':');
    }
    return IpPrefix.parse(sb + ":/48", "random ULA");
  }

  /**
   * Opens every blob, plans their admission, shows it, asks, and writes the site file once. All or
   * nothing: any bad blob or conflict changes nothing.
   *
   * @return the admission that was applied (or found to change nothing)
   * @throws InputException naming the blob (and file line) that is malformed or for another site
   * @throws ConflictException for a uuid with another key (without replace) or a clash with another
   *     host
   * @throws WgmeshException with {@link ExitCode#DECLINED} when the operator says no
   */
  public Admission admit(Path yaml, List<BlobSource.Blob> blobs, boolean replace) {
    return admit(yaml, blobs, replace, Instant.now());
  }

  /**
   * {@link #admit(Path, List, boolean)} at {@code now}: a key rotation schedules the switch to the
   * new key at {@code now} plus the site's {@code key-switch-delay}.
   */
  public Admission admit(Path yaml, List<BlobSource.Blob> blobs, boolean replace, Instant now) {
    return admit(yaml, blobs, replace, List.of(), now);
  }

  /**
   * {@link #admit(Path, List, boolean, Instant)} of one blob of the original wgmesh (issue 26) with
   * the LAN prefixes it cannot carry ({@code --lan}).
   *
   * @param lans the host's LAN prefixes; not empty only with a single original blob
   * @throws UsageException when {@code lans} is given with other blobs
   */
  public Admission admit(
      Path yaml, List<BlobSource.Blob> blobs, boolean replace, List<IpPrefix> lans, Instant now) {
    if (!lans.isEmpty()
        && (blobs.size() != 1 || !OriginalBlob.looksOriginal(blobs.get(0).text()))) {
      throw new UsageException(
          "wgsite -i",
          "--lan goes with -i only for a single blob of the original wgmesh (which carries no LANs)",
          "a wgmesh blob carries the host's LANs: make a new one with 'wghost --lan'");
    }
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml); // the usual "does not exist" error, without creating a lock file
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      return admitLocked(yaml, blobs, replace, lans, now);
    }
  }

  private Admission admitLocked(
      Path yaml, List<BlobSource.Blob> blobs, boolean replace, List<IpPrefix> lans, Instant now) {
    Site site = SiteFile.load(yaml);
    // Opening a blob costs two X25519 operations: the blobs open side by side (issue 21: 82% of
    // admitting 10,000 blobs), then are reported and judged in their order, so the first bad blob
    // is the one named, as before.
    List<Opened> opened = CpuWork.map(blobs, b -> open(site, b, lans, now));
    List<Registration> regs = new ArrayList<>();
    int rotations = 0;
    for (int i = 0; i < blobs.size(); i++) {
      BlobSource.Blob b = blobs.get(i);
      reporter.detail("opening the blob from %s (%d characters)", b.where(), b.text().length());
      Opened o = opened.get(i);
      if (o.error().orElse(null) instanceof InputException e) {
        String what =
            blobs.size() == 1 && b.where().equals("command line")
                ? e.what()
                : b.where() + ": " + e.what();
        throw new InputException(what, e.why(), e.hint().orElse(null), e);
      } else if (o.error().isPresent()) {
        throw o.error().get();
      }
      regs.add(o.registration().orElseThrow());
      rotations += o.rotation() ? 1 : 0;
    }
    if (rotations > 0 && rotations < regs.size()) {
      throw new UsageException(
          "wgsite -i",
          "key rotation blobs and registration blobs cannot be imported together",
          "import the rotations (from 'wghost --rotate-key') in a run of their own");
    }
    boolean rotation = rotations > 0;
    // A rotation proves possession of the admitted key: it replaces that host's key (number, ASN
    // and ports stay) without --replace and without asking (issue 12: rotation without a human),
    // as a switch that every end makes at one time, key-switch-delay from now.
    Admission plan =
        rotation
            ? Admission.planRotation(site, regs, now)
            : batchSources(blobs)
                .map(sources -> Admission.plan(site, regs, replace, sources))
                .orElseGet(() -> Admission.plan(site, regs, replace));
    List<String> details = new ArrayList<>();
    for (int i = 0; i < plan.steps().size(); i++) {
      details.addAll(describe(plan.steps().get(i), site, opened.get(i)));
    }
    if (!plan.changes()) {
      details.forEach(d -> reporter.info("%s", d));
      reporter.info("nothing changed in %s", yaml);
      return plan;
    }
    long n = plan.steps().stream().filter(s -> s.kind() != Admission.Kind.UNCHANGED).count();
    if (rotation) {
      details.forEach(d -> reporter.info("%s", d));
      reporter.info(
          "key rotation endorsed by the admitted key of each host: no confirmation needed");
    } else {
      ask(
          "Admit " + n + (n == 1 ? " host" : " hosts") + " into " + site.settings().domain() + "?",
          details);
    }
    SiteFile.save(plan.after(), yaml);
    reporter.info(
        "saved %s (previous version in %s%s); run 'wgpub %s' to publish",
        yaml, yaml.getFileName(), SiteFile.BACKUP_SUFFIX, yaml);
    return plan;
  }

  /**
   * A blob opened: its registration, whether it was a key rotation, and for a blob of the original
   * wgmesh its notes; or why it did not open.
   */
  private record Opened(
      Optional<Registration> registration,
      boolean rotation,
      Optional<List<String>> originalNotes,
      Optional<RuntimeException> error) {
    static Opened ok(Registration registration, boolean rotation) {
      return new Opened(Optional.of(registration), rotation, Optional.empty(), Optional.empty());
    }

    static Opened original(OriginalBlob.Opened o) {
      return new Opened(
          Optional.of(o.registration()), false, Optional.of(o.notes()), Optional.empty());
    }

    static Opened failed(RuntimeException error) {
      return new Opened(Optional.empty(), false, Optional.empty(), Optional.of(error));
    }
  }

  private static Opened open(Site site, BlobSource.Blob b, List<IpPrefix> lans, Instant now) {
    try {
      if (KeyRotation.isRotation(b.text())) {
        return Opened.ok(openRotation(site, b.text(), now), true);
      }
      if (OriginalBlob.looksOriginal(b.text())) {
        return Opened.original(OriginalAdmission.open(site, b.text(), lans, now));
      }
      return Opened.ok(openBlob(site, b.text()), false);
    } catch (RuntimeException e) {
      return Opened.failed(e);
    }
  }

  /** Where each blob came from, for conflicts inside a batch; none for one command-line blob. */
  private static Optional<List<String>> batchSources(List<BlobSource.Blob> blobs) {
    if (blobs.size() == 1 && blobs.get(0).where().equals("command line")) {
      return Optional.empty();
    }
    return Optional.of(blobs.stream().map(BlobSource.Blob::where).toList());
  }

  private static List<String> describe(Admission.Step st, Site site, Opened opened) {
    List<String> out = new ArrayList<>();
    Registration r = st.registration();
    HostEntry e = st.entry();
    int portbase = site.settings().portbase();
    String kind =
        switch (st.kind()) {
          case NEW -> "new host";
          case REPLACED -> "REPLACES the key of host number " + e.number();
          case UPDATED -> "updates host number " + e.number();
          case UNCHANGED -> "unchanged";
        };
    out.add(String.format("host:       %s (%s)", r.hostname(), kind));
    if (opened.originalNotes().isPresent()) {
      out.add(String.format("origin:     %s", OriginalAdmission.ORIGIN));
    }
    out.add(String.format("uuid:       %s", r.uuid()));
    out.add(String.format("key:        %s", r.publicKey().fingerprint()));
    if (st.kind() == Admission.Kind.REPLACED) {
      out.add(
          String.format("old key:    %s", st.previous().orElseThrow().publicKey().fingerprint()));
    }
    e.keySwitch()
        .ifPresent(
            ks ->
                out.add(
                    String.format(
                        "switch:     key switch from %s to %s at %s",
                        ks.from().fingerprint(), e.publicKey().fingerprint(), ks.at())));
    out.add(
        String.format(
            "endpoints:  %s",
            r.endpoints().isEmpty() ? "(none: dials out only)" : join(r.endpoints())));
    out.add(
        String.format(
            "LANs:       %s", r.lanPrefixes().isEmpty() ? "(none)" : join(r.lanPrefixes())));
    if (!r.sharedLans().isEmpty()) {
      out.add(String.format("shared LAN: %s", join(r.sharedLans())));
    }
    out.add(
        String.format(
            "HPKE key:   %s",
            r.hpkePublic()
                .map(X25519PublicKey::fingerprint)
                .orElse("(none: its key record is sealed to its WireGuard key)")));
    if (opened.originalNotes().isEmpty()) {
      out.add(String.format("created:    %s", r.created()));
    }
    out.add(
        String.format(
            "number:     %d (port %d, AS %d)", e.number(), portbase + e.number(), e.asn()));
    for (String note : opened.originalNotes().orElse(List.of())) {
      out.add(String.format("note:       %s", note));
    }
    if (st.note().isPresent()) {
      out.add(String.format("note:       %s", st.note().get()));
    }
    out.add("");
    return out;
  }

  private static String join(List<?> items) {
    return String.join(", ", items.stream().map(Object::toString).toList());
  }

  /**
   * Removes a host by uuid or hostname after confirmation; its number is retired until the removal
   * is published.
   *
   * @return the removed host
   * @throws InputException when no host matches
   * @throws WgmeshException with {@link ExitCode#DECLINED} when the operator says no
   */
  public HostEntry remove(Path yaml, String who) {
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml); // the usual "does not exist" error, without creating a lock file
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      return removeLocked(yaml, who);
    }
  }

  private HostEntry removeLocked(Path yaml, String who) {
    Site site = SiteFile.load(yaml);
    Optional<HostEntry> h = Optional.empty();
    if (who.matches(
        "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      h = site.host(UUID.fromString(who));
    }
    if (h.isEmpty()) {
      h = site.hostNamed(who);
    }
    HostEntry host =
        h.orElseThrow(
            () ->
                new InputException(
                    "--remove " + who,
                    "no host with this uuid or hostname in " + yaml,
                    "see 'wgsite --list " + yaml + "'"));
    // A client names the hosts it attaches to (issue 25): it must move before its host goes.
    for (SiteClient c : site.clients().list()) {
      if (c.attach().contains(host.hostname())) {
        throw new ConflictException(
            "--remove " + who,
            "client " + c.name() + " attaches to " + host.hostname(),
            "remove the client (wgsite --remove-client) or add it again attached to other hosts,"
                + " then remove the host");
      }
    }
    List<String> details =
        List.of(
            String.format(
                "host:       %s (number %d, AS %d)", host.hostname(), host.number(), host.asn()),
            "uuid:       " + host.uuid(),
            "key:        " + host.publicKey().fingerprint(),
            "");
    ask("Remove " + host.hostname() + " from " + site.settings().domain() + "?", details);
    SiteFile.save(site.withoutHost(host.uuid()), yaml);
    reporter.info(
        "removed %s; number %d stays reserved until 'wgpub %s' has published the removal",
        host.hostname(), host.number(), yaml);
    return host;
  }

  /**
   * Forgets the original wgmesh's site key (issue 26) after confirmation, once every host has moved
   * over: the site file drops {@code site-keys.original-public} and {@code NAME.original.key} is
   * deleted, so blobs of the original wgmesh are refused from then on. Nothing else changes.
   *
   * @return the site without the key
   * @throws InputException when the site has no original key (nor a key file left by a forget cut
   *     short, which this finishes)
   * @throws WgmeshException with {@link ExitCode#DECLINED} when the operator says no
   */
  public Site forgetOriginal(Path yaml) {
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml); // the usual "does not exist" error, without creating a lock file
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      Site site = SiteFile.load(yaml);
      Path keyFile = SiteKeyStore.beside(yaml).original();
      if (site.originalKey().isEmpty() && !Files.exists(keyFile)) {
        throw new InputException(
            "--forget-original",
            yaml + " names no original wgmesh key (site-keys.original-public)",
            "only a site imported with 'wgsite --import-original' has one");
      }
      // Without the key in the site file but with its file: a forget cut short after the site
      // file was written; this run finishes it.
      ask(
          "Forget the original wgmesh's site key of " + site.settings().domain() + "?",
          List.of(
              "original key: "
                  + site.originalKey()
                      .map(k -> k.publicKey().fingerprint())
                      .orElse("(already gone from the site file)"),
              "key file:     " + keyFile + " (deleted)",
              "afterwards:   blobs of the original wgmesh are refused; hosts still running it",
              "              must move over first (wgconfig --import-original)",
              ""));
      Site forgotten = SiteFile.forgetOriginal(site, yaml);
      reporter.info(
          "forgot the original key: removed original-public from %s and deleted %s", yaml, keyFile);
      return forgotten;
    }
  }

  /**
   * Changes the mesh-wide link settings (MTU, keepalive, BFD profile; issues 20 and 21) after
   * confirmation; {@code wgpub} then publishes them in the mesh record. Nothing changes when the
   * settings are already these.
   *
   * @param change the new settings from the current ones
   * @return the site as it is afterwards
   * @throws WgmeshException with {@link ExitCode#DECLINED} when the operator says no
   */
  public Site setLinks(Path yaml, UnaryOperator<LinkSettings> change) {
    return setLinks(yaml, change, true);
  }

  /**
   * {@link #setLinks(Path, java.util.function.UnaryOperator)}, asking first only when {@code ask}:
   * a site created by this same command takes its settings without a question, as it takes the
   * other creation options.
   */
  public Site setLinks(Path yaml, UnaryOperator<LinkSettings> change, boolean ask) {
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml);
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      Site site = SiteFile.load(yaml);
      var before = site.settings().links();
      var after = change.apply(before);
      if (after.equals(before)) {
        reporter.info("link settings unchanged");
        return site;
      }
      if (ask) {
        ask(
            "Change the link settings of " + site.settings().domain() + "?",
            List.of(
                "mtu:        " + mtuText(before) + " -> " + mtuText(after),
                "keepalive:  " + before.keepalive() + " s -> " + after.keepalive() + " s",
                "bfd:        " + before.bfd().text() + " -> " + after.bfd().text(),
                ""));
      }
      Site changed = site.withLinks(after);
      SiteFile.save(changed, yaml);
      reporter.info("link settings changed; run 'wgpub %s' to publish them", yaml);
      return changed;
    }
  }

  /** {@code auto} (by the underlay family) or the number. */
  public static String mtuText(LinkSettings l) {
    return l.mtu().isPresent()
        ? Integer.toString(l.mtu().getAsInt())
        : "auto (1420 over IPv4, 1400 over IPv6)";
  }

  /**
   * Starts a site signing-key roll (issue 12) after confirmation: makes the next key, which the
   * mesh record announces (signed by the current key) until {@code now + overlap}; from then on
   * {@code wgpub} signs with the new key alone and drops the old one.
   *
   * @return the site with the roll
   * @throws org.wgmesh.core.error.ConflictException when a roll is already under way
   * @throws InputException when the overlap is shorter than the record lifetime
   * @throws WgmeshException with {@link ExitCode#DECLINED} when the operator says no
   */
  public Site rollSiteKey(Path yaml, Duration overlap, Instant now) {
    if (!Files.exists(yaml)) {
      SiteFile.load(yaml);
    }
    try (LockFile lock = SiteFile.lock(yaml, SiteFile.LOCK_WAIT)) {
      Site site = SiteFile.load(yaml);
      if (overlap.compareTo(site.recordLifetime()) < 0) {
        // Shorter, and an endpoint could hold a record without the announcement until the switch.
        throw new InputException(
            "--overlap",
            "must be at least the record lifetime (" + site.recordLifetime().toDays() + " days)",
            "give e.g. --overlap 14d; it should cover the longest time an endpoint stays offline");
      }
      ask(
          "Roll the site signing key of " + site.settings().domain() + "?",
          List.of(
              "current key: " + site.keys().fingerprint(),
              "overlap:     the current key signs (announcing the next one) until "
                  + now.plus(overlap).truncatedTo(ChronoUnit.SECONDS),
              "after that:  the new key signs alone; an endpoint that read no record during the",
              "             overlap must be re-pinned with wgconfig --site-fingerprint NEW",
              ""));
      Site rolled = SiteKeyRolls.start(site, yaml, overlap, now);
      var roll = rolled.keyPolicy().roll().orElseThrow();
      reporter.info(
          "site-key roll started: next key %s (in %s), signs alone from %s; run wgpub to announce it",
          roll.nextSigning().publicKey().fingerprint(),
          SiteKeyStore.beside(yaml).nextSigning().getFileName(),
          roll.at());
      return rolled;
    }
  }

  /**
   * Opens a key rotation blob: the endorsement must be sealed by the key this site has admitted for
   * the registration's uuid, and endorse the registration's (new) key.
   */
  private static Registration openRotation(Site site, String text, Instant now) {
    String domain = site.settings().domain();
    KeyRotation.Opened o;
    try {
      o = KeyRotation.open(text, site.keys().box(), domain);
    } catch (InputException e) {
      var roll = site.keyPolicy().roll();
      if (roll.isEmpty()) {
        throw e;
      }
      o = KeyRotation.open(text, roll.get().nextBox(), domain);
    }
    Registration r = openBlob(site, o.registrationBlob());
    if (!r.publicKey().equals(o.newKey())) {
      throw new InputException(
          "rotation blob", "the endorsement names another new key than the registration carries");
    }
    HostEntry admitted =
        site.host(r.uuid())
            .orElseThrow(
                () ->
                    new InputException(
                        "rotation blob: uuid",
                        "no host " + r.uuid() + " in this site to rotate the key of",
                        "a new host registers with a plain 'wghost' blob"));
    // The admitted key, or while a switch is still ahead the key the host uses until it (a host
    // that has not switched yet rotating again). Not after it: the previous key is retired then,
    // and whoever got hold of it must not be able to rotate the host's key.
    X25519PublicKey endorser = o.oldKey();
    boolean endorsed =
        admitted.publicKey().equals(endorser)
            || admitted.pendingSwitchAt(now).map(s -> s.from().equals(endorser)).orElse(false);
    if (!endorsed) {
      throw new InputException(
          "rotation blob: old key",
          "endorsed by key "
              + o.oldKey().fingerprint()
              + ", but host "
              + admitted.hostname()
              + " is admitted with "
              + admitted.publicKey().fingerprint()
              + admitted
                  .pendingSwitchAt(now)
                  .map(sw -> " (switching from " + sw.from().fingerprint() + " at " + sw.at() + ")")
                  .orElse(""),
          "nothing was changed; a rotation must be endorsed by the host's current key (a host"
              + " whose key is lost registers again and is imported with --replace)");
    }
    // A rotation changes the keys alone (the WireGuard key and the HPKE key the blob carries, none
    // when it carries none): the name, addresses, LANs and shared LANs stay as admitted (changing
    // those is a new registration, imported with --replace after a human look).
    return Registration.builder()
        .uuid(admitted.uuid())
        .hostname(admitted.hostname())
        .publicKey(r.publicKey())
        .endpoints(admitted.endpoints())
        .lanPrefixes(admitted.lanPrefixes())
        .created(r.created())
        .sharedLans(admitted.sharedLans())
        .hpkePublic(r.hpkePublic())
        .build();
  }

  /**
   * Opens a blob with the site box key, or during a site-key roll with the next one (an endpoint
   * that saw the announcement may seal to either).
   */
  /**
   * Opens a registration blob sealed to the site's box key (or, during a site-key roll, to the next
   * one), as {@code wgsite -i} does: the enrolment service and its queue use the same check.
   *
   * @throws InputException when the blob is malformed, for another site or not sealed to it
   */
  public static Registration openBlob(Site site, String text) {
    try {
      return RegistrationBlob.open(text, site.keys().box(), site.settings().domain());
    } catch (InputException e) {
      var roll = site.keyPolicy().roll();
      if (roll.isEmpty()) {
        throw e;
      }
      try {
        return RegistrationBlob.open(text, roll.get().nextBox(), site.settings().domain());
      } catch (InputException withNext) {
        throw e;
      }
    }
  }

  private void ask(String question, List<String> details) {
    if (!confirmation.confirm(question, details)) {
      throw new DeclinedException(
          question.replaceFirst("\\?$", ""), "not confirmed; nothing changed");
    }
  }
}
