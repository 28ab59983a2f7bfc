package org.wgmesh.core.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.yaml.YamlDocuments;

/**
 * Reads and writes the site file ({@code wgmesh.yaml}) and its two key files beside it ({@code
 * wgmesh.sign.key}, {@code wgmesh.box.key}, mode 0600). Private keys never go into the YAML; the
 * YAML holds the public keys so a swapped or damaged key file is noticed. The format is documented
 * in {@code docs/site-file.md}.
 */
public final class SiteFile {
  /** Suffix of the backup kept of the previous version on every write. */
  public static final String BACKUP_SUFFIX = ".bak";

  private SiteFile() {}

  /**
   * Where the key files of a site file live.
   *
   * @param signing the Ed25519 signing key file
   * @param box the X25519 box key file
   */
  public record KeyPaths(Path signing, Path box) {}

  /**
   * The largest site file read, checked before parsing (issue 19). A generated site of 10,000 hosts
   * (one endpoint and one LAN each) is 2.25 MB, about 225 bytes a host; 16 MiB leaves room for
   * hosts with several endpoints and LANs, key switches, the retired list and comments, about seven
   * times that size, while parsing a file this large stays within a few hundred MB of memory.
   */
  public static final long MAX_BYTES = 16L << 20;

  /**
   * The key files for {@code yaml}: {@code <name>.sign.key} and {@code <name>.box.key}, beside it.
   */
  public static KeyPaths keyPaths(Path yaml) {
    String name = yaml.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return new KeyPaths(
        yaml.resolveSibling(name + ".sign.key"), yaml.resolveSibling(name + ".box.key"));
  }

  /**
   * Reads, validates and returns the site, with its private keys loaded and checked against the
   * public keys in the file.
   *
   * @throws FileException when the file or a key file cannot be read (or a key file is not 0600)
   * @throws ConfigException naming the property and line of the first problem, or a mismatching key
   *     file
   */
  public static Site load(Path yaml) {
    SiteSpec spec = SiteSpec.parse(YamlDocuments.read(yaml, "site-file size limit", MAX_BYTES));
    KeyPaths kp = keyPaths(yaml);
    Path nextFile = nextSigningKeyPath(yaml);
    Path nextBoxFile = nextBoxKeyPath(yaml);
    Ed25519PrivateKey signing = readKey(kp.signing(), Ed25519PrivateKey::parse);
    X25519PrivateKey box = readKey(kp.box(), X25519PrivateKey::parse);
    if (!box.publicKey().equals(spec.boxPublic())
        && spec.roll() == null
        && Files.exists(nextBoxFile)
        && readKey(nextBoxFile, X25519PrivateKey::parse).publicKey().equals(spec.boxPublic())) {
      box = readKey(nextBoxFile, X25519PrivateKey::parse); // an interrupted completion, as below
    }
    if (!signing.publicKey().equals(spec.signingPublic())
        && spec.roll() == null
        && Files.exists(nextFile)
        && readKey(nextFile, Ed25519PrivateKey::parse).publicKey().equals(spec.signingPublic())) {
      // A roll whose completion was interrupted after the site file named the new key and before
      // its key file replaced the old one: the new key is the current one (completeRoll renames).
      signing = readKey(nextFile, Ed25519PrivateKey::parse);
    }
    if (!signing.publicKey().equals(spec.signingPublic())) {
      throw spec.signingNode()
          .error(
              "does not match the private key in " + kp.signing(),
              "restore the right "
                  + kp.signing().getFileName()
                  + " (e.g. from a backup); never edit site-keys by hand");
    }
    if (!box.publicKey().equals(spec.boxPublic())) {
      throw spec.boxNode()
          .error(
              "does not match the private key in " + kp.box(),
              "restore the right "
                  + kp.box().getFileName()
                  + " (e.g. from a backup); never edit site-keys by hand");
    }
    KeyPolicy policy = spec.keyPolicy();
    if (spec.roll() != null) {
      Ed25519PrivateKey next = readKey(nextFile, Ed25519PrivateKey::parse);
      if (!next.publicKey().equals(spec.roll().nextPublic())) {
        throw spec.roll()
            .node()
            .error(
                "does not match the private key in " + nextFile,
                "restore the right " + nextFile.getFileName() + "; never edit site-keys by hand");
      }
      X25519PrivateKey nextBox = readKey(nextBoxFile, X25519PrivateKey::parse);
      if (!nextBox.publicKey().equals(spec.roll().nextBoxPublic())) {
        throw spec.roll()
            .boxNode()
            .error(
                "does not match the private key in " + nextBoxFile,
                "restore the right "
                    + nextBoxFile.getFileName()
                    + "; never edit site-keys by hand");
      }
      policy =
          policy.withRoll(java.util.Optional.of(new SiteKeyRoll(next, nextBox, spec.roll().at())));
    }
    return new Site(
        spec.settings(),
        spec.hosts(),
        new SiteKeys(signing, box),
        spec.asnRange(),
        spec.publishTarget(),
        spec.ttl(),
        spec.recordLifetime(),
        spec.retired(),
        policy);
  }

