package org.wgmesh.site.enrolment;

import java.util.List;
import java.util.Optional;
import org.wgmesh.core.enrolment.EnrolmentDecision.Accepted;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;
import org.wgmesh.site.Admission;

/**
 * Plans an accepted enrolment against the site (issue 23): a new host, the same host again, or a
 * rejoin, where a device that lost its state comes back under the identity it enrolled with (its
 * certificate subject, or {@code token:<id>}) with a new key, and perhaps a new uuid. A rejoin
 * replaces the host's key, HPKE key, endpoints and LANs in place and keeps its number, ASN and so
 * its ports, when the rule allows rejoin; another identity never takes over a host.
 */
final class Rejoin {
  private Rejoin() {}

  /** The plan, or why the request is refused (then nothing is planned). */
  record Planned(Optional<Admission> admission, Optional<String> refusal) {
    static Planned refused(String why) {
      return new Planned(Optional.empty(), Optional.of(why));
    }
  }

  /**
   * Who asks, as the policy accepted them: the identity ({@code enrolled-as}), the rule that
   * accepted it, and whether that rule allows a rejoin. Kept with a queued request, so that an
   * approval plans exactly what an {@code admit: auto} rule would have.
   */
  record Asker(String identity, String rule, boolean rejoin) {
    static Asker of(Accepted yes) {
      return new Asker(yes.subject(), yes.rule(), yes.rejoin());
    }

    static Asker of(QueuedHost queued) {
      return new Asker(queued.subject(), queued.rule(), queued.rejoin());
    }
  }

  /**
   * Plans {@code reg}, accepted for {@code asker}. The admitted entry records {@code
   * asker.identity()} as its {@code enrolled-as} identity.
   *
   * @throws org.wgmesh.core.error.ConflictException as {@link Admission#plan}
   * @throws org.wgmesh.core.error.InputException as {@link Admission#plan}
   */
  static Planned plan(Site site, Registration reg, Asker asker) {
    String identity = asker.identity();
    Optional<HostEntry> known = site.host(reg.uuid()).or(() -> site.hostNamed(reg.hostname()));
    if (known.isEmpty() || known.get().publicKey().equals(reg.publicKey())) {
      return admitted(Admission.plan(site, List.of(reg), false), identity);
    }
    HostEntry old = known.get();
    if (!old.enrolledAs().equals(Optional.of(identity))) {
      return Planned.refused(
          "conflicts with the site: host "
              + old.hostname()
              + " (number "
              + old.number()
              + ") "
              + old.enrolledAs()
                  .map(other -> "was enrolled as another identity")
                  .orElse("was admitted from a blob, not enrolled")
              + "; it cannot be taken over by "
              + identity);
    }
    if (!asker.rejoin()) {
      return Planned.refused(
          "rejoin not allowed: host "
              + old.hostname()
              + " is enrolled as "
              + identity
              + " with another key, and "
              + asker.rule()
              + " does not allow rejoin");
    }
    // The device's new uuid takes the old entry's place, so Admission sees a known host.
    Site inPlace =
        old.uuid().equals(reg.uuid())
            ? site
            : site.withHostInPlaceOf(old.uuid(), old.toBuilder().uuid(reg.uuid()).build());
    // The replacement of wgsite -i --replace: the new key takes effect at once, not as a scheduled
    // switch (Admission.planRotation). A switch lets peers keep the previous key until its time,
    // which serves a host that still holds it; a rejoining device has lost its old private key, so
    // keeping it would only leave the host unreachable until the switch.
    return admitted(Admission.plan(inPlace, List.of(reg), true), identity);
  }

  private static Planned admitted(Admission plan, String identity) {
    return new Planned(Optional.of(recorded(plan, identity)), Optional.empty());
  }

  /**
   * {@code plan} (of one registration) with the enrolment identity on the entry it adds or
   * replaces; a host that is unchanged keeps what it has (a blob-admitted host sent again through
   * the service does not become enrolled).
   */
  static Admission recorded(Admission plan, String identity) {
    Admission.Step step = plan.steps().get(0);
    if (step.kind() != Admission.Kind.NEW && step.kind() != Admission.Kind.REPLACED) {
      return plan;
    }
    HostEntry entry = step.entry().toBuilder().enrolledAs(Optional.of(identity)).build();
    return new Admission(
        plan.before(),
        plan.after().withHostInPlaceOf(entry.uuid(), entry),
        List.of(
            new Admission.Step(
                step.registration(), entry, step.previous(), step.kind(), step.note())));
  }
}
