package org.wgmesh.core.model;

import java.util.Objects;
import org.wgmesh.core.net.IpAddress;

/**
 * Where a host's WireGuard packets really come from, as its peers agree from {@code wg show
 * endpoints} (issue 24): the site aggregates its peers' health reports and publishes it in the
 * host's record. State, not configuration: it is never in the site file, and the host's registered
 * {@link HostEntry#endpoints()} stay the addresses the admin approved.
 *
 * <p>Why {@code portsKept} matters: host A's interface towards peer P listens on {@code portbase +
 * P} and sends from that port ({@link org.wgmesh.core.net.Addressing}). When the NAT in front of A
 * (if any) keeps source ports, every peer saw A's packets come from {@code portbase +} its own
 * number, so any peer can predict A's mapped port for its link: {@code address:portbase+peer},
 * exactly the endpoint it derives anyway. That is what lets two hosts behind NAT punch through NATs
 * that keep a source port's mapping for every destination (Linux masquerade): both send first to
 * the predicted mapping ({@link MeshLinks}, "observed" links). A NAT that picks random ports
 * (masquerade {@code random} or {@code fully-random}, most carrier-grade NATs) gives a port no peer
 * can predict, so the address alone is of no use for a link.
 *
 * @param address the address the host's peers see its packets come from
 * @param portsKept whether every peer that saw it saw the source port the host's interface towards
 *     that peer listens on
 */
public record Observed(IpAddress address, boolean portsKept) {
  /**
   * @throws NullPointerException when the address is null
   */
  public Observed {
    Objects.requireNonNull(address, "address");
  }
}
