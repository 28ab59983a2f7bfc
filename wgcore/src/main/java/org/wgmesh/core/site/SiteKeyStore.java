package org.wgmesh.core.site;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.List;
import java.util.Optional;
import org.wgmesh.core.crypto.Ed25519PrivateKey;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;

/**
 * The private keys of a site file, in files beside it (mode 0600, created atomically, never in the
 * YAML). It exists so that the key files have one owner: the codec ({@link SiteCodec}) knows only
 * the public halves the YAML holds, the roll procedures ({@link SiteKeyRolls}) name no path, and
 * every read checks a key file against the public half the site file names, so a swapped or damaged
 * key file is noticed.
 *
 * @param signing the signing key, {@code <name>.sign.key}
 * @param box the box (HPKE) key, {@code <name>.box.key}
 * @param nextSigning the next signing key during a roll, {@code <name>.sign.next.key}
 * @param nextBox the next box key during a roll, {@code <name>.box.next.key}
 * @param original the original wgmesh's site key of an imported site (issue 26), {@code
 *     <name>.original.key}; read only when the site file names {@code original-public}
 */
public record SiteKeyStore(Path signing, Path box, Path nextSigning, Path nextBox, Path original) {

  /** The key files of the site file {@code yaml}, beside it. */
  public static SiteKeyStore beside(Path yaml) {
    String name = yaml.getFileName().toString().replaceFirst("\\.ya?ml$", "");
    return new SiteKeyStore(
        yaml.resolveSibling(name + ".sign.key"),
        yaml.resolveSibling(name + ".box.key"),
        yaml.resolveSibling(name + ".sign.next.key"),
        yaml.resolveSibling(name + ".box.next.key"),
        yaml.resolveSibling(name + ".original.key"));
  }

  /**
   * The private keys a site file names.
   *
   * @param keys the current keys
   * @param roll the roll under way, with the next keys
   * @param original the original wgmesh's site key, when the site file names its public half
   */
  record Keys(SiteKeys keys, Optional<SiteKeyRoll> roll, Optional<X25519PrivateKey> original) {}

  /**
   * Reads the keys {@code spec} names and checks each against its public half. A completion that
   * was interrupted after the site file named the next keys and before their files replaced the old
   * ones is read as completed: the next key files hold the current keys ({@link #promoteNext} then
   * finishes it).
   *
   * @throws FileException when a key file cannot be read or is not 0600
   * @throws ConfigException naming the site file's property when a key file does not match it
   */
  Keys load(SiteSpec spec) {
    Ed25519PrivateKey signingKey = read(signing, Ed25519PrivateKey::parse);
    X25519PrivateKey boxKey = read(box, X25519PrivateKey::parse);
    if (!boxKey.publicKey().equals(spec.boxPublic()) && spec.roll().isEmpty()) {
      boxKey =
          readIfExists(nextBox, X25519PrivateKey::parse)
              .filter(k -> k.publicKey().equals(spec.boxPublic()))
              .orElse(boxKey);
    }
    if (!signingKey.publicKey().equals(spec.signingPublic()) && spec.roll().isEmpty()) {
      signingKey =
          readIfExists(nextSigning, Ed25519PrivateKey::parse)
              .filter(k -> k.publicKey().equals(spec.signingPublic()))
              .orElse(signingKey);
    }
    check(signingKey.publicKey().equals(spec.signingPublic()), spec, "signing-public", signing);
    check(boxKey.publicKey().equals(spec.boxPublic()), spec, "box-public", box);
    Optional<X25519PrivateKey> originalKey = loadOriginal(spec);
    if (spec.roll().isEmpty()) {
      return new Keys(new SiteKeys(signingKey, boxKey), Optional.empty(), originalKey);
    }
    SiteSpec.RollSpec roll = spec.roll().get();
    Ed25519PrivateKey next = read(nextSigning, Ed25519PrivateKey::parse);
    check(next.publicKey().equals(roll.nextPublic()), spec, "next-signing-public", nextSigning);
    X25519PrivateKey nextBoxKey = read(nextBox, X25519PrivateKey::parse);
    check(nextBoxKey.publicKey().equals(roll.nextBoxPublic()), spec, "next-box-public", nextBox);
    return new Keys(
        new SiteKeys(signingKey, boxKey),
        Optional.of(new SiteKeyRoll(next, nextBoxKey, roll.at())),
        originalKey);
  }