  /**
   * Parses a duration as the site file writes them ({@code 300}, {@code 15m}, {@code 12h}, {@code
   * 14d}).
   *
   * @throws InputException naming {@code what} for another form
   */
  public static java.time.Duration parseDuration(String text, String what) {
    return Durations.parse(text, what);
  }

  /** The next signing key's file during a roll: {@code <name>.sign.next.key}, beside the file. */
  public static Path nextSigningKeyPath(Path yaml) {
    String name = yaml.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return yaml.resolveSibling(name + ".sign.next.key");
  }

  /** The next box key's file during a roll: {@code <name>.box.next.key}, beside the file. */
  public static Path nextBoxKeyPath(Path yaml) {
    String name = yaml.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return yaml.resolveSibling(name + ".box.next.key");
  }

  /**
   * Starts a site-key roll: makes the next signing and box keys ({@code <name>.sign.next.key},
   * {@code <name>.box.next.key}, 0600) and records their public halves and the end of the overlap
   * in the site file. The caller holds the lock.
   *
   * @param overlap how long the current key keeps signing while records announce the next one;
   *     should cover the longest time an endpoint may stay offline (and at least one record
   *     lifetime, so every endpoint sees an announcement before the switch)
   * @return the site with the roll
   * @throws org.wgmesh.core.error.ConflictException when a roll is already under way
   * @throws FileException when the key file exists or cannot be written
   */
  public static Site startRoll(Path yaml, java.time.Duration overlap, java.time.Instant now) {
    Site site = load(yaml);
    if (site.keyPolicy().roll().isPresent()) {
      SiteKeyRoll r = site.keyPolicy().roll().get();
      throw new org.wgmesh.core.error.ConflictException(
          yaml.toString(),
          "a site-key roll to "
              + r.nextSigning().publicKey().fingerprint()
              + " is already under way (the new key signs alone from "
              + r.at()
              + ")",
          "let it complete (wgpub after that time finishes it), then start another");
    }
    Path nextFile = nextSigningKeyPath(yaml);
    Path nextBoxFile = nextBoxKeyPath(yaml);
    Ed25519PrivateKey next = Ed25519PrivateKey.generate();
    X25519PrivateKey nextBox = X25519PrivateKey.generate();
    for (Path p : List.of(nextFile, nextBoxFile)) {
      if (Files.exists(p)) {
        throw new FileException(
            p.toString(),
            "exists, but the site file records no roll",
            "a roll was started and its site file lost, or completed half-way: move the file away"
                + " (keep it until you know which key the endpoints pin) and run again");
      }
    }
    KeyFiles.createSecret(nextFile, next.toBase64());
    KeyFiles.createSecret(nextBoxFile, nextBox.toBase64());
    Site rolled =
        site.withKeyPolicy(
            site.keyPolicy()
                .withRoll(
                    java.util.Optional.of(new SiteKeyRoll(next, nextBox, now.plus(overlap)))));
    save(rolled, yaml);
    return rolled;
  }

