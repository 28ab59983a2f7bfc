package org.wgmesh.site;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.original.OriginalBlob;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;

/**
 * Registration blobs of the original wgmesh in {@code wgsite -i} (issue 26), while a site imported
 * from it moves over: opened with the original's site key ({@link Site#originalKey()}), and made a
 * registration that {@link Admission} judges like any other. It is apart from {@link SiteAdmin}
 * because it fills in what an original blob cannot carry.
 */
final class OriginalAdmission {
  /** The line {@code wgsite -i} shows for every original blob, before the question. */
  static final String ORIGIN =
      "from an original wgmesh blob: no domain or time in it, checked by the original site key";

  private OriginalAdmission() {}

  /**
   * Opens an original blob for {@code site}. An original blob carries no LAN prefixes, shared LANs
   * or HPKE key: the host gets {@code lans} (from {@code --lan}), and a host the site knows by its
   * uuid keeps what it has of the others (the HPKE key only with the same WireGuard key), so that
   * the blob of an imported host with its key and addresses is UNCHANGED.
   *
   * @param lans the {@code --lan} prefixes; empty to keep those of a known host
   * @throws InputException when the site has no original key, or the blob is refused ({@link
   *     OriginalBlob#open})
   */
  static OriginalBlob.Opened open(Site site, String text, List<IpPrefix> lans, Instant now) {
    if (site.originalKey().isEmpty()) {
      throw new InputException(
          OriginalBlob.WHAT,
          "this site has no original site key, so it cannot open blobs of the original wgmesh",
          "a site imported with 'wgsite --import-original' has one (until --forget-original);"
              + " or move the host over with 'wgconfig --import-original' and register it with"
              + " wghost");
    }
    OriginalBlob.Opened opened = OriginalBlob.open(text, site.originalKey().get(), now);
    Registration r = opened.registration();
    Optional<HostEntry> known = site.host(r.uuid());
    Registration.Builder b = r.toBuilder();
    if (!lans.isEmpty()) {
      b.lanPrefixes(lans);
    } else {
      known.ifPresent(h -> b.lanPrefixes(h.lanPrefixes()));
    }
    known.ifPresent(h -> b.sharedLans(h.sharedLans()));
    known
        .filter(h -> h.publicKey().equals(r.publicKey()))
        .ifPresent(h -> b.hpkePublic(h.hpkePublic()));
    return new OriginalBlob.Opened(b.build(), opened.notes());
  }
}
