package org.wgmesh.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** {@link Hpke#seal} with a given ephemeral key interoperates with Bouncy Castle's HPKE open. */
class HpkeExplicitEphemeralTest {
  private final X25519PrivateKey sender = X25519PrivateKey.generate();
  private final X25519PrivateKey recipient = X25519PrivateKey.generate();
  private final byte[] info = "info".getBytes(StandardCharsets.US_ASCII);
  private final byte[] aad = "aad".getBytes(StandardCharsets.US_ASCII);
  private final byte[] plaintext = "the group key".getBytes(StandardCharsets.US_ASCII);

  @Test
  void seal_opensWithBouncyCastle() {
    Hpke.Sealed sealed =
        Hpke.seal(sender, recipient.publicKey(), info, aad, plaintext, X25519PrivateKey.generate());
    assertThat(Hpke.open(recipient, sender.publicKey(), info, aad, sealed).orElseThrow())
        .isEqualTo(plaintext);
  }

  @Test
  void seal_refusedForAnotherSenderInfoOrAad() {
    Hpke.Sealed sealed =
        Hpke.seal(sender, recipient.publicKey(), info, aad, plaintext, X25519PrivateKey.generate());
    assertThat(Hpke.open(recipient, X25519PrivateKey.generate().publicKey(), info, aad, sealed))
        .isEmpty();
    assertThat(Hpke.open(recipient, sender.publicKey(), new byte[0], aad, sealed)).isEmpty();
    assertThat(Hpke.open(recipient, sender.publicKey(), info, new byte[0], sealed)).isEmpty();
    assertThat(Hpke.open(X25519PrivateKey.generate(), sender.publicKey(), info, aad, sealed))
        .isEmpty();
  }

  @Test
  void seal_isDeterministicForAFixedEphemeralKey() {
    X25519PrivateKey ephemeral = X25519PrivateKey.generate();
    Hpke.Sealed a = Hpke.seal(sender, recipient.publicKey(), info, aad, plaintext, ephemeral);
    Hpke.Sealed b = Hpke.seal(sender, recipient.publicKey(), info, aad, plaintext, ephemeral);
    assertThat(a.enc()).isEqualTo(ephemeral.publicKey().bytes()).isEqualTo(b.enc());
    assertThat(a.ciphertext()).isEqualTo(b.ciphertext());
  }

  @Test
  void seal_lowOrderRecipientRefused() {
    X25519PublicKey zero = new X25519PublicKey(new byte[32]);
    assertThatThrownBy(
            () -> Hpke.seal(sender, zero, info, aad, plaintext, X25519PrivateKey.generate()))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void aeadSeal_withNonceOpens() {
    byte[] key = Aead.newKey();
    byte[] nonce = new byte[Aead.NONCE_LENGTH];
    byte[] sealed = Aead.seal(key, aad, plaintext, nonce);
    assertThat(sealed).startsWith(nonce);
    assertThat(Aead.open(key, aad, sealed).orElseThrow()).isEqualTo(plaintext);
    assertThatThrownBy(() -> Aead.seal(key, aad, plaintext, new byte[8]))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