  /**
   * Completes a roll whose overlap is over at {@code now}: the site file names the next key as the
   * signing key (and no roll), then the next key file replaces the old key file, which is gone. The
   * caller holds the lock and has published the records signed by the new key. Idempotent, and it
   * also finishes a completion that was interrupted between the two steps.
   *
   * @return true when it changed a file
   * @throws FileException when a file cannot be written
   */
  public static boolean completeRoll(Path yaml, java.time.Instant now) {
    Site site = load(yaml);
    Path nextFile = nextSigningKeyPath(yaml);
    boolean changed = false;
    java.util.Optional<SiteKeyRoll> roll = site.keyPolicy().roll();
    if (roll.isPresent()) {
      if (!roll.get().due(now)) {
        return false;
      }
      Site done =
          new Site(
              site.settings(),
              site.hosts(),
              roll.get().nextKeys(),
              site.asnRange(),
              site.publishTarget(),
              site.ttl(),
              site.recordLifetime(),
              site.retired(),
              site.keyPolicy().withRoll(java.util.Optional.empty()));
      save(done, yaml);
      changed = true;
    }
    SiteKeys keysNow = load(yaml).keys();
    if (Files.exists(nextFile)
        && readKey(nextFile, Ed25519PrivateKey::parse)
            .publicKey()
            .equals(keysNow.signing().publicKey())) {
      moveKey(nextFile, keyPaths(yaml).signing());
      changed = true;
    }
    Path nextBoxFile = nextBoxKeyPath(yaml);
    if (Files.exists(nextBoxFile)
        && readKey(nextBoxFile, X25519PrivateKey::parse)
            .publicKey()
            .equals(keysNow.box().publicKey())) {
      moveKey(nextBoxFile, keyPaths(yaml).box());
      changed = true;
    }
    return changed;
  }

