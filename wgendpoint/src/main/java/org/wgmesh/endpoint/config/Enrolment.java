package org.wgmesh.endpoint.config;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.DnsSources;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.record.MeshRecord;
import org.wgmesh.core.record.SeenSerials;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * {@code wgconfig}'s service: reads the mesh record, verifies it, pins the site key, and creates or
 * updates the endpoint file.
 *
 * <p>Trust: with {@code --site-fingerprint} the key the record carries must have that fingerprint
 * before anything is accepted. Without it, the first run pins the key the record carries (trust on
 * first use) and says so loudly, with the fingerprint to compare; later runs verify against the
 * pinned key and refuse a record signed by another. A pinned key is replaced only when the operator
 * gives the new key's fingerprint.
 *
 * <p>Rollback protection: the mesh serial verified is recorded in the endpoint's replay-protection
 * file ({@code <state>/<domain>.seen}, mode 0600) and a record older than one recorded there is
 * refused with nothing written.
 *
 * <p>Idempotent: re-running with the same options and an unchanged mesh record writes nothing.
 */
public final class Enrolment {
  private static final Pattern FINGERPRINT = Pattern.compile("SHA256:[A-Za-z0-9+/]{43}");

  private final Reporter reporter;
  private final Function<EnrolOptions, DnsSource> sources;
  private final Clock clock;

  /** An enrolment reading DNS (or a zone file) as the options say, with the system clock. */
  public Enrolment(Reporter reporter) {
    this(reporter, Enrolment::defaultSource, Clock.systemUTC());
  }

  /** An enrolment reading records through {@code sources} (tests), with the system clock. */
  public Enrolment(Reporter reporter, Function<EnrolOptions, DnsSource> sources) {
    this(reporter, sources, Clock.systemUTC());
  }

  /**
   * @param sources where the records come from for the options
   * @param clock decides whether the mesh record has expired
   */
  public Enrolment(Reporter reporter, Function<EnrolOptions, DnsSource> sources, Clock clock) {
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.sources = Objects.requireNonNull(sources, "sources");
    this.clock = Objects.requireNonNull(clock, "clock");
  }

  /**
   * What one run did.
   *
   * @param config the configuration now in the file
   * @param file the endpoint file
   * @param created true when the file did not exist before
   * @param changes the settings that changed, one line each ({@code key: old -> new}); empty when
   *     nothing changed
   * @param pinnedOnFirstUse true when the site key was pinned now without a fingerprint to check
   */
  public record Result(
      EndpointConfig config,
      Path file,
      boolean created,
      List<String> changes,
      boolean pinnedOnFirstUse) {
    public Result {
      changes = List.copyOf(changes);
    }

    /** Whether the file was written. */
    public boolean written() {
      return created || !changes.isEmpty();
    }
  }

