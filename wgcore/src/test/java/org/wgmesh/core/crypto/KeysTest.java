package org.wgmesh.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;

class KeysTest {
  // RFC 7748 section 6.1 test vector (Alice): private scalar and its public key.
  private static final String ALICE_PRIVATE_HEX =
      "77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a";
  private static final String ALICE_PUBLIC_HEX =
      "8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a";

  @Test
  void publicKey_matchesRfc7748Vector() {
    X25519PrivateKey priv = new X25519PrivateKey(hex(ALICE_PRIVATE_HEX));
    assertThat(priv.publicKey().bytes()).isEqualTo(hex(ALICE_PUBLIC_HEX));
  }

  @Test
  void parse_roundTripsWireGuardBase64() {
    X25519PrivateKey k = X25519PrivateKey.generate();
    String text = k.toBase64();
    assertThat(text).hasSize(44);
    assertThat(X25519PrivateKey.parse(text, "test").publicKey()).isEqualTo(k.publicKey());
  }

  @Test
  void parse_wrongLength_namesSource() {
    assertThatThrownBy(() -> X25519PublicKey.parse("AAAA", "host.key"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("host.key")
        .hasMessageContaining("44 characters");
  }

  @Test
  void parse_notBase64_isInputException() {
    assertThatThrownBy(() -> X25519PublicKey.parse("!".repeat(44), "field"))
        .isInstanceOf(InputException.class);
  }

  @Test
  void privateKey_toString_neverShowsKey() {
    X25519PrivateKey k = X25519PrivateKey.generate();
    assertThat(k.toString()).doesNotContain(k.toBase64()).contains("redacted");
    Ed25519PrivateKey s = Ed25519PrivateKey.generate();
    assertThat(s.toString()).doesNotContain(s.toBase64()).contains("redacted");
  }

  @Test
  void ed25519_signVerify_detectsTampering() {
    Ed25519PrivateKey k = Ed25519PrivateKey.generate();
    byte[] msg = "mesh record".getBytes(StandardCharsets.UTF_8);
    byte[] sig = k.sign(msg);
    assertThat(k.publicKey().verify(msg, sig)).isTrue();
    msg[0] ^= 1;
    assertThat(k.publicKey().verify(msg, sig)).isFalse();
    assertThat(k.publicKey().verify(msg, new byte[3])).isFalse();
    assertThat(Ed25519PrivateKey.generate().publicKey().verify(msg, sig)).isFalse();
  }

  @Test
  void fingerprint_isSha256OfRawKey() {
    byte[] raw = new byte[32];
    // sha256 of 32 zero bytes, base64 without padding
    assertThat(Fingerprint.of(raw)).isEqualTo("SHA256:Zmh6rfhivXdsj8GLjp+OIAiXFIVu4jOzkCpZHQ1fKSU");
  }

  @Test
  void keyFiles_createSecret_isOwnerOnlyAndNeverOverwritten(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("host.key");
    X25519PrivateKey k = X25519PrivateKey.generate();
    KeyFiles.createSecret(f, k.toBase64());
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(f)))
        .isEqualTo("rw-------");
    assertThat(KeyFiles.readSecret(f)).isEqualTo(k.toBase64());
    assertThatThrownBy(() -> KeyFiles.createSecret(f, X25519PrivateKey.generate().toBase64()))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("already exists");
    assertThat(KeyFiles.readSecret(f)).isEqualTo(k.toBase64());
  }

  @Test
  void keyFiles_readSecret_refusesWorldReadable(@TempDir Path dir) throws Exception {
    Path f = dir.resolve("leaky.key");
    Files.writeString(f, X25519PrivateKey.generate().toBase64());
    Files.setPosixFilePermissions(f, PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> KeyFiles.readSecret(f))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("readable by group or others");
  }

  @Test
  void hpke_opensOnlyWithRightKeysAndContext() {
    X25519PrivateKey site = X25519PrivateKey.generate();
    X25519PrivateKey host = X25519PrivateKey.generate();
    byte[] info = "info".getBytes(StandardCharsets.UTF_8);
    byte[] aad = "aad".getBytes(StandardCharsets.UTF_8);
    byte[] pt = "group key".getBytes(StandardCharsets.UTF_8);
    Hpke.Sealed s = Hpke.seal(site, host.publicKey(), info, aad, pt);
    assertThat(s.enc()).hasSize(Hpke.ENC_LENGTH);
    assertThat(Hpke.open(host, site.publicKey(), info, aad, s).orElseThrow()).isEqualTo(pt);
    // wrong sender (auth mode proves who sealed it), wrong recipient, wrong info, wrong aad
    assertThat(Hpke.open(host, X25519PrivateKey.generate().publicKey(), info, aad, s)).isEmpty();
    assertThat(Hpke.open(X25519PrivateKey.generate(), site.publicKey(), info, aad, s)).isEmpty();
    assertThat(Hpke.open(host, site.publicKey(), new byte[1], aad, s)).isEmpty();
    assertThat(Hpke.open(host, site.publicKey(), info, new byte[1], s)).isEmpty();
    byte[] ct = s.ciphertext().clone();
    ct[0] ^= 1;
    assertThat(Hpke.open(host, site.publicKey(), info, aad, new Hpke.Sealed(s.enc(), ct)))
        .isEmpty();
    assertThat(Hpke.open(host, site.publicKey(), info, aad, new Hpke.Sealed(new byte[5], ct)))
        .isEmpty();
  }

  @Test
  void aead_roundTripAndRejectsTampering() {
    byte[] key = Aead.newKey();
    byte[] aad = {1, 2};
    byte[] sealed = Aead.seal(key, aad, "host entry".getBytes(StandardCharsets.UTF_8));
    assertThat(new String(Aead.open(key, aad, sealed).orElseThrow(), StandardCharsets.UTF_8))
        .isEqualTo("host entry");
    assertThat(Aead.open(key, new byte[] {1, 3}, sealed)).isEmpty();
    assertThat(Aead.open(Aead.newKey(), aad, sealed)).isEmpty();
    sealed[sealed.length - 1] ^= 1;
    assertThat(Aead.open(key, aad, sealed)).isEmpty();
    assertThat(Aead.open(key, aad, new byte[4])).isEmpty();
  }

  static byte[] hex(String h) {
    byte[] b = new byte[h.length() / 2];
    for (int i = 0; i < b.length; i++) {
      b[i] = (byte) Integer.parseInt(h.substring(2 * i, 2 * i + 2), 16);
    }
    return b;
  }
}
