package org.wgmesh.site.service;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.regex.Pattern;
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
  /** A qualified exception class name and its colon, as the JDK nests causes in a message. */
  private static final Pattern JDK_CLASS =
      Pattern.compile("\\b(?:[a-z][a-z0-9_]*\\.)+[A-Z][A-Za-z0-9_]*(?:Exception|Error): ");

  private final Reporter reporter;

  TlsRefusals(Reporter reporter) {
    this.reporter = reporter;
  }

  @Override
  public void handshakeFailed(Event event, Throwable failure) {
    reporter.info(
        "enrolment: subject=- address=%s decision=refused reason=TLS handshake failed: %s",
        address(event.getEndPoint().getRemoteSocketAddress()),
        SafeText.escape(reason(String.valueOf(failure.getMessage()))));
  }

  /**
   * The JDK's message without the internal class names it nests ({@code PKIX path building failed:
   * sun.security.provider.certpath.SunCertPathBuilderException: unable to find valid certification
   * path to requested target}): what an admin reads, not a stack.
   */
  static String reason(String message) {
    return JDK_CLASS.matcher(message).replaceAll("");
  }

  private static String address(SocketAddress remote) {
    return remote instanceof InetSocketAddress inet && inet.getAddress() != null
        ? inet.getAddress().getHostAddress()
        : String.valueOf(remote);
  }
}
