package org.wgmesh.site.enrolment;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.Admission;
import org.wgmesh.site.SiteAdmin;

/**
 * {@code wgsite --queue}, {@code --approve ID}, {@code --reject ID}: the requests that a rule with
 * {@code admit: queue} accepted. Changes happen under the site file's lock. Approving admits with
 * the code of {@code wgsite -i} ({@link Admission}), saving the site file and the shorter queue
 * together, then publishes with {@code wgpub}'s code; a failed publication leaves the host
 * admitted, as {@code wgsite -i} followed by a failed {@code wgpub} does. A queued request of a
 * device that enrolled before under the same identity with another key is a rejoin, planned as the
 * {@code admit: auto} path plans it ({@link Rejoin}): allowed only when its rule allows rejoin.
 */
public final class EnrolmentQueue {
  private static final Pattern ID = Pattern.compile("[0-9a-f]{16}");
  private static final String LIST_HINT = "'wgsite --queue FILE' lists the queue";

  private final Path siteFile;
  private final Reporter reporter;
  private final SitePublisher publisher;

  public EnrolmentQueue(Path siteFile, Reporter reporter, SitePublisher publisher) {
    this.siteFile = siteFile;
    this.reporter = reporter;
    this.publisher = publisher;
  }

  /** The queued requests, oldest first. */
  public List<QueuedHost> list() {
    existing();
    return QueueFile.read(QueueFile.beside(siteFile));
  }

  /**
   * Admits the queued request {@code id} and publishes the site.
   *
   * @throws InputException when {@code id} is malformed or not queued (nothing changed)
   * @throws org.wgmesh.core.error.ConflictException when the host clashes with the site now
   *     (nothing changed; the request stays queued)
   */
  public Admission approve(String id) {
    checkId(id, "--approve");
    existing();
    Admission plan;
    QueuedHost host;
    try (LockFile lock = SiteFile.lock(siteFile, SiteFile.LOCK_WAIT)) {
      Path queueFile = QueueFile.beside(siteFile);
      List<QueuedHost> before = QueueFile.read(queueFile);
      host = find(before, id, "--approve");
      Site site = SiteFile.load(siteFile);
      Registration reg = SiteAdmin.openBlob(site, host.blob());
      Rejoin.Planned planned = Rejoin.plan(site, reg, Rejoin.Asker.of(host));
      if (planned.refusal().isPresent()) {
        throw new ConflictException(
            "--approve " + id,
            planned.refusal().get(),
            "the request stays queued; 'wgsite --reject " + id + "' drops it");
      }
      plan = planned.admission().orElseThrow();
      List<QueuedHost> after = without(before, id);
      Commits.both(
          () -> QueueFile.write(queueFile, after),
          () -> QueueFile.write(queueFile, before),
          () -> SiteFile.save(plan.after(), siteFile));
    }
    reporter.info(
        "enrolment: subject=%s decision=admitted reason=approved queued request %s as %s",
        host.subject(), id, host.hostname());
    if (plan.changes()) {
      publisher.publish(siteFile);
    }
    return plan;
  }

  /**
   * Drops the queued request {@code id}; the host is not admitted (a join token's use stays spent).
   *
   * @throws InputException when {@code id} is malformed or not queued
   */
  public QueuedHost reject(String id) {
    checkId(id, "--reject");
    existing();
    try (LockFile lock = SiteFile.lock(siteFile, SiteFile.LOCK_WAIT)) {
      Path queueFile = QueueFile.beside(siteFile);
      List<QueuedHost> before = QueueFile.read(queueFile);
      QueuedHost host = find(before, id, "--reject");
      QueueFile.write(queueFile, without(before, id));
      reporter.info(
          "enrolment: subject=%s decision=refused reason=rejected queued request %s (%s)",
          host.subject(), id, host.hostname());
      return host;
    }
  }

  private static void checkId(String id, String option) {
    if (!ID.matcher(id).matches()) {
      throw new InputException(option, "'" + id + "' is not a queue id (16 hex digits)", LIST_HINT);
    }
  }

  private static QueuedHost find(List<QueuedHost> hosts, String id, String option) {
    return hosts.stream()
        .filter(h -> h.id().equals(id))
        .findFirst()
        .orElseThrow(() -> new InputException(option, "no queued request " + id, LIST_HINT));
  }

  private static List<QueuedHost> without(List<QueuedHost> hosts, String id) {
    List<QueuedHost> rest = new ArrayList<>(hosts);
    rest.removeIf(h -> h.id().equals(id));
    return rest;
  }

  /** The usual "does not exist" error, before any lock file is created beside a missing site. */
  private void existing() {
    if (!Files.exists(siteFile)) {
      SiteFile.load(siteFile);
    }
  }
}
