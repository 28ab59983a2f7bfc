package org.wgmesh.core.registration;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.Optional;
import org.wgmesh.core.crypto.Hpke;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.InputException;

/**
 * A host key rotation blob (issue 12): a registration blob sealed with the host's <b>new</b> key,
 * then {@code .}, then an endorsement sealed with its <b>old</b> key, so the site learns that the
 * holder of the admitted key asks for the new one, and {@code wgsite -i} can accept it for that
 * host without {@code --replace} or a human. Text form: {@code REGISTRATION "." ENDORSEMENT}, both
 * base64url without padding.
 *
 * <p>Endorsement envelope: ASCII {@code WGMK}, version 1, domain length and domain, the old public
 * key (32), the HPKE encapsulated key (32), the ciphertext. HPKE auth mode from the old key to the
 * site box key, {@code info = "wgmesh-rotation-v1" 0x00 domain}, {@code aad} = the header (magic
 * through old key); plaintext = the new public key (32) and SHA-256 of the registration blob's text
 * (32), which binds the endorsement to that one blob.
 */
public final class KeyRotation {
  private static final byte[] MAGIC = "WGMK".getBytes(StandardCharsets.US_ASCII);
  private static final int VERSION = 1;
  private static final int KEY = 32;

  private KeyRotation() {}

  /**
   * An opened rotation blob.
   *
   * @param registrationBlob the registration blob part (sealed with the new key), still to be
   *     opened with {@link RegistrationBlob#open}
   * @param oldKey the key that endorsed it (proven by HPKE auth mode)
   * @param newKey the key it endorses; must be the registration's key
   */
  public record Opened(String registrationBlob, X25519PublicKey oldKey, X25519PublicKey newKey) {}

  /** Whether {@code text} has the form of a rotation blob (two parts). */
  public static boolean isRotation(String text) {
    return text != null && text.strip().contains(".");
  }

  /**
   * Endorses {@code registrationBlob} (sealed with {@code newKey}) with the old key.
   *
   * @return the rotation blob text
   */
  public static String endorse(
      String registrationBlob,
      X25519PrivateKey oldKey,
      X25519PublicKey newKey,
      X25519PublicKey siteBoxKey,
      String domain) {
    byte[] header = header(domain, oldKey.publicKey());
    byte[] plain =
        ByteBuffer.allocate(2 * KEY).put(newKey.bytes()).put(digest(registrationBlob)).array();
    Hpke.Sealed s = Hpke.seal(oldKey, siteBoxKey, info(domain), header, plain);
    ByteBuffer out = ByteBuffer.allocate(header.length + KEY + s.ciphertext().length);
    out.put(header).put(s.enc()).put(s.ciphertext());
    return registrationBlob.strip() + "." + BlobBase64.encode(out.array());
  }

  /**
   * Opens the endorsement of a rotation blob addressed to this site.
   *
   * @throws InputException naming the field when it is malformed, for another site, or was not
   *     sealed by the old key it names (tampered, or signed by another key)
   */
  public static Opened open(String text, X25519PrivateKey siteBoxKey, String domain) {
    String t = text.strip();
    int dot = t.indexOf('.');
    if (dot <= 0 || dot != t.lastIndexOf('.') || dot == t.length() - 1) {
      throw new InputException("rotation blob", "expected REGISTRATION.ENDORSEMENT");
    }
    String registration = t.substring(0, dot);
    byte[] raw;
    try {
      raw = BlobBase64.decode(t.substring(dot + 1));
    } catch (IllegalArgumentException x) {
      throw new InputException("rotation blob: endorsement", "not base64url: " + x.getMessage());
    }
    byte[] expectedHeaderStart = headerStart(domain);
    if (raw.length < expectedHeaderStart.length + 2 * KEY + 16) {
      throw new InputException("rotation blob: endorsement", "truncated");
    }
    if (!Arrays.equals(Arrays.copyOf(raw, MAGIC.length), MAGIC)) {
      throw new InputException("rotation blob: endorsement", "not a wgmesh key rotation");
    }
    if (raw[MAGIC.length] != VERSION) {
      throw new InputException(
          "rotation blob: version", "version " + raw[MAGIC.length] + " is not supported");
    }
    if (!Arrays.equals(Arrays.copyOf(raw, expectedHeaderStart.length), expectedHeaderStart)) {
      throw new InputException(
          "rotation blob: domain",
          "the endorsement is not for site '" + domain + "'",
          "run 'wghost --rotate-key " + domain + "' on the host");
    }
    int h = expectedHeaderStart.length;
    X25519PublicKey oldKey = new X25519PublicKey(Arrays.copyOfRange(raw, h, h + KEY));
    byte[] header = Arrays.copyOf(raw, h + KEY);
    byte[] enc = Arrays.copyOfRange(raw, h + KEY, h + 2 * KEY);
    byte[] ct = Arrays.copyOfRange(raw, h + 2 * KEY, raw.length);
    Optional<byte[]> opened =
        Hpke.open(siteBoxKey, oldKey, info(domain), header, new Hpke.Sealed(enc, ct));
    if (opened.isEmpty() || opened.get().length != 2 * KEY) {
      throw new InputException(
          "rotation blob: endorsement",
          "was not sealed by the old key it names, or not to this site (tampered or forged)",
          "nothing was changed; make a fresh one with 'wghost --rotate-key " + domain + "'");
    }
    byte[] plain = opened.get();
    X25519PublicKey newKey = new X25519PublicKey(Arrays.copyOf(plain, KEY));
    if (!MessageDigest.isEqual(Arrays.copyOfRange(plain, KEY, 2 * KEY), digest(registration))) {
      throw new InputException(
          "rotation blob: endorsement",
          "endorses another registration blob than the one it carries");
    }
    return new Opened(registration, oldKey, newKey);
  }

  /** The header up to the old key: magic, version and domain. */
  private static byte[] headerStart(String domain) {
    byte[] d = domain.getBytes(StandardCharsets.US_ASCII);
    return ByteBuffer.allocate(MAGIC.length + 2 + d.length)
        .put(MAGIC)
        .put((byte) VERSION)
        .put((byte) d.length)
        .put(d)
        .array();
  }

  /** The whole header: {@link #headerStart} and the old key. */
  private static byte[] header(String domain, X25519PublicKey oldKey) {
    byte[] start = headerStart(domain);
    return ByteBuffer.allocate(start.length + KEY).put(start).put(oldKey.bytes()).array();
  }

  private static byte[] info(String domain) {
    return ("wgmesh-rotation-v1\0" + domain).getBytes(StandardCharsets.US_ASCII);
  }

  private static byte[] digest(String blob) {
    try {
      return MessageDigest.getInstance("SHA-256")
          .digest(blob.strip().getBytes(StandardCharsets.US_ASCII));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }
}
