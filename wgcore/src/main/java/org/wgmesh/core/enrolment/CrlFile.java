package org.wgmesh.core.enrolment;

import java.io.IOException;
import java.nio.file.Path;
import java.security.cert.CRL;
import java.security.cert.X509CRL;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import java.util.function.Function;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.io.FileStamp;

/**
 * A rule's CRL file, read again when it changes, so that a device revoked while the service runs is
 * refused without a restart. The file is looked at (modification time, size, file identity) at most
 * every {@link #RECHECK} on the request path, at the time the check is made for; a changed file is
 * parsed, and only a file that parses replaces the CRL in force. One that does not (or a file gone)
 * keeps the previous CRL and is reported once per change through {@code warnings}: refusing every
 * device because of a half-written CRL would be worse than a few seconds' delay.
 */
final class CrlFile {
  /** How often the file is looked at, at most. */
  static final Duration RECHECK = Duration.ofSeconds(5);

  private final Path path;
  private final Function<Path, List<CRL>> parser;
  private final Consumer<String> warnings;
  private List<CRL> crls;
  private FileStamp loaded;
  private Optional<FileStamp> refused = Optional.empty();
  private Instant lookedAt;

  /**
   * Reads the file now; a bad file throws, as at any start.
   *
   * @param parser reads the CRLs of a file, throwing a {@link WgmeshException} naming it
   */
  CrlFile(Path path, Function<Path, List<CRL>> parser, Consumer<String> warnings, Instant now) {
    this.path = path;
    this.parser = parser;
    this.warnings = warnings;
    this.loaded = stamp();
    this.crls = List.copyOf(parser.apply(path));
    this.lookedAt = now;
  }

  /** The CRLs in force at {@code now}, after reading the file again if it changed. */
  synchronized List<CRL> current(Instant now) {
    if (now.isBefore(lookedAt.plus(RECHECK)) && !now.isBefore(lookedAt)) {
      return crls;
    }
    lookedAt = now;
    FileStamp stamp = stamp();
    if (stamp.equals(loaded) || refused.equals(Optional.of(stamp))) {
      return crls;
    }
    if (stamp.equals(FileStamp.MISSING)) {
      refused = Optional.of(stamp);
      warnings.accept(
          "CRL " + path + " cannot be read any more: keeping the one read before " + describe());
      return crls;
    }
    try {
      List<CRL> fresh = List.copyOf(parser.apply(path));
      crls = fresh;
      loaded = stamp;
      refused = Optional.empty();
      warnings.accept("CRL " + path + " read again: " + describe());
    } catch (WgmeshException e) {
      refused = Optional.of(stamp);
      warnings.accept(
          "CRL "
              + path
              + " changed but cannot be used ("
              + e.getMessage()
              + "): keeping the one read before "
              + describe());
    }
    return crls;
  }

  /**
   * The time after which none of the CRLs in force is current any more (their earliest {@code
   * nextUpdate}); empty when one has no next update.
   */
  synchronized Optional<Instant> expiry() {
    Optional<Instant> earliest = Optional.empty();
    for (CRL c : crls) {
      if (!(c instanceof X509CRL x) || x.getNextUpdate() == null) {
        return Optional.empty();
      }
      Instant next = x.getNextUpdate().toInstant();
      if (earliest.isEmpty() || next.isBefore(earliest.get())) {
        earliest = Optional.of(next);
      }
    }
    return earliest;
  }

  Path path() {
    return path;
  }

  private String describe() {
    int entries = 0;
    for (CRL c : crls) {
      if (c instanceof X509CRL x && x.getRevokedCertificates() != null) {
        entries += x.getRevokedCertificates().size();
      }
    }
    return "("
        + entries
        + " revoked, next update "
        + expiry().map(Instant::toString).orElse("none")
        + ")";
  }

  /** The file's stamp; {@link FileStamp#MISSING} also when it cannot be looked at (permission). */
  private FileStamp stamp() {
    try {
      return FileStamp.of(path);
    } catch (IOException e) {
      return FileStamp.MISSING;
    }
  }
}
