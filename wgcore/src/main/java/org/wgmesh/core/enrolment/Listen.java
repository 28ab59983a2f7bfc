package org.wgmesh.core.enrolment;

import java.util.Objects;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpAddress;

/**
 * An address and TCP port the enrolment service listens on. Only configured addresses: the wildcard
 * addresses ({@code 0.0.0.0}, {@code ::}) are refused, so the service never listens on an interface
 * the admin did not name (issue 23).
 *
 * @param address the local address
 * @param port the TCP port, 1..65535
 */
public record Listen(IpAddress address, int port) {
  public Listen {
    Objects.requireNonNull(address, "address");
    if (port < 1 || port > 65535) {
      throw new IllegalArgumentException("port " + port);
    }
  }

  /**
   * Parses {@code 192.0.2.10:8443} or {@code [2001:db8::10]:8443}.
   *
   * @throws InputException naming {@code what} for another form, a port out of range or a wildcard
   *     address
   */
  public static Listen parse(String text, String what) {
    String hint = "write ADDRESS:PORT, e.g. 192.0.2.10:8443 or [2001:db8::10]:8443";
    int colon = text.lastIndexOf(':');
    if (colon < 1 || colon == text.length() - 1) {
      throw new InputException(what, "'" + text + "' is not ADDRESS:PORT", hint);
    }
    String host = text.substring(0, colon);
    String portText = text.substring(colon + 1);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.contains(":")) {
      throw new InputException(what, "'" + text + "': an IPv6 address goes in brackets", hint);
    }
    IpAddress address = IpAddress.parse(host, what);
    if (address.address().isAnyLocalAddress()) {
      throw new InputException(
          what,
          "'" + text + "' listens on every address",
          "name the address of the interface hosts enrol through");
    }
    int port;
    try {
      port = Integer.parseInt(portText);
    } catch (NumberFormatException e) {
      throw new InputException(what, "'" + portText + "' is not a port number", hint);
    }
    if (port < 1 || port > 65535) {
      throw new InputException(what, "port " + port + " is out of range 1..65535", hint);
    }
    return new Listen(address, port);
  }

  @Override
  public String toString() {
    return address.forEndpoint() + ":" + port;
  }
}
