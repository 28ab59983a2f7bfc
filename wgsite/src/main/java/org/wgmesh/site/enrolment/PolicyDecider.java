package org.wgmesh.site.enrolment;

import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.enrolment.Admit;
import org.wgmesh.core.enrolment.DeviceCertificates;
import org.wgmesh.core.enrolment.EnrolmentDecision;
import org.wgmesh.core.enrolment.EnrolmentDecision.Accepted;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;
import org.wgmesh.core.enrolment.EnrolmentDecision.Refused;
import org.wgmesh.core.enrolment.JoinTokens;
import org.wgmesh.core.enrolment.TokenFile;
import org.wgmesh.core.enrolment.TokenStore;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.io.LockFile;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;
import org.wgmesh.site.Admission;
import org.wgmesh.site.SiteAdmin;
import org.wgmesh.site.service.Decision;
import org.wgmesh.site.service.EnrolmentDecider;
import org.wgmesh.site.service.EnrolmentRequest;
import org.wgmesh.site.service.NotPublishedException;
import org.wgmesh.site.status.ReportCredentials;

/**
 * The enrolment decider on the site file's {@code enrolment:} policy. Under the site file's lock it
 * opens the blob (as {@code wgsite -i}), checks the join token ({@link TokenStore#redeem}) or the
 * device certificate ({@link DeviceCertificates}: CRL, subject, LANs; the hostname the rule derives
 * must be the blob's), then either admits ({@link Admission}, the code of {@code wgsite -i}) saving
 * the site file and the token store together, or queues the request ({@link QueueFile}) with the
 * token store. After the lock it publishes with {@code wgpub}'s code.
 *
 * <p>A refusal changes nothing. A failed save changes nothing (the first of the two files is put
 * back). A failed publication keeps {@code wgsite -i} + {@code wgpub} semantics: the host stays in
 * the site file, as after {@code wgsite -i} and a failed {@code wgpub}; the next publication (any
 * {@code wgpub}) completes it, and the client is told so ({@link NotPublishedException}, 500).
 */
public final class PolicyDecider implements EnrolmentDecider {
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Path siteFile;
  private final DeviceCertificates certificates;
  private final SitePublisher publisher;
  private final Clock clock;

  public PolicyDecider(
      Path siteFile, DeviceCertificates certificates, SitePublisher publisher, Clock clock) {
    this.siteFile = siteFile;
    this.certificates = certificates;
    this.publisher = publisher;
    this.clock = clock;
  }

  /** What the locked section decided, and whether the site file changed (so: publish). */
  private record Outcome(Decision decision, boolean publish) {}

  @Override
  public Decision decide(EnrolmentRequest request) {
    Outcome outcome;
    try (LockFile lock = SiteFile.lock(siteFile, SiteFile.LOCK_WAIT)) {
      outcome = decideLocked(request, clock.instant());
    }
    if (outcome.publish()) {
      try {
        publisher.publish(siteFile);
      } catch (WgmeshException e) {
        throw new NotPublishedException(e.getMessage(), e);
      }
    }
    return outcome.decision();
  }