  /**
   * Enrols (first run) or updates (later runs) the endpoint for {@code options.domain()}.
   *
   * @throws UsageException for conflicting options
   * @throws org.wgmesh.core.error.InputException for a malformed fingerprint (a bad option value)
   * @throws RecordException when the mesh record is missing, invalid, expired, not signed by the
   *     pinned key, or carries a key with another fingerprint than the one given, or is older than
   *     the serial recorded in the replay-protection file
   * @throws org.wgmesh.core.error.DnsException when DNS cannot be read
   * @throws FileException when the replay-protection file cannot be read or written
   * @throws org.wgmesh.core.error.ConfigException when the existing file or a new setting is
   *     invalid
   */
  public Result enrol(EnrolOptions options) {
    DomainName domain = options.domain();
    Optional<String> wantedFingerprint = options.siteFingerprint().map(Enrolment::checkFingerprint);
    if (options.resolver().isPresent() && options.zoneFile().isPresent()) {
      throw new UsageException(
          "--resolver and --zone-file", "cannot be used together", "give one of them");
    }
    Path file = EndpointPaths.path(options.configDir(), domain);
    Optional<EndpointConfig> existing =
        EndpointFile.exists(options.configDir(), domain)
            ? Optional.of(EndpointFile.load(file, domain))
            : Optional.empty();

    TxtRecordSet rrset =
        sources
            .apply(withStoredSource(options, existing))
            .lookup(domain.toString())
            .orElseThrow(
                () ->
                    new RecordException(
                        domain.toString(),
                        "no mesh record (TXT) at this name",
                        "check the domain name, the resolver, and that the site has published (wgpub)"));
    Instant now = clock.instant();
    // The keys this endpoint trusts: the pinned one, or after a site-key roll the key its
    // replay-protection file recorded, and during a roll the announced next key.
    Optional<List<Ed25519PublicKey>> trusted =
        existing.map(
            c ->
                SeenSerials.read(c.roots().seenFile(domain.toString()))
                    .trustedSiteKeys(c.siteSigningKey()));
    Optional<Ed25519PublicKey> pinned = trusted.map(t -> t.get(0));
    boolean repin =
        pinned.isPresent()
            && wantedFingerprint.isPresent()
            && !pinned.get().fingerprint().equals(wantedFingerprint.get());
    MeshRecord mesh;
    if (pinned.isPresent() && !repin) {
      mesh = decodePinned(rrset, trusted.get(), domain.toString(), file, now);
    } else {
      mesh = MeshRecord.decodeFirstContact(rrset, domain.toString(), now);
    }
    String carried = mesh.siteSigningKey().fingerprint();
    if (wantedFingerprint.isPresent() && !carried.equals(wantedFingerprint.get())) {
      throw new RecordException(
          domain.toString(),
          "the mesh record carries site key "
              + carried
              + ", not "
              + wantedFingerprint.get()
              + " (--site-fingerprint)",
          "nothing was changed; compare the fingerprint with the one 'wgsite' prints on the site controller:"
              + " a mismatch means a mistyped fingerprint or a forged record");
    }
    boolean pinnedOnFirstUse = pinned.isEmpty() && wantedFingerprint.isEmpty();

    EndpointConfig next = apply(options, existing, mesh, domain);
    // Rollback protection from the first contact (issue 12): the serial verified here goes into
    // the replay-protection file, so the first wgdeploy already refuses an older record. An older
    // record than one accepted before is refused here too, before anything is written.
    Path seenFile = next.roots().seenFile(domain.toString());
    SeenSerials seen = SeenSerials.read(seenFile);
    seen.acceptMesh(domain.toString(), mesh.serial(), mesh.issued());
    seen.acceptSiteKeys(mesh.siteSigningKey(), mesh.nextSigningKey(), mesh.siteBoxKey());
    Map<String, Object> before =
        existing.map(c -> EndpointFile.toMap(c, options.configDir())).orElse(Map.of());
    List<String> changes =
        existing.isPresent()
            ? SettingsDiff.between(before, EndpointFile.toMap(next, options.configDir()))
            : List.of();
    boolean created = existing.isEmpty();
    if (created || !changes.isEmpty()) {
      EndpointFile.save(next, file);
    }
    AtomicFiles.write(seenFile, seen.toText(), AtomicFiles.SECRET);
    if (pinnedOnFirstUse) {
      warnTrustOnFirstUse(domain.toString(), carried, file);
    }
    warnOutsideAllowed(next, mesh);
    if (repin) {
      reporter.warn(
          "site key for %s replaced: %s -> %s (confirmed by --site-fingerprint)",
          domain, pinned.get().fingerprint(), carried);
    }
    return new Result(next, file, created, changes, pinnedOnFirstUse);
  }

  /**
   * Verifies against the pinned key. When that fails but the record is a valid one of another site
   * key (a key change, or a forgery), says so with both fingerprints and the way to re-pin.
   */
  private static MeshRecord decodePinned(
      TxtRecordSet rrset, List<Ed25519PublicKey> trusted, String domain, Path file, Instant now) {
    Ed25519PublicKey pinned = trusted.get(0);
    try {
      return MeshRecord.decodeTrusted(rrset, trusted, domain, now);
    } catch (RecordException e) {
      Optional<MeshRecord> selfSigned = selfSigned(rrset, domain, now);
      if (selfSigned.isPresent() && !trusted.contains(selfSigned.get().siteSigningKey())) {
        throw new RecordException(
            domain,
            "the mesh record is signed by site key "
                + selfSigned.get().siteSigningKey().fingerprint()
                + ", not by the pinned site key "
                + pinned.fingerprint(),
            "nothing was changed. Either the record is forged, or the site key really changed (a"
                + " site-key roll this endpoint missed, offline for the whole overlap): then get the new"
                + " fingerprint from the admin and run 'wgconfig --site-fingerprint SHA256:... "
                + domain
                + "' (the pinned key is in "
                + file
                + ")",
            e);
      }
      throw e;
    }
  }

