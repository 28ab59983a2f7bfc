package org.wgmesh.core.original;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.UUID;
import org.wgmesh.core.crypto.NaclBox;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.registration.Registration;

/**
 * The registration blob of the original wgmesh v2 ({@code wgsetup publish}, issue 26), so that
 * hosts still running the original can be admitted by {@code wgsite -i} while a site moves over:
 * standard base64 of the JSON {@code {"publickey": <node key>, "message": <base64 NaCl box>}}, the
 * box sealed by the node key to the original site key (PyNaCl's {@code Box.encrypt}: {@code nonce
 * || tag || ciphertext}) over the JSON {@code hostname, uuid, public_key_encoded, public_key_file,
 * private_key_file, asn, remote_addr} ({@code docs/security.md}, "Original registration blobs").
 *
 * <p>Weaker than a wgmesh blob: nothing in it names the site's domain or the time it was made, so
 * it is only accepted behind the admin's prompt. It does prove that the sender holds the key it
 * registers: the box only opens with that key, and unlike the original, the key inside must be the
 * one that sealed it. Every refusal is an {@link InputException} named {@code registration blob
 * (original): <field>}. Stateless and thread-safe.
 */
public final class OriginalBlob {
  /** How errors name an original blob. */
  public static final String WHAT = "registration blob (original)";

  /** Longest blob text read (the original's blobs are about 800 characters). */
  public static final int MAX_TEXT = 8192;

  /** The start of every wgmesh blob: "WGMR" in base64url. */
  static final String WGMESH_PREFIX = "V0dNUg";

  private static final Set<String> OUTER_FIELDS = Set.of("publickey", "message");

  /** The fields the original writes; the file paths and the ASN are read and ignored. */
  private static final Set<String> INNER_FIELDS =
      Set.of(
          "hostname",
          "uuid",
          "public_key_encoded",
          "public_key_file",
          "private_key_file",
          "asn",
          "remote_addr");

  private static final Set<String> INNER_REQUIRED =
      Set.of("hostname", "uuid", "public_key_encoded", "remote_addr");

  private static final String HINT =
      "copy the blob line 'wgsetup publish' printed on the host (after its # comment line)";

  /**
   * An opened blob.
   *
   * @param registration what the host asks for: its uuid, hostname, key and addresses; created now;
   *     no LAN prefixes, shared LANs or HPKE key (the original has none of them)
   * @param notes what was dropped or changed on the way, for the admin (an address that is not an
   *     IP address, a lower-cased hostname)
   */
  public record Opened(Registration registration, List<String> notes) {
    public Opened {
      Objects.requireNonNull(registration, "registration");
      notes = List.copyOf(notes);
    }
  }

  private OriginalBlob() {}

