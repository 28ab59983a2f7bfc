package org.wgmesh.site.service;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import org.eclipse.jetty.io.ssl.SslHandshakeListener;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.SafeText;

/**
 * Logs the requests the TLS layer refuses before any HTTP: above all a client certificate that no
 * configured CA issued (or that is expired), which ends the handshake and so never reaches the
 * {@link EnrolmentDecider}. The client sees only a TLS alert; this line is where an admin finds the
 * reason. The certificate itself is not available once the handshake failed.
 */
final class TlsRefusals implements SslHandshakeListener {
  private final Reporter reporter;

  TlsRefusals(Reporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void handshakeFailed(Event event, Throwable failure) {
    reporter.info(
        "enrolment: subject=- address=%s decision=refused reason=TLS handshake failed: %s",
        address(event.getEndPoint().getRemoteSocketAddress()),
        SafeText.escape(String.valueOf(failure.getMessage())));
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(remote);
  }
}
