package org.wgmesh.endpoint.deploy.health;

import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import org.wgmesh.endpoint.deploy.host.LinkInfo;
import org.wgmesh.endpoint.deploy.host.Vxlan;
import org.wgmesh.endpoint.deploy.state.Manifest;

/**
 * The VXLAN overlay's line of {@code wgdeploy --check} (issue 25): the device as the last deploy
 * set it up. A device someone deleted, set down, gave another MTU or whose head-end replication
 * entries went (a peer then no longer gets this host's broadcasts, and a routing protocol on the
 * segment loses its neighbour) is reported, with what differs. Pure, like {@link HealthJudge}.
 */
final class OverlayHealth {
  private OverlayHealth() {}

  /** The item {@code overlay} for the overlay {@code want} the manifest records in {@code ns}. */
  static HealthReport.Item judge(String ns, Manifest.Overlay want, Probed host) {
    String subject = "overlay " + want.device();
    String hint =
        "run wgdeploy: it sets the overlay device up again as planned; see 'bridge -n "
            + ns
            + " fdb show dev "
            + want.device()
            + "'";
    Optional<Vxlan.Device> device = host.overlay();
    LinkInfo link = host.links().get(want.device());
    if (device.isEmpty() || link == null) {
      return new HealthReport.Item("overlay", false, subject, "device missing", hint);
    }
    List<String> wrong = differences(want, device.get(), link);
    if (!wrong.isEmpty()) {
      return new HealthReport.Item("overlay", false, subject, String.join(", ", wrong), hint);
    }
    return new HealthReport.Item(
        "overlay",
        true,
        subject,
        "up, VXLAN "
            + want.vni()
            + " port "
            + want.port()
            + ", MTU "
            + want.mtu()
            + ", replicating to "
            + want.remotes().size()
            + (want.remotes().size() == 1 ? " peer" : " peers"),
        "");
  }

  private static List<String> differences(Manifest.Overlay want, Vxlan.Device d, LinkInfo link) {
    List<String> wrong = new ArrayList<>();
    if (!link.up()) {
      wrong.add("down");
    }
    if (d.vni() != want.vni() || d.port() != want.port() || !d.local().equals(want.local())) {
      wrong.add(
          "VXLAN "
              + d.vni()
              + " port "
              + d.port()
              + " from "
              + d.local()
              + ", planned "
              + want.vni()
              + " port "
              + want.port()
              + " from "
              + want.local());
    }
    if (link.mtu() > 0 && link.mtu() != want.mtu()) {
      wrong.add("MTU " + link.mtu() + ", planned " + want.mtu());
    }
    Set<String> missing = new TreeSet<>(want.remotes());
    missing.removeAll(d.remotes());
    if (!missing.isEmpty()) {
      wrong.add("no replication to " + String.join(" ", missing));
    }
    Set<String> extra = new TreeSet<>(d.remotes());
    want.remotes().forEach(extra::remove);
    if (!extra.isEmpty()) {
      wrong.add("replicates to unplanned " + String.join(" ", extra));
    }
    Set<String> addresses = new TreeSet<>(want.addresses());
    addresses.removeAll(link.addresses());
    if (!addresses.isEmpty()) {
      wrong.add("address " + String.join(" ", addresses) + " missing");
    }
    if (!Vxlan.guardInPlace(d.guard(), want.port(), want.meshRow(), want.local())) {
      wrong.add("guard table inet " + Vxlan.GUARD_TABLE + " missing or changed");
    }
    return wrong;
  }
}
