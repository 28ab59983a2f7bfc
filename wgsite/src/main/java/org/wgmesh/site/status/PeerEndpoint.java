package org.wgmesh.site.status;

import java.util.Objects;
import java.util.Optional;
import java.util.regex.Pattern;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpAddress;

/**
 * A peer's endpoint as {@code wg show endpoints} prints it and health reports carry it ({@link
 * PeerState#endpoint()}): {@code ADDRESS:PORT}, IPv6 in brackets ({@code [2001:db8::1]:51820}).
 *
 * @param address where the peer's packets came from
 * @param port their source port
 */
record PeerEndpoint(IpAddress address, int port) {
  private static final Pattern PORT = Pattern.compile("[1-9][0-9]{0,4}");

  PeerEndpoint {
    Objects.requireNonNull(address, "address");
  }

  /**
   * The endpoint {@code text} names; empty for anything else (no port, a port out of range, an IPv6
   * address without brackets or with a zone such as {@code %eth0}, a hostname, {@code (none)}): a
   * report is the host's word, and what cannot be read is no claim.
   */
  static Optional<PeerEndpoint> parse(String text) {
    int colon = text.lastIndexOf(':');
    if (colon < 0 || !PORT.matcher(text.substring(colon + 1)).matches()) {
      return Optional.empty();
    }
    String host = text.substring(0, colon);
    boolean bracketed = host.startsWith("[") && host.endsWith("]");
    // Unbracketed, only IPv4: the last colon of a bare IPv6 address is not a port separator.
    if (!bracketed && host.contains(":")) {
      return Optional.empty();
    }
    int port = Integer.parseInt(text.substring(colon + 1));
    if (port > 0xffff) {
      return Optional.empty();
    }
    try {
      IpAddress address =
          IpAddress.parse(bracketed ? host.substring(1, host.length() - 1) : host, "endpoint");
      return Optional.of(new PeerEndpoint(address, port));
    } catch (InputException notAnAddress) {
      return Optional.empty();
    }
  }
}
