package org.wgmesh.core.crypto;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.testing.NaclSeal;
import org.wgmesh.core.testing.OriginalFixtures;

class NaclBoxTest {
  private static final HexFormat HEX = HexFormat.of();

  // The NaCl box known-answer test, as in libsodium test/default/box.c (alicesk, bobpk, nonce,
  // the message after crypto_box's 32 zero bytes), box2.c (bobsk, alicepk, small_order_p) and
  // box.exp (the ciphertext from byte 16: the Poly1305 tag, then the encrypted message). The keys
  // are RFC 7748's Alice and Bob.
  private static final byte[] ALICE_SK =
      HEX.parseHex("77076d0a7318a57d3c16c17251b26645df4c2f87ebc0992ab177fba51db92c2a");
  private static final byte[] ALICE_PK =
      HEX.parseHex("8520f0098930a754748b7ddcb43ef75a0dbf3a0d26381af4eba4a98eaa9b4e6a");
  private static final byte[] BOB_SK =
      HEX.parseHex("5dab087e624a8a4b79e17f8b83800ee66f3bb1292618b6fd1c2f8b27ff88e0eb");
  private static final byte[] BOB_PK =
      HEX.parseHex("de9edb7d7b7dc1b4d35b61c2ece435373f8343c85b78674dadfc7e146f882b4f");
  private static final byte[] SMALL_ORDER_P =
      HEX.parseHex("e0eb7a7c3b41b8ae1656e3faf19fc46ada098deb9c32b1fd866205165f49b800");
  private static final byte[] NONCE =
      HEX.parseHex("69696ee955b62b73cd62bda875fc73d68219e0036b7a0b37");
  private static final byte[] MESSAGE =
      HEX.parseHex(
          "be075fc53c81f2d5cf141316ebeb0c7b5228c52a4c62cbd44b66849b64244ffce5ecbaaf33bd751a1ac728d4"
              + "5e6c61296cdc3c01233561f41db66cce314adb310e3be8250c46f06dceea3a7fa1348057e2f6556ad6b131"
              + "8a024a838f21af1fde048977eb48f59ffd4924ca1c60902e52f0a089bc76897040e082f93776384864"
              + "5e0705");
  private static final byte[] TAG_AND_CIPHERTEXT =
      HEX.parseHex(
          "f3ffc7703f9400e52a7dfb4b3d3305d98e993b9f48681273c29650ba32fc76ce48332ea7164d96a4476fb8c5"
              + "31a1186ac0dfc17c98dce87b4da7f011ec48c97271d2c20f9b928fe2270d6fb863d51738b48eeee314a7"
              + "cc8ab932164548e526ae90224368517acfeabd6bb3732bc0e9da99832b61ca01b6de56244a9e88d5f9b3"
              + "7973f622a43d14a6599b1f654cb45a74e355a5");

  private static final String WHAT = "test box";

  private static byte[] kat() {
    byte[] box = new byte[NONCE.length + TAG_AND_CIPHERTEXT.length];
    System.arraycopy(NONCE, 0, box, 0, NONCE.length);
    System.arraycopy(TAG_AND_CIPHERTEXT, 0, box, NONCE.length, TAG_AND_CIPHERTEXT.length);
    return box;
  }

  private static X25519PrivateKey bobSk() {
    return new X25519PrivateKey(BOB_SK);
  }

  private static X25519PublicKey alicePk() {
    return new X25519PublicKey(ALICE_PK);
  }

  @Test
  void open_libsodiumBoxVector() {
    assertThat(MESSAGE).hasSize(131);
    assertThat(TAG_AND_CIPHERTEXT).hasSize(147);
    assertThat(NaclBox.open(bobSk(), alicePk(), kat(), WHAT)).isEqualTo(MESSAGE);
  }

  @Test
  void vectorKeys_areRfc7748Pairs() {
    assertThat(new X25519PrivateKey(ALICE_SK).publicKey().bytes()).isEqualTo(ALICE_PK);
    assertThat(bobSk().publicKey().bytes()).isEqualTo(BOB_PK);
  }

  @Test
  void naclSeal_libsodiumBoxVector() {
    byte[] box =
        NaclSeal.seal(new X25519PrivateKey(ALICE_SK), new X25519PublicKey(BOB_PK), NONCE, MESSAGE);
    assertThat(box).isEqualTo(kat());
  }

  @Test
  void open_roundTripsSealedMessagesOfEveryLength() {
    Random random = new Random(26);
    X25519PrivateKey sender = X25519PrivateKey.generate();
    X25519PrivateKey recipient = X25519PrivateKey.generate();
    for (int length : new int[] {0, 1, 15, 16, 17, 31, 32, 33, 63, 64, 65, 348, 1000}) {
      byte[] message = new byte[length];
      random.nextBytes(message);
      byte[] box = NaclSeal.seal(sender, recipient.publicKey(), message);
      assertThat(box).hasSize(NaclBox.MIN_LENGTH + length);
      assertThat(NaclBox.open(recipient, sender.publicKey(), box, WHAT))
          .as("length %d", length)
          .isEqualTo(message);
    }
  }

  @Test
  void open_refusesEverySingleBitFlip() {
    byte[] good = kat();
    for (int bit = 0; bit < good.length * 8; bit++) {
      byte[] box = good.clone();
      box[bit / 8] ^= (byte) (1 << (bit % 8));
      int flipped = bit;
      assertThatThrownBy(() -> NaclBox.open(bobSk(), alicePk(), box, WHAT))
          .as("bit %d (byte %d)", flipped, flipped / 8)
          .isInstanceOf(InputException.class)
          .hasMessageContaining("Poly1305 tag does not match");
    }
  }

