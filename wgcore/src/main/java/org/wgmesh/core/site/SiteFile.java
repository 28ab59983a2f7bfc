package org.wgmesh.core.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.model.HostEntry;
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
        spec.enrolment(),
        keys.original(),
        spec.clients(),
        spec.names());
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
    return createFiles(yaml, draft(settings, List.of(), asnRange, publishTarget));
  }

  /**
   * Creates the site file of a site imported from the original wgmesh (issue 26, {@code wgsite
   * --import-original}): the key files of {@code draft} ({@code NAME.sign.key}, {@code
   * NAME.box.key}), the original's site key ({@code NAME.original.key}), all 0600, then the site
   * file naming the original key's public half as {@code site-keys.original-public}. A failure
   * removes the files this call created, so the directory is left as it was. The caller holds
   * {@link #lock} and has confirmed the import.
   *
   * @param yaml the new site file; it must not exist
   * @param draft the imported site with freshly generated keys ({@link SiteKeys#generate()}) and no
   *     roll under way; its own original key, if any, is replaced by {@code originalKey}
   * @param originalKey the original site's private key, already checked against its {@code
   *     global.publickey}; stored byte for byte (NaCl keys are not clamped)
   * @return the site as written, with {@link Site#originalKey()} present
   * @throws FileException when the site file or one of its key files already exists, or a file
   *     cannot be written
   * @throws IllegalArgumentException when {@code draft} has a site-key roll under way
   */
  public static Site createImported(Path yaml, Site draft, X25519PrivateKey originalKey) {
    if (draft.keyPolicy().roll().isPresent()) {
      throw new IllegalArgumentException("an imported site starts without a site-key roll");
    }
    return createFiles(yaml, draft.withOriginalKey(Optional.of(originalKey)));
  }

  /**
   * Writes a new site's key files, then its site file; on failure deletes what it created (the key
   * files are refused when they exist, so every file that exists afterwards and did not before is
   * this call's).
   */
  private static Site createFiles(Path yaml, Site site) {
    if (Files.exists(yaml)) {
      throw new FileException(yaml.toString(), "already exists");
    }
    SiteKeyStore store = SiteKeyStore.beside(yaml);
    List<Path> ours = new ArrayList<>();
    for (Path p : List.of(store.signing(), store.box(), store.original(), yaml)) {
      if (!Files.exists(p)) {
        ours.add(p);
      }
    }
    try {
      store.createCurrent(site.keys(), site.originalKey());
      save(site, yaml);
      return site;
    } catch (RuntimeException e) {
      for (Path p : ours) {
        try {
          Files.deleteIfExists(p);
        } catch (IOException cleanup) {
          e.addSuppressed(cleanup);
        }
      }
      throw e;
    }
  }

  /**
   * Forgets the original wgmesh's site key (issue 26, {@code wgsite --forget-original}): the site
   * file no longer names {@code original-public}, then {@code NAME.original.key} is deleted, so
   * original registration blobs are no longer accepted. The caller holds {@link #lock} and has
   * loaded {@code site} from {@code yaml}. Idempotent: a site without the key only loses a leftover
   * key file.
   *
   * @return the site without the original key
   * @throws FileException when the site file cannot be written or the key file deleted
   */
  public static Site forgetOriginal(Site site, Path yaml) {
    Site without = site.withOriginalKey(Optional.empty());
    // The site file first: a run cut short in between leaves a key file no site file names, which
    // is never read, and the next run deletes it.
    save(without, yaml);
    SiteKeyStore.beside(yaml).deleteOriginal();
    return without;
  }

  /**
   * A new site in memory, with freshly made site keys and the default TTL and record lifetime: what
   * {@link #create} writes, for a caller that shows it before writing (an import).
   *
   * @throws org.wgmesh.core.error.ConfigException when the hosts break a site rule
   */
  public static Site draft(
      MeshSettings settings, List<HostEntry> hosts, AsnRange asnRange, String publishTarget) {
    return new Site(
        settings,
        hosts,
        SiteKeys.generate(),
        asnRange,
        publishTarget,
        SiteSpec.DEFAULT_TTL,
        SiteSpec.DEFAULT_RECORD_LIFETIME,
        List.of());
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