  private static Optional<MeshRecord> selfSigned(TxtRecordSet rrset, String domain, Instant now) {
    try {
      return Optional.of(MeshRecord.decodeFirstContact(rrset, domain, now));
    } catch (RecordException notEvenThat) {
      return Optional.empty();
    }
  }

  private void warnTrustOnFirstUse(String domain, String fingerprint, Path file) {
    reporter.warn("**************************************************************************");
    reporter.warn("site key for %s PINNED ON FIRST USE, without verification:", domain);
    reporter.warn("    %s", fingerprint);
    reporter.warn("compare it with the fingerprint 'wgsite' prints on the site controller.");
    reporter.warn("If they differ, remove %s and run again with", file);
    reporter.warn("    wgconfig --site-fingerprint SHA256:... %s", domain);
    reporter.warn("**************************************************************************");
  }

  /** A LAN prefix the mesh does not allow would be registered but filtered out by every peer. */
  private void warnOutsideAllowed(EndpointConfig config, MeshRecord mesh) {
    List<IpPrefix> allowed = mesh.settings().allowedLanPrefixes();
    for (IpPrefix p : config.effectiveLanPrefixes()) {
      if (allowed.stream().noneMatch(a -> a.contains(p))) {
        reporter.warn(
            "LAN prefix %s is outside the mesh's allowed LAN prefixes (%s): peers will not accept routes to it;"
                + " set the prefixes to announce with --lan-prefix, or ask the admin to allow it",
            p, String.join(", ", allowed.stream().map(IpPrefix::toString).toList()));
      }
    }
  }

  /** The options with the resolver or zone file of the existing file when none is given. */
  private static EnrolOptions withStoredSource(EnrolOptions o, Optional<EndpointConfig> existing) {
    if (o.resolver().isPresent() || o.zoneFile().isPresent() || existing.isEmpty()) {
      return o;
    }
    EndpointConfig c = existing.get();
    return new EnrolOptions(
        o.domain(), o.configDir(), o.siteFingerprint(), c.resolver(), c.zoneFile(), o.changes());
  }

  private static DnsSource defaultSource(EnrolOptions o) {
    return DnsSources.fromOptions(o.resolver(), o.zoneFile());
  }

  private static EndpointConfig apply(
      EnrolOptions o, Optional<EndpointConfig> existing, MeshRecord mesh, DomainName domain) {
    EndpointConfig base = existing.orElseGet(() -> firstRun(o, mesh, domain));
    return base.with(
        b -> {
          b.siteSigningKey = mesh.siteSigningKey();
          b.siteBoxKey = mesh.siteBoxKey();
          b.locus = mesh.settings().locus();
          o.changes().forEach(change -> change.accept(b));
          if (o.resolver().isPresent() || o.zoneFile().isPresent()) {
            b.resolver = o.resolver();
            b.zoneFile = o.zoneFile().map(Path::toAbsolutePath);
          }
        });
  }

  /** A new endpoint: a fresh identity, the default key file, every other setting at its default. */
  private static EndpointConfig firstRun(EnrolOptions o, MeshRecord mesh, DomainName domain) {
    EndpointConfig.Builder b = EndpointConfig.builder();
    b.domain = domain;
    b.siteSigningKey = mesh.siteSigningKey();
    b.siteBoxKey = mesh.siteBoxKey();
    b.locus = mesh.settings().locus();
    b.uuid = UUID.randomUUID();
    b.hostKey = EndpointPaths.defaultHostKey(o.configDir(), domain);
    return b.build();
  }

  /**
   * An override directory must exist when it is set (wgdeploy would fail on every run); it is not
   * checked when the file is read, so a removed one can still be cleared with {@code ''}.
   */
  public static Path checkTemplateDir(Path dir) {
    Path abs = dir.toAbsolutePath().normalize();
    if (!Files.isDirectory(abs)) {
      throw new InputException(
          "--template-dir " + dir,
          "is not a directory",
          "create it and put the templates to replace there (e.g. shorewall/rules.ftl), or give '' for none");
    }
    return abs;
  }

  /** Checks a {@code SHA256:} fingerprint as wgsite prints it. */
  static String checkFingerprint(String text) {
    String t = text.strip();
    if (!FINGERPRINT.matcher(t).matches()) {
      throw new InputException(
          "--site-fingerprint '" + text + "'",
          "not a site fingerprint",
          "copy it as 'wgsite' prints it: SHA256: followed by 43 base64 characters");
    }
    return t;
  }
}