  @Test
  void open_refusesABoxShorterThanNonceAndTag() {
    for (int length : new int[] {0, 1, 24, 39}) {
      byte[] box = Arrays.copyOf(kat(), length);
      assertThatThrownBy(() -> NaclBox.open(bobSk(), alicePk(), box, WHAT))
          .as("length %d", length)
          .isInstanceOf(InputException.class)
          .hasMessageContaining(WHAT)
          .hasMessageContaining("truncated NaCl box: " + length + " bytes, at least 40");
    }
  }

  @Test
  void open_acceptsAnEmptyMessageOfExactly40Bytes() {
    X25519PrivateKey sender = X25519PrivateKey.generate();
    byte[] box = NaclSeal.seal(sender, bobSk().publicKey(), new byte[0]);
    assertThat(box).hasSize(40);
    assertThat(NaclBox.open(bobSk(), sender.publicKey(), box, WHAT)).isEmpty();
  }

  @Test
  void open_refusesATruncatedOrExtendedCiphertext() {
    byte[] good = kat();
    byte[] shorter = Arrays.copyOf(good, good.length - 1);
    byte[] longer = Arrays.copyOf(good, good.length + 1);
    for (byte[] box : new byte[][] {shorter, longer}) {
      assertThatThrownBy(() -> NaclBox.open(bobSk(), alicePk(), box, WHAT))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("does not decrypt");
    }
  }

  @Test
  void open_refusesOtherKeys() {
    X25519PrivateKey stranger = X25519PrivateKey.generate();
    assertThatThrownBy(() -> NaclBox.open(stranger, alicePk(), kat(), WHAT))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("does not decrypt");
    assertThatThrownBy(() -> NaclBox.open(bobSk(), stranger.publicKey(), kat(), WHAT))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("does not decrypt");
  }

  @Test
  void open_refusesALowOrderSenderKey() {
    for (byte[] lowOrder : new byte[][] {new byte[32], SMALL_ORDER_P}) {
      assertThatThrownBy(() -> NaclBox.open(bobSk(), new X25519PublicKey(lowOrder), kat(), WHAT))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("low order");
    }
  }

  @Test
  void open_originalFixtureBlobsWithTheSiteKey() throws IOException {
    X25519PrivateKey site = siteKey();
    assertThat(site.publicKey().toBase64())
        .isEqualTo("rM50PwoqsOcSAq6ftqkWvWVLUn0BuOHYC60Kqy/plQY=");
    for (int n = 1; n <= OriginalFixtures.NODES; n++) {
      JsonNode outer = outer(n);
      X25519PublicKey node = X25519PublicKey.parse(outer.get("publickey").asText(), "publickey");
      byte[] box = Base64.getDecoder().decode(outer.get("message").asText());
      assertThat(box).hasSize(388);

      JsonNode inner = new ObjectMapper().readTree(NaclBox.open(site, node, box, WHAT));
      String name = OriginalFixtures.nodeName(n);
      assertThat(inner.get("hostname").asText()).isEqualTo(name);
      assertThat(inner.get("public_key_encoded").asText()).isEqualTo(node.toBase64());
      assertThat(node.toBase64())
          .isEqualTo(Files.readString(OriginalFixtures.nodePub(n), StandardCharsets.US_ASCII));
      assertThat(inner.get("asn").asInt()).isEqualTo(-1);
      assertThat(inner.get("remote_addr").asText()).isEqualTo("198.18.0." + n + ",2001:db8::" + n);
    }
  }

  @Test
  void open_originalFixtureBlobsFailWithAnotherKey() throws IOException {
    X25519PrivateKey stranger = X25519PrivateKey.generate();
    for (int n = 1; n <= OriginalFixtures.NODES; n++) {
      JsonNode outer = outer(n);
      X25519PublicKey node = X25519PublicKey.parse(outer.get("publickey").asText(), "publickey");
      byte[] box = Base64.getDecoder().decode(outer.get("message").asText());
      X25519PrivateKey nodeKey =
          X25519PrivateKey.parse(
              Files.readString(OriginalFixtures.nodeKey(n), StandardCharsets.US_ASCII), "node key");
      for (X25519PrivateKey wrong : new X25519PrivateKey[] {stranger, nodeKey}) {
        assertThatThrownBy(() -> NaclBox.open(wrong, node, box, WHAT))
            .isInstanceOf(InputException.class)
            .hasMessageContaining("does not decrypt");
      }
      // The site key with another host's public key as the sender fails as well.
      X25519PublicKey otherNode =
          X25519PublicKey.parse(
              Files.readString(
                  OriginalFixtures.nodePub(n % OriginalFixtures.NODES + 1),
                  StandardCharsets.US_ASCII),
              "other node");
      assertThatThrownBy(() -> NaclBox.open(siteKey(), otherNode, box, WHAT))
          .isInstanceOf(InputException.class)
          .hasMessageContaining("does not decrypt");
    }
  }

  private static X25519PrivateKey siteKey() throws IOException {
    return X25519PrivateKey.parse(
        Files.readString(OriginalFixtures.siteKey(), StandardCharsets.US_ASCII), "site key");
  }

  private static JsonNode outer(int n) throws IOException {
    byte[] json = Base64.getDecoder().decode(OriginalFixtures.blobText(n));
    assertThat(json).hasSize(596);
    return new ObjectMapper().readTree(json);
  }
}