  /**
   * Whether {@code text} is meant as an original blob: standard base64 of a JSON object (its first
   * character decodes to <code>{</code>). A wgmesh blob starts with {@value #WGMESH_PREFIX} and
   * never decodes so. The test is this loose on purpose: a damaged original blob is then refused by
   * {@link #open} naming what is wrong with it, not as "not a wgmesh blob".
   */
  public static boolean looksOriginal(String text) {
    if (text == null) {
      return false;
    }
    String t = text.strip();
    if (t.length() < 4 || t.startsWith(WGMESH_PREFIX)) {
      return false;
    }
    try {
      byte[] first = Base64.getDecoder().decode(t.substring(0, 4));
      return first.length > 0 && first[0] == '{';
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /**
   * Opens an original blob with the original site key.
   *
   * @param originalSiteKey the original site's private key ({@code NAME.original.key})
   * @param now the registration's {@code created} time (the blob has none)
   * @throws InputException naming the field ({@code registration blob (original): message: ...})
   *     for a blob that is not base64 or JSON, has an unknown or missing field, a box that is
   *     truncated or does not open with {@code originalSiteKey} (tampered, or sealed to another
   *     site), or a key inside that is not the key that sealed it
   */
  public static Opened open(String text, X25519PrivateKey originalSiteKey, Instant now) {
    Objects.requireNonNull(originalSiteKey, "originalSiteKey");
    if (text == null || text.isBlank()) {
      throw new InputException(WHAT, "empty");
    }
    String t = text.strip();
    if (t.length() > MAX_TEXT) {
      throw new InputException(WHAT, "longer than " + MAX_TEXT + " characters", HINT);
    }
    JsonNode outer = json(base64(t, WHAT), WHAT, "");
    fields(outer, OUTER_FIELDS, OUTER_FIELDS, "");
    X25519PublicKey sender = key(string(outer, "publickey", ""), "publickey");
    byte[] box = base64(string(outer, "message", ""), WHAT + ": message");
    if (box.length < NaclBox.MIN_LENGTH) {
      throw new InputException(
          WHAT + ": message",
          "truncated: a NaCl box of "
              + box.length
              + " bytes, at least "
              + NaclBox.MIN_LENGTH
              + " (nonce 24, tag 16, then the ciphertext)",
          HINT);
    }
    byte[] plain;
    try {
      plain = NaclBox.open(originalSiteKey, sender, box, WHAT + ": message");
    } catch (InputException e) {
      throw new InputException(
          WHAT + ": message",
          "does not decrypt with the original site key (tampered, or sealed to another site)",
          "ask the host for a fresh blob from 'wgsetup publish', or check that it belongs to the"
              + " original site this site was imported from",
          e);
    }
    JsonNode inner = json(plain, WHAT + ": message", "message.");
    fields(inner, INNER_FIELDS, INNER_REQUIRED, "message.");
    X25519PublicKey registered =
        key(string(inner, "public_key_encoded", "message."), "message.public_key_encoded");
    if (!registered.equals(sender)) {
      throw new InputException(
          WHAT + ": message.public_key_encoded",
          "the registered key "
              + registered.fingerprint()
              + " is not the key that sealed the blob (publickey "
              + sender.fingerprint()
              + ")",
          "the original never checked this; a blob like it was not made by 'wgsetup publish'");
    }
    for (String ignored : List.of("public_key_file", "private_key_file")) {
      if (inner.has(ignored)) {
        string(inner, ignored, "message.");
      }
    }
    if (inner.has("asn") && !inner.get("asn").isIntegralNumber()) {
      throw new InputException(WHAT + ": message.asn", "not a whole number");
    }
    List<String> notes = new ArrayList<>();
    String hostname = string(inner, "hostname", "message.");
    if (!hostname.equals(hostname.toLowerCase(Locale.ROOT))) {
      notes.add("hostname " + hostname + " is used lower-cased");
    }
    List<IpAddress> endpoints = endpoints(string(inner, "remote_addr", "message."), notes);
    UUID uuid = uuid(string(inner, "uuid", "message."));
    try {
      Registration r =
          Registration.builder()
              .uuid(uuid)
              .hostname(hostname)
              .publicKey(registered)
              .endpoints(endpoints)
              .created(now)
              .build();
      return new Opened(r, notes);
    } catch (InputException e) {
      throw new InputException(
          WHAT + ": message." + e.what().replaceFirst("^registration: ", ""),
          e.why(),
          e.hint().orElse(null),
          e);
    }
  }

  /**
   * {@code remote_addr}: comma-separated addresses. As the original did, what is not an IP address
   * (a host name) is dropped, with a note; so is an address peers cannot send to (unspecified,
   * loopback, multicast, link-local), which the original would have published to no use.
   */
  private static List<IpAddress> endpoints(String remote, List<String> notes) {
    Set<IpAddress> out = new LinkedHashSet<>();
    for (String part : remote.split(",", -1)) {
      String a = part.strip();
      if (a.isEmpty()) {
        continue;
      }
      IpAddress ip;
      try {
        ip = IpAddress.parse(a, "remote_addr");
      } catch (InputException e) {
        notes.add("remote_addr: '" + a + "' is not an IP address: dropped, as the original did");
        continue;
      }
      var ia = ip.address();
      if (ia.isAnyLocalAddress()
          || ia.isLoopbackAddress()
          || ia.isMulticastAddress()
          || ia.isLinkLocalAddress()) {
        notes.add(
            "remote_addr: "
                + ip
                + " cannot be reached by peers (unspecified, loopback, multicast or link-local):"
                + " dropped");
        continue;
      }
      out.add(ip);
    }
    if (out.size() > Registration.MAX_ENDPOINTS) {
      throw new InputException(
          WHAT + ": message.remote_addr",
          out.size() + " addresses, at most " + Registration.MAX_ENDPOINTS);
    }
    return List.copyOf(out);
  }

  private static byte[] base64(String text, String what) {
    try {
      return Base64.getDecoder().decode(text);
    } catch (IllegalArgumentException e) {
      throw new InputException(what, "not base64: " + e.getMessage(), HINT);
    }
  }

  private static JsonNode json(byte[] bytes, String what, String prefix) {
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      throw new InputException(what, "not JSON: not UTF-8 text", HINT);
    }
    JsonNode node;
    try {
      node = Json.readTree(text, what);
    } catch (InputException e) {
      throw new InputException(what, "not JSON: " + e.why(), HINT, e);
    }
    if (!node.isObject()) {
      throw new InputException(
          what, "not a JSON object" + (prefix.isEmpty() ? "" : " inside"), HINT);
    }
    return node;
  }

  /** Refuses unknown and missing fields, naming the first. */
  private static void fields(JsonNode n, Set<String> known, Set<String> required, String prefix) {
    for (Iterator<Map.Entry<String, JsonNode>> it = n.fields(); it.hasNext(); ) {
      String name = it.next().getKey();
      if (!known.contains(name)) {
        throw new InputException(
            WHAT + ": " + prefix + name,
            "unknown field",
            "the original v2 writes only " + String.join(", ", sorted(known)));
      }
    }
    for (String name : sorted(required)) {
      if (!n.has(name)) {
        throw new InputException(WHAT + ": " + prefix + name, "missing", HINT);
      }
    }
  }

  private static List<String> sorted(Set<String> names) {
    return names.stream().sorted().toList();
  }

  private static String string(JsonNode n, String field, String prefix) {
    JsonNode v = n.get(field);
    if (v == null || !v.isTextual()) {
      throw new InputException(WHAT + ": " + prefix + field, "not a string");
    }
    return v.asText();
  }

  private static X25519PublicKey key(String text, String field) {
    try {
      return X25519PublicKey.parse(text, WHAT + ": " + field);
    } catch (InputException e) {
      throw new InputException(e.what(), e.why(), HINT, e);
    }
  }

  private static UUID uuid(String t) {
    if (!t.matches("[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}")) {
      throw new InputException(WHAT + ": message.uuid", "'" + t + "' is not a UUID");
    }
    return UUID.fromString(t);
  }
}
