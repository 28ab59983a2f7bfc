package org.wgmesh.core.record;

import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Arrays;
import java.util.Base64;
import java.util.Random;
import org.wgmesh.core.crypto.Aead;

/**
 * The mesh group key: the ChaCha20-Poly1305 key that host records are encrypted under, and its
 * epoch. A new epoch (and key) begins whenever a member leaves, so a removed host cannot read later
 * host records. {@link #toString()} never shows the key.
 */
public final class GroupKey {
  /** The largest epoch the format can carry (it is a 32-bit unsigned number on the wire). */
  public static final long MAX_EPOCH = 0xffff_ffffL;

  private static final SecureRandom RANDOM = new SecureRandom();

  private final long epoch;
  private final byte[] key;

  /**
   * @param epoch 0..{@link #MAX_EPOCH}
   * @param key 32 bytes
   * @throws IllegalArgumentException when either is out of range
   */
  public GroupKey(long epoch, byte[] key) {
    if (epoch < 0 || epoch > MAX_EPOCH) {
      throw new IllegalArgumentException(
          "group key epoch must be 0.." + MAX_EPOCH + ", got " + epoch);
    }
    if (key == null || key.length != Aead.KEY_LENGTH) {
      throw new IllegalArgumentException("a group key is 32 bytes");
    }
    this.epoch = epoch;
    this.key = key.clone();
  }

  /** A new random key for {@code epoch}. */
  public static GroupKey generate(long epoch) {
    return generate(epoch, RANDOM);
  }

  /** A new key for {@code epoch} drawn from {@code random} (tests pass a seeded one). */
  static GroupKey generate(long epoch, Random random) {
    byte[] k = new byte[Aead.KEY_LENGTH];
    random.nextBytes(k);
    return new GroupKey(epoch, k);
  }

  public long epoch() {
    return epoch;
  }

  /** A copy of the 32 key bytes. */
  public byte[] key() {
    return key.clone();
  }

  /** Base64 of the key bytes, for the publication state file (a secret: store it 0600). */
  public String keyBase64() {
    return Base64.getEncoder().encodeToString(key);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof GroupKey g && g.epoch == epoch && MessageDigest.isEqual(g.key, key);
  }

  @Override
  public int hashCode() {
    return Long.hashCode(epoch) * 31 + Arrays.hashCode(key);
  }

  @Override
  public String toString() {
    return "GroupKey[epoch=" + epoch + ", key=redacted]";
  }
}
