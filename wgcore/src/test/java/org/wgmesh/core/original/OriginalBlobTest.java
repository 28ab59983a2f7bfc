package org.wgmesh.core.original;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Base64;
import java.util.UUID;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.testing.NaclSeal;
import org.wgmesh.core.testing.OriginalFixtures;

class OriginalBlobTest {
  static final Instant NOW = Instant.parse("2026-12-05T12:00:00Z");

  static X25519PrivateKey key(Path file) {
    try {
      return X25519PrivateKey.parse(Files.readString(file), file.toString());
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  static X25519PrivateKey siteKey() {
    return key(OriginalFixtures.siteKey());
  }

  static X25519PrivateKey nodeKey(int n) {
    return key(OriginalFixtures.nodeKey(n));
  }

  /** The inner JSON as the original writes it (Python's json.dumps separators). */
  static String inner(int n, UUID uuid, String publicKey, String remote) {
    return "{\"hostname\": \"node00"
        + n
        + "\", \"uuid\": \""
        + uuid
        + "\", \"public_key_encoded\": \""
        + publicKey
        + "\", \"public_key_file\": \"/etc/wgmesh/node_mesh1.pub\", \"private_key_file\":"
        + " \"/etc/wgmesh/node_mesh1.key\", \"asn\": -1, \"remote_addr\": \""
        + remote
        + "\"}";
  }

  /** A blob sealed as {@code wgsetup publish} does, by {@code sender}, naming {@code outerKey}. */
  static String blob(String innerJson, X25519PrivateKey sender, X25519PublicKey outerKey) {
    byte[] box =
        NaclSeal.seal(sender, siteKey().publicKey(), innerJson.getBytes(StandardCharsets.UTF_8));
    return outer(outerKey.toBase64(), Base64.getEncoder().encodeToString(box), "");
  }

  static String outer(String publicKey, String message, String extra) {
    String json =
        "{\"publickey\": \"" + publicKey + "\", \"message\": \"" + message + "\"" + extra + "}";
    return b64(json);
  }

  static String b64(String text) {
    return Base64.getEncoder().encodeToString(text.getBytes(StandardCharsets.UTF_8));
  }

  static UUID uuidOf(int n) {
    return OriginalYaml.readSite(OriginalFixtures.siteFile()).hosts().get(n - 1).uuid();
  }

  @Test
  void fixtureBlobs_openWithTheFixtureSiteKey_toTheSiteEntry() throws Exception {
    OriginalSite site = OriginalYaml.readSite(OriginalFixtures.siteFile());
    for (int n = 1; n <= OriginalFixtures.NODES; n++) {
      String text = OriginalFixtures.blobText(n);
      assertThat(OriginalBlob.looksOriginal(text)).isTrue();
      OriginalBlob.Opened o = OriginalBlob.open(text, siteKey(), NOW);
      Registration r = o.registration();
      OriginalHost h = site.hosts().get(n - 1);
      assertThat(r.uuid()).isEqualTo(h.uuid());
      assertThat(r.hostname()).isEqualTo(OriginalFixtures.nodeName(n)).isEqualTo(h.hostname());
      assertThat(r.publicKey())
          .isEqualTo(h.publicKey())
          .isEqualTo(X25519PublicKey.parse(Files.readString(OriginalFixtures.nodePub(n)), "pub"));
      assertThat(r.endpoints())
          .containsExactly(
              IpAddress.parse("198.18.0." + n, "t"), IpAddress.parse("2001:db8::" + n, "t"));
      assertThat(r.lanPrefixes()).isEmpty();
      assertThat(r.sharedLans()).isEmpty();
      assertThat(r.hpkePublic()).isEmpty();
      assertThat(r.created()).isEqualTo(NOW);
      assertThat(o.notes()).isEmpty();
    }
  }

  @Test
  void looksOriginal_onlyForBase64OfAJsonObject_neverForAWgmeshBlob() {
    X25519PrivateKey host = X25519PrivateKey.generate();
    String wgmesh =
        RegistrationBlob.seal(
            Registration.builder()
                .uuid(UUID.randomUUID())
                .hostname("h1")
                .publicKey(host.publicKey())
                .created(NOW)
                .build(),
            host,
            X25519PrivateKey.generate().publicKey(),
            "mesh.example.com");
    assertThat(wgmesh).startsWith(OriginalBlob.WGMESH_PREFIX);
    assertThat(OriginalBlob.looksOriginal(wgmesh)).isFalse();
    assertThat(OriginalBlob.looksOriginal("  " + OriginalFixtures.blobText(1) + "\n")).isTrue();
    assertThat(OriginalBlob.looksOriginal(b64("{\"broken"))).isTrue();
    for (String other : new String[] {null, "", "eyJ", "!!!!abc", b64("[1]"), "hello"}) {
      assertThat(OriginalBlob.looksOriginal(other)).as(other).isFalse();
    }
  }

  @Test
  void notes_forAddressesTheOriginalDroppedOrPeersCannotReach_andAnUpperCaseHostname() {
    X25519PrivateKey node = nodeKey(1);
    String json =
        inner(1, uuidOf(1), node.publicKey().toBase64(), "host.example.com, 198.18.0.1,127.0.0.1,,")
            .replace("\"node001\"", "\"Node001\"");
    OriginalBlob.Opened o = OriginalBlob.open(blob(json, node, node.publicKey()), siteKey(), NOW);
    assertThat(o.registration().endpoints()).containsExactly(IpAddress.parse("198.18.0.1", "t"));
    assertThat(o.registration().hostname()).isEqualTo("node001");
    assertThat(o.notes())
        .containsExactly(
            "hostname Node001 is used lower-cased",
            "remote_addr: 'host.example.com' is not an IP address: dropped, as the original did",
            "remote_addr: 127.0.0.1 cannot be reached by peers (unspecified, loopback, multicast"
                + " or link-local): dropped");
    String none = inner(1, uuidOf(1), node.publicKey().toBase64(), "");
    assertThat(
            OriginalBlob.open(blob(none, node, node.publicKey()), siteKey(), NOW)
                .registration()
                .endpoints())
        .isEmpty();
  }

  static Stream<Arguments> refusals() {
    X25519PrivateKey node = nodeKey(2);
    String pk = node.publicKey().toBase64();
    String good = inner(2, uuidOf(2), pk, "198.18.0.2");
    String fixture = OriginalFixtures.blobText(2);
    String message = message(fixture);
    byte[] box = Base64.getDecoder().decode(message);
    box[box.length - 1] ^= 1;
    String flipped = outer(pk, Base64.getEncoder().encodeToString(box), "");
    return Stream.of(
        Arguments.of(
            "not base64", fixture.substring(0, 20) + "!" + fixture.substring(21), ": not base64"),
        Arguments.of("not JSON", b64("{\"publickey\": "), ": not JSON"),
        Arguments.of("a JSON array", b64("[1]"), ": not a JSON object"),
        Arguments.of("an empty object", b64("{}"), ": message: missing"),
        Arguments.of(
            "unknown outer field",
            outer(pk, message, ", \"colour\": \"blue\""),
            ": colour: unknown field"),
        Arguments.of(
            "missing message", b64("{\"publickey\": \"" + pk + "\"}"), ": message: missing"),
        Arguments.of(
            "publickey not a key", outer("abc", message, ""), ": publickey: a key is 32 bytes"),
        Arguments.of(
            "publickey a number",
            b64("{\"publickey\": 1, \"message\": \"" + message + "\"}"),
            ": publickey: not a string"),
        Arguments.of("message not base64", outer(pk, "####", ""), ": message: not base64"),
        Arguments.of(
            "box of 39 bytes",
            outer(pk, Base64.getEncoder().encodeToString(new byte[39]), ""),
            ": message: truncated: a NaCl box of 39 bytes"),
        Arguments.of(
            "one flipped ciphertext byte",
            flipped,
            ": message: does not decrypt with the original site key (tampered, or sealed to another site)"),
        Arguments.of(
            "sealed by another key than publickey",
            blob(good, nodeKey(3), node.publicKey()),
            ": message: does not decrypt with the original site key"),
        Arguments.of(
            "inner key is not the sealing key",
            blob(
                inner(2, uuidOf(2), nodeKey(3).publicKey().toBase64(), "198.18.0.2"),
                node,
                node.publicKey()),
            ": message.public_key_encoded: the registered key"),
        Arguments.of(
            "inner unknown field",
            blob(
                good.replace("\"asn\": -1", "\"asn\": -1, \"colour\": \"blue\""),
                node,
                node.publicKey()),
            ": message.colour: unknown field"),
        Arguments.of(
            "inner missing uuid",
            blob(good.replace("\"uuid\": \"" + uuidOf(2) + "\", ", ""), node, node.publicKey()),
            ": message.uuid: missing"),
        Arguments.of(
            "inner bad uuid",
            blob(good.replace(uuidOf(2).toString(), "node002"), node, node.publicKey()),
            ": message.uuid: 'node002' is not a UUID"),
        Arguments.of(
            "inner bad hostname",
            blob(good.replace("\"node002\"", "\"bad_name\""), node, node.publicKey()),
            ": message.hostname"),
        Arguments.of(
            "inner asn not a number",
            blob(good.replace("\"asn\": -1", "\"asn\": \"x\""), node, node.publicKey()),
            ": message.asn: not a whole number"),
        Arguments.of(
            "inner not JSON", blob("{\"hostname\"", node, node.publicKey()), ": message: not JSON"),
        Arguments.of(
            "inner duplicate field",
            blob(
                good.replace(
                    "{\"hostname\": \"node002\",",
                    "{\"hostname\": \"node002\", \"hostname\": \"x\","),
                node,
                node.publicKey()),
            ": message: not JSON"),
        Arguments.of(
            "too long", "e" + "A".repeat(OriginalBlob.MAX_TEXT), ": longer than 8192 characters"));
  }

  static String message(String blob) {
    String json = new String(Base64.getDecoder().decode(blob), StandardCharsets.UTF_8);
    int i = json.indexOf("\"message\": \"") + 12;
    return json.substring(i, json.indexOf('"', i));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refusals")
  void open_refuses_namingTheField(String name, String text, String expected) {
    assertThatThrownBy(() -> OriginalBlob.open(text, siteKey(), NOW))
        .isInstanceOf(InputException.class)
        .satisfies(e -> assertThat(((InputException) e).exitCode()).isEqualTo(ExitCode.INPUT))
        .hasMessageContaining("registration blob (original)" + expected);
  }

  @ParameterizedTest
  @ValueSource(ints = {1, 2, 3, 4, 5})
  void open_withAnotherSiteKey_doesNotDecrypt(int n) {
    assertThatThrownBy(
            () -> OriginalBlob.open(OriginalFixtures.blobText(n), X25519PrivateKey.generate(), NOW))
        .isInstanceOf(InputException.class)
        .hasMessageContaining(
            "registration blob (original): message: does not decrypt with the original site key");
  }

  @Test
  void open_eachFlippedCharacterOfAFixtureBlob_isRefusedOrOpensToTheSameRegistration() {
    String text = OriginalFixtures.blobText(4);
    Registration expected = OriginalBlob.open(text, siteKey(), NOW).registration();
    for (int i = 0; i < text.length(); i += 7) {
      char c = text.charAt(i);
      String changed = text.substring(0, i) + (c == 'A' ? 'B' : 'A') + text.substring(i + 1);
      try {
        // Base64 padding bits may change without changing the bytes; anything else is refused.
        assertThat(OriginalBlob.open(changed, siteKey(), NOW).registration()).isEqualTo(expected);
      } catch (InputException e) {
        assertThat(e.what()).startsWith("registration blob (original)");
      }
    }
  }
}