  private Outcome decideLocked(EnrolmentRequest request, Instant now) {
    Site site = SiteFile.load(siteFile);
    Optional<String> token = request.body().token();
    String asker = token.isPresent() ? "token:?" : request.subject();
    Registration reg;
    try {
      reg = SiteAdmin.openBlob(site, request.body().blob());
    } catch (InputException e) {
      return refused(asker, "bad registration blob: " + e.getMessage());
    }
    Path tokenFile = TokenFile.beside(siteFile);
    TokenStore tokensBefore = TokenFile.read(tokenFile);
    TokenStore tokensAfter = tokensBefore;
    EnrolmentDecision decision;
    if (token.isPresent()) {
      TokenStore.Redemption r =
          JoinTokens.id(token.get())
                  .filter(id -> admittedBefore(site, reg, "token:" + id))
                  .isPresent()
              ? tokensBefore.redeemAgain(token.get(), reg.hostname(), reg.lanPrefixes(), now)
              : tokensBefore.redeem(token.get(), reg.hostname(), reg.lanPrefixes(), now);
      decision = r.decision();
      tokensAfter = r.store();
    } else {
      decision =
          hostnameOfBlob(certificates.check(request.clientChain(), reg.lanPrefixes(), now), reg);
    }
    if (decision instanceof Refused no) {
      return refused(no.subject(), no.reason().text() + ": " + no.detail());
    }
    Accepted yes = (Accepted) decision;
    TokenStore spent = tokensAfter;
    Runnable saveTokens = () -> TokenFile.write(tokenFile, spent);
    Runnable restoreTokens = () -> TokenFile.write(tokenFile, tokensBefore);
    if (yes.admit() == Admit.QUEUE && !admittedBefore(site, reg, yes.subject())) {
      QueuedHost queued =
          new QueuedHost(
              newId(),
              now,
              yes.subject(),
              yes.rule(),
              yes.rejoin(),
              reg.hostname(),
              request.body().blob());
      Path queueFile = QueueFile.beside(siteFile);
      List<QueuedHost> hosts = new ArrayList<>(QueueFile.read(queueFile));
      hosts.add(queued);
      Commits.both(saveTokens, restoreTokens, () -> QueueFile.write(queueFile, hosts));
      return new Outcome(
          Decision.queued(
                  accepted(yes) + "; " + yes.rule() + " asks for a human: queued as " + queued.id())
              .withSubject(yes.subject()),
          false);
    }
    Admission plan;
    try {
      Rejoin.Planned planned = Rejoin.plan(site, reg, Rejoin.Asker.of(yes));
      if (planned.refusal().isPresent()) {
        return refused(yes.subject(), planned.refusal().get());
      }
      plan = planned.admission().orElseThrow();
    } catch (ConflictException | InputException e) {
      return refused(yes.subject(), "conflicts with the site: " + e.getMessage());
    }
    // A token host reports with a credential of its own (it has no certificate); a new admission
    // (a rejoin) replaces it, and a certificate host's admission drops any stale one of its name.
    Path reportersFile = ReportCredentials.beside(siteFile);
    ReportCredentials reportersBefore = ReportCredentials.read(reportersFile);
    Optional<ReportCredentials.Minted> minted =
        token.isPresent() ? Optional.of(reportersBefore.mint(reg.hostname())) : Optional.empty();
    ReportCredentials reportersAfter =
        minted.map(ReportCredentials.Minted::store).orElse(reportersBefore.without(reg.hostname()));
    Runnable saveBoth =
        () -> Commits.both(saveTokens, restoreTokens, () -> reportersAfter.write(reportersFile));
    Runnable restoreBoth =
        () -> {
          reportersBefore.write(reportersFile);
          restoreTokens.run();
        };
    Commits.both(saveBoth, restoreBoth, () -> SiteFile.save(plan.after(), siteFile));
    Decision admitted =
        Decision.admitted(accepted(yes) + "; " + admittedAs(plan, reg), site.keys().fingerprint())
            .withSubject(yes.subject());
    return new Outcome(
        minted.map(m -> admitted.withReportCredential(m.text())).orElse(admitted), plan.changes());
  }

  /**
   * Whether the site holds this very host (uuid and key) enrolled as {@code identity}: a request
   * asked again, because its answer was lost or, after a queue, to learn the decision. It is
   * answered admitted without queueing it again and without spending another token use (a
   * single-use token would otherwise leave the host admitted but told "used up").
   */
  private static boolean admittedBefore(Site site, Registration reg, String identity) {
    return site.host(reg.uuid())
        .filter(h -> h.publicKey().equals(reg.publicKey()))
        .filter(h -> h.enrolledAs().equals(Optional.of(identity)))
        .isPresent();
  }

  private static String admittedAs(Admission plan, Registration reg) {
    Admission.Step step = plan.steps().get(0);
    return step.kind() == Admission.Kind.REPLACED
        ? "rejoined as " + reg.hostname() + ", number " + step.entry().number() + ", new key"
        : "admitted as " + reg.hostname();
  }

  /** A certificate rule names the hostname; the blob must name the same one. */
  private static EnrolmentDecision hostnameOfBlob(EnrolmentDecision d, Registration reg) {
    if (d instanceof Accepted a && !a.hostname().equals(reg.hostname())) {
      return new Refused(
          a.subject(),
          Reason.HOSTNAME_NOT_ALLOWED,
          "the blob names '" + reg.hostname() + "', the certificate '" + a.hostname() + "'");
    }
    return d;
  }

  private static String accepted(Accepted yes) {
    return yes.rule().startsWith("token:")
        ? "join token " + yes.rule().substring("token:".length()) + " is valid"
        : "device certificate matches rule " + yes.rule();
  }

  private static Outcome refused(String subject, String reason) {
    return new Outcome(Decision.refused(reason).withSubject(subject), false);
  }

  static String newId() {
    byte[] b = new byte[8];
    RANDOM.nextBytes(b);
    return HexFormat.of().formatHex(b);
  }
}