  /**
   * The original wgmesh's key, when the site file names {@code original-public}; a leftover file of
   * a site that forgot it is not read.
   */
  private Optional<X25519PrivateKey> loadOriginal(SiteSpec spec) {
    Optional<X25519PublicKey> expected = spec.originalPublic();
    if (expected.isEmpty()) {
      return Optional.empty();
    }
    X25519PrivateKey key = read(original, X25519PrivateKey::parse);
    check(key.publicKey().equals(expected.get()), spec, SiteSpec.ORIGINAL_PUBLIC, original);
    return Optional.of(key);
  }

  /**
   * Writes the keys of a new site, and the original wgmesh's key of an imported one, refusing to
   * overwrite a key file (it may belong to a site whose file was lost): every file is checked
   * before the first is written.
   *
   * @throws FileException when a key file exists or cannot be written
   */
  void createCurrent(SiteKeys keys, Optional<X25519PrivateKey> originalKey) {
    refuseExisting(
        List.of(signing, box),
        "a key file exists but the site file does not",
        "move the old key files away (they may belong to a site whose file was lost) and run again");
    if (originalKey.isPresent()) {
      refuseExisting(
          List.of(original),
          "an original key file exists but the site file does not",
          "move it away (it may belong to another imported site) and run again");
    }
    KeyFiles.createSecret(signing, keys.signing().toBase64());
    KeyFiles.createSecret(box, keys.box().toBase64());
    originalKey.ifPresent(k -> KeyFiles.createSecret(original, k.toBase64()));
  }

  /**
   * Deletes the original wgmesh's key file, once the site file no longer names it.
   *
   * @return true when there was a file
   * @throws FileException when it cannot be deleted
   */
  boolean deleteOriginal() {
    try {
      return Files.deleteIfExists(original);
    } catch (IOException e) {
      throw new FileException(original.toString(), "cannot delete: " + e.getMessage(), null, e);
    }
  }

  /**
   * Writes the next keys of a roll the site file does not record yet.
   *
   * @throws FileException when a next key file exists or cannot be written
   */
  void createNext(Ed25519PrivateKey next, X25519PrivateKey nextBoxKey) {
    refuseExisting(
        List.of(nextSigning, nextBox),
        "exists, but the site file records no roll",
        "a roll was started and its site file lost, or completed half-way: move the file away"
            + " (keep it until you know which key the endpoints pin) and run again");
    KeyFiles.createSecret(nextSigning, next.toBase64());
    KeyFiles.createSecret(nextBox, nextBoxKey.toBase64());
  }

  /**
   * Moves each next key file that holds {@code current}'s key over the old key file, atomically.
   *
   * @return true when it moved a file
   * @throws FileException when a file cannot be moved
   */
  boolean promoteNext(SiteKeys current) {
    boolean moved = false;
    if (readIfExists(nextSigning, Ed25519PrivateKey::parse)
        .filter(k -> k.publicKey().equals(current.signing().publicKey()))
        .isPresent()) {
      move(nextSigning, signing);
      moved = true;
    }
    if (readIfExists(nextBox, X25519PrivateKey::parse)
        .filter(k -> k.publicKey().equals(current.box().publicKey()))
        .isPresent()) {
      move(nextBox, box);
      moved = true;
    }
    return moved;
  }

  private static void check(boolean matches, SiteSpec spec, String property, Path file) {
    if (!matches) {
      throw spec.keyFileMismatch(property, file);
    }
  }

  private static void refuseExisting(List<Path> files, String why, String hint) {
    for (Path p : files) {
      if (Files.exists(p)) {
        throw new FileException(p.toString(), why, hint);
      }
    }
  }

  private static void move(Path from, Path to) {
    try {
      Files.move(from, to, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      throw new FileException(
          from.toString(), "cannot move over the old key file: " + e.getMessage(), null, e);
    }
  }

  private interface KeyParser<K> {
    K parse(String base64, String what);
  }

  private static <K> Optional<K> readIfExists(Path file, KeyParser<K> parser) {
    return Files.exists(file) ? Optional.of(read(file, parser)) : Optional.empty();
  }

  private static <K> K read(Path file, KeyParser<K> parser) {
    String text = KeyFiles.readSecret(file);
    try {
      return parser.parse(text, file.toString());
    } catch (InputException e) {
      throw new ConfigException(
          file.toString(), "not a key file: " + e.why(), "restore it from a backup");
    }
  }
}