  private static void moveKey(Path from, Path to) {
    try {
      Files.move(
          from,
          to,
          java.nio.file.StandardCopyOption.REPLACE_EXISTING,
          java.nio.file.StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new FileException(
          from.toString(), "cannot move over the old key file: " + e.getMessage(), null, e);
    }
  }

  private interface KeyParser<K> {
    K parse(String base64, String what);
  }

  private static <K> K readKey(Path file, KeyParser<K> parser) {
    String text = KeyFiles.readSecret(file);
    try {
      return parser.parse(text, file.toString());
    } catch (InputException e) {
      throw new ConfigException(
          file.toString(), "not a key file: " + e.why(), "restore it from a backup");
    }
  }

  /**
   * Writes {@code site} to {@code yaml} atomically, after copying the previous version to {@code
   * yaml.bak}. Nothing is written when the content would not change.
   *
   * @return true when the file changed
   * @throws FileException when it cannot be written (the old file is then intact)
   */
  public static boolean save(Site site, Path yaml) {
    String text = render(site);
    try {
      if (Files.isRegularFile(yaml) && Files.readString(yaml).equals(text)) {
        return false;
      }
    } catch (IOException e) {
      // unreadable or not UTF-8: fall through and replace it, keeping a backup
    }
    AtomicFiles.backup(yaml, BACKUP_SUFFIX);
    return AtomicFiles.write(yaml, text, AtomicFiles.GROUP);
  }

  /**
   * Creates a new site: key files (0600, refusing to overwrite existing ones) and the site file.
   *
   * @throws FileException when the site file or a key file already exists
   */
  public static Site create(
      Path yaml, MeshSettings settings, AsnRange asnRange, String publishTarget) {
    if (Files.exists(yaml)) {
      throw new FileException(yaml.toString(), "already exists");
    }
    KeyPaths kp = keyPaths(yaml);
    for (Path p : List.of(kp.signing(), kp.box())) {
      if (Files.exists(p)) {
        throw new FileException(
            p.toString(),
            "a key file exists but the site file does not",
            "move the old key files away (they may belong to a site whose file was lost) and run again");
      }
    }
    SiteKeys keys = SiteKeys.generate();
    Site site =
        new Site(
            settings,
            List.of(),
            keys,
            asnRange,
            publishTarget,
            SiteSpec.DEFAULT_TTL,
            SiteSpec.DEFAULT_RECORD_LIFETIME,
            List.of());
    KeyFiles.createSecret(kp.signing(), keys.signing().toBase64());
    KeyFiles.createSecret(kp.box(), keys.box().toBase64());
    save(site, yaml);
    return site;
  }

  /** How long a command waits for another one that is changing the same site file. */
  public static final java.time.Duration LOCK_WAIT = java.time.Duration.ofSeconds(10);

  /** The lock file of a site file: {@code <file>.lock} beside it. */
  public static Path lockPath(Path yaml) {
    return yaml.resolveSibling(yaml.getFileName() + ".lock");
  }

  /**
   * Takes the site file's exclusive lock ({@code <file>.lock}, mode 0600, left in place), held
   * while a command reads, changes and writes the site, so two admins (or wgsite and wgpub) cannot
   * lose each other's change. Waits up to {@code wait} for another holder to finish.
   *
   * @throws org.wgmesh.core.error.ConflictException when another run still holds it after {@code
   *     wait}
   * @throws FileException when the lock file cannot be created
   */
  public static LockFile lock(Path yaml, java.time.Duration wait) {
    Path lockFile = lockPath(yaml);
    return LockFile.acquire(
        lockFile,
        wait,
        () ->
            new org.wgmesh.core.error.ConflictException(
                yaml.toString(),
                "another wgsite or wgpub is changing this site file ("
                    + lockFile.getFileName()
                    + " is locked)",
                "wait for it to finish and run again"));
  }

  /** The default publish target: a zone file named after the domain, beside the site file. */
  public static String defaultPublishTarget(Path yaml, String domain) {
    return "zonefile:" + yaml.toAbsolutePath().normalize().resolveSibling(domain + ".zone");
  }

  /** The default port base (51000). */
  public static int defaultPortbase() {
    return SiteSpec.DEFAULT_PORTBASE;
  }

  /** The default allowed LAN prefixes: RFC 1918, RFC 2544 benchmarking and ULA. */
  public static List<IpPrefix> defaultAllowedLanPrefixes() {
    List<IpPrefix> out = new ArrayList<>();
    SiteSpec.DEFAULT_ALLOWED_LAN.forEach(t -> out.add(IpPrefix.parse(t, "default")));
    return out;
  }

  /**
   * Checks a tunnel prefix: an IPv6 /48.
   *
   * @throws InputException naming {@code what} otherwise
   */
  public static IpPrefix checkTunnelPrefix(IpPrefix prefix, String what) {
    return SiteSpec.checkTunnelPrefix(prefix, what);
  }

  /**
   * Checks a publish target: a URI {@code scheme:rest}.
   *
   * @throws InputException naming {@code what} otherwise
   */
  public static String checkPublishTarget(String target, String domain, String what) {
    return SiteSpec.checkPublishTarget(target, domain, what);
  }

  /** Checks a locus name (1-15 lower-case letters, digits, hyphens, starting with a letter). */
  public static String checkLocus(String locus) {
    return SiteSpec.checkLocus(locus);
  }

  /** {@code full-mesh}, or the hub-and-spoke mapping with the hubs by hostname. */
  private static Object topology(Site site) {
    if (!(site.settings().topology() instanceof Topology.HubAndSpoke hs)) {
      return Topology.FullMesh.NAME;
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("policy", Topology.HubAndSpoke.NAME);
    List<Object> hubs = new ArrayList<>();
    for (int n : hs.hubs()) {
      hubs.add(
          site.hosts().stream()
              .filter(h -> h.number() == n)
              .<Object>map(HostEntry::hostname)
              .findFirst()
              .orElse(n));
    }
    t.put("hubs", hubs);
    if (hs.hubsPerSpoke() > 0) {
      t.put("hubs-per-spoke", hs.hubsPerSpoke());
    }
    return t;
  }

  /** The YAML text for {@code site}: keys in a fixed order, hosts by number. */
  public static String render(Site site) {
    MeshSettings s = site.settings();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", SiteSpec.VERSION);
    m.put("domain", s.domain());
    m.put("locus", s.locus());
    m.put("tunnel-prefix", s.tunnelPrefix().toString());
    m.put("portbase", s.portbase());
    m.put("asn-range", site.asnRange().toString());
    m.put("allowed-lan-prefixes", s.allowedLanPrefixes().stream().map(Object::toString).toList());
    m.put("topology", topology(site));
    // Link settings only when set, so a site that sets none keeps its file as it was.
    s.links().mtu().ifPresent(mtu -> m.put("mtu", mtu));
    if (s.links().keepalive() != LinkSettings.DEFAULT.keepalive()) {
      m.put("keepalive", s.links().keepalive());
    }
    if (s.links().bfd() != LinkSettings.DEFAULT.bfd()) {
      m.put("bfd", s.links().bfd().text());
    }
    m.put("publish", site.publishTarget());
    m.put("ttl", site.ttl().getSeconds());
    m.put("record-lifetime", Durations.format(site.recordLifetime()));
    site.keyPolicy()
        .groupKeyMaxAge()
        .ifPresent(d -> m.put("group-key-max-age", Durations.format(d)));
    site.keyPolicy()
        .keySwitchDelay()
        .ifPresent(d -> m.put("key-switch-delay", Durations.format(d)));
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("signing-public", site.keys().signing().publicKey().toBase64());
    keys.put("box-public", site.keys().box().publicKey().toBase64());
    site.keyPolicy()
        .roll()
        .ifPresent(
            r -> {
              keys.put("next-signing-public", r.nextSigning().publicKey().toBase64());
              keys.put("next-box-public", r.nextBox().publicKey().toBase64());
              keys.put("roll-at", r.at().toString());
            });
    m.put("site-keys", keys);
    List<Object> hosts = new ArrayList<>();
    for (HostEntry h : site.hosts()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("uuid", h.uuid().toString());
      e.put("hostname", h.hostname());
      e.put("number", h.number());
      e.put("asn", h.asn());
      e.put("public-key", h.publicKey().toBase64());
      e.put("endpoints", h.endpoints().stream().map(Object::toString).toList());
      e.put("lan-prefixes", h.lanPrefixes().stream().map(Object::toString).toList());
      if (!h.sharedLans().isEmpty()) {
        e.put("shared-lans", h.sharedLans().stream().map(Object::toString).toList());
      }
      h.hpkePublic().ifPresent(k -> e.put("hpke-public", k.toBase64()));
      h.keySwitch()
          .ifPresent(
              ks -> {
                e.put("previous-key", ks.from().toBase64());
                e.put("key-switch-at", ks.at().toString());
              });
      hosts.add(e);
    }
    m.put("hosts", hosts);
    List<Object> retired = new ArrayList<>();
    for (RetiredHost r : site.retired()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("number", r.number());
      e.put("uuid", r.uuid().toString());
      retired.add(e);
    }
    m.put("retired", retired);
    return "# wgmesh site file: see docs/site-file.md. Private keys are in the .sign.key and .box.key\n"
        + "# files beside this one (never in here). Edit with care; 'wgsite FILE' validates.\n"
        + YamlDocuments.dump(m);
  }
}
