package org.wgmesh.endpoint.enrol;

import java.net.Socket;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.X509ExtendedKeyManager;

/**
 * Presents the device certificate whatever CAs the server lists. The JDK's key manager silently
 * sends no certificate when the device's CA is not among them; the service would then decide on a
 * request without one ("no device certificate"). Presented anyway, a certificate from a CA the site
 * does not trust ends the handshake, and the endpoint can say so.
 */
final class AlwaysPresent extends X509ExtendedKeyManager {
  private final X509ExtendedKeyManager keys;
  private final String alias;

  AlwaysPresent(X509ExtendedKeyManager keys, String alias) {
    this.keys = keys;
    this.alias = alias;
  }

  @Override
  public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
    return alias;
  }

  @Override
  public String chooseEngineClientAlias(String[] keyType, Principal[] issuers, SSLEngine engine) {
    return alias;
  }

  @Override
  public String[] getClientAliases(String keyType, Principal[] issuers) {
    return new String[] {alias};
  }

  @Override
  public X509Certificate[] getCertificateChain(String name) {
    return keys.getCertificateChain(name);
  }

  @Override
  public PrivateKey getPrivateKey(String name) {
    return keys.getPrivateKey(name);
  }

  @Override
  public String[] getServerAliases(String keyType, Principal[] issuers) {
    return new String[0];
  }

  @Override
  public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
    return null; // a client: never a server
  }
}
