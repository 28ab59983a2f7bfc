package org.wgmesh.core.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.net.IpPrefix;

/**
 * The site file ({@code wgmesh.yaml}) on disk as a whole: loading it with its keys, saving it with
 * a backup, creating a site, and its lock. It exists as the one entry point the commands use, so
 * that they cannot read the YAML without checking the key files or write it without the backup; the
 * format is {@link SiteCodec}'s ({@code docs/site-file.md}), the key files are {@link
 * SiteKeyStore}'s, and a site-key roll is {@link SiteKeyRolls}'s.
 */
public final class SiteFile {
  /** Suffix of the backup kept of the previous version on every write. */
  public static final String BACKUP_SUFFIX = ".bak";

  private SiteFile() {}

  /**
   * Reads, validates and returns the site, with its private keys loaded and checked against the
   * public keys in the file.
   *
   * @throws FileException when the file or a key file cannot be read (or a key file is not 0600)
   * @throws ConfigException naming the property and line of the first problem, or a mismatching key
   *     file
   */
  public static Site load(Path yaml) {
    SiteSpec spec = SiteCodec.read(yaml);
    SiteKeyStore.Keys keys = SiteKeyStore.beside(yaml).load(spec);
    return new Site(
        spec.settings(),
        spec.hosts(),
        keys.keys(),
        spec.asnRange(),
        spec.publishTarget(),
        spec.ttl(),
        spec.recordLifetime(),
        spec.retired(),
        spec.keyPolicy().withRoll(keys.roll()),
        spec.enrolment());
  }

  /**
   * Parses a duration as the site file writes them ({@code 300}, {@code 15m}, {@code 12h}, {@code
   * 14d}).
   *
   * @throws InputException naming {@code what} for another form
   */
  public static Duration parseDuration(String text, String what) {
    return Durations.parse(text, what);
  }

  /**
   * Writes {@code site} to {@code yaml} atomically, after copying the previous version to {@code
   * yaml.bak}. Nothing is written when the content would not change.
   *
   * @return true when the file changed
   * @throws FileException when it cannot be written (the old file is then intact)
   */
  public static boolean save(Site site, Path yaml) {
    String text = SiteCodec.render(site);
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
    SiteKeyStore.beside(yaml).createCurrent(keys);
    save(site, yaml);
    return site;
  }

  /** How long a command waits for another one that is changing the same site file. */
  public static final Duration LOCK_WAIT = Duration.ofSeconds(10);

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
  public static LockFile lock(Path yaml, Duration wait) {
    Path lockFile = lockPath(yaml);
    return LockFile.acquire(
        lockFile,
        wait,
        () ->
            new ConflictException(
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
}
