package org.wgmesh.core.original;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Base64;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.testing.OriginalFixtures;

class OriginalKeysTest {
  @TempDir Path dir;

  private Path fixtures() {
    return OriginalFixtures.copyTo(dir.resolve("fx"));
  }

  private static OriginalSite site() {
    return OriginalYaml.readSite(OriginalFixtures.siteFile());
  }

  private static OriginalNode node(int n) {
    return OriginalYaml.readNode(OriginalFixtures.nodeFile(n));
  }

  @Test
  void siteKey_fixtureMatchesGlobalPublickey() throws IOException {
    Path key = fixtures().resolve("site/mesh1_priv");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-------"));
    OriginalKey read = OriginalKeys.siteKey(site(), key);
    assertThat(read.key().publicKey()).isEqualTo(site().publicKey());
    assertThat(read.file()).isEqualTo(key);
    assertThat(read.readableByOthers()).isFalse();
    // Byte for byte: the NaCl key is not clamped, and is kept so.
    assertThat(read.key().bytes())
        .isEqualTo(Base64.getDecoder().decode(Files.readString(key, StandardCharsets.US_ASCII)));
  }

  @Test
  void siteKey_a0644FileIsReadAndFlagged() throws IOException {
    Path key = fixtures().resolve("site/mesh1_priv");
    Files.setPosixFilePermissions(key, PosixFilePermissions.fromString("rw-r--r--"));
    assertThat(OriginalKeys.siteKey(site(), key).readableByOthers()).isTrue();
  }

  @Test
  void siteKey_acceptsATrailingNewline() throws IOException {
    Path key = dir.resolve("k");
    Files.writeString(key, Files.readString(OriginalFixtures.siteKey()) + "\n");
    assertThat(OriginalKeys.siteKey(site(), key).key().publicKey()).isEqualTo(site().publicKey());
  }

  @Test
  void siteKey_anotherKeyIsTheWrongSiteKey() {
    Path key = OriginalFixtures.nodeKey(1);
    assertThatThrownBy(() -> OriginalKeys.siteKey(site(), key))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(key.toString())
        .hasMessageContaining("wrong site key")
        .hasMessageContaining(OriginalFixtures.siteFile().toString())
        .hasMessageContaining("Property 'global.publickey' at line 109");
  }

  @Test
  void siteKey_notAKeyNeverEchoesTheContent() throws IOException {
    for (String content :
        new String[] {
          "c2VjcmV0LXNlY3JldC1zZWNyZXQ=",
          Files.readString(OriginalFixtures.siteKey()).substring(0, 43),
          Files.readString(OriginalFixtures.siteKey()) + "\n\n",
          "not base64 at all, but forty-four chars ok!"
        }) {
      Path key = dir.resolve("bad");
      Files.writeString(key, content);
      assertThatThrownBy(() -> OriginalKeys.siteKey(site(), key))
          .as(content)
          .isInstanceOf(ConfigException.class)
          .hasMessageContaining("not a key")
          .satisfies(e -> assertThat(e.getMessage()).doesNotContain(content.strip()));
    }
  }

  @Test
  void siteKey_aLargeFileIsRefusedUnread() throws IOException {
    Path key = dir.resolve("big");
    Files.writeString(key, "A".repeat(2048));
    assertThatThrownBy(() -> OriginalKeys.siteKey(site(), key))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("original key-file size limit");
  }

  @Test
  void siteKey_aMissingFileIsAFileError() {
    assertThatThrownBy(() -> OriginalKeys.siteKey(site(), dir.resolve("none")))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("does not exist");
  }

  @Test
  void nodeKey_fixtureKeysMatchTheirPubAndTheSite() {
    Path fx = fixtures();
    OriginalSite site = site();
    for (int n = 1; n <= OriginalFixtures.NODES; n++) {
      Path key = fx.resolve("nodes/" + OriginalFixtures.nodeName(n) + "/node_mesh1.key");
      OriginalKey read = OriginalKeys.nodeKey(node(n), key);
      assertThat(read.key().publicKey()).isEqualTo(site.hosts().get(n - 1).publicKey());
    }
  }

  @Test
  void nodeKey_aPubThatDoesNotMatchIsNamed() throws IOException {
    Path fx = fixtures();
    Path pub = fx.resolve("nodes/node001/node_mesh1.pub");
    Files.copy(OriginalFixtures.nodePub(2), pub, StandardCopyOption.REPLACE_EXISTING);
    Path key = fx.resolve("nodes/node001/node_mesh1.key");
    assertThatThrownBy(() -> OriginalKeys.nodeKey(node(1), key))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(pub.toString())
        .hasMessageContaining("is not the public key of " + key);
  }

  @Test
  void nodeKey_aFlippedBitIsCaughtByThePub() throws IOException {
    Path key = fixtures().resolve("nodes/node001/node_mesh1.key");
    byte[] raw = Base64.getDecoder().decode(Files.readString(key));
    raw[7] ^= 0x10;
    Files.writeString(key, Base64.getEncoder().encodeToString(raw));
    assertThatThrownBy(() -> OriginalKeys.nodeKey(node(1), key))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("node_mesh1.pub");
  }

  @Test
  void nodeKey_withoutAPubBesideIt() throws IOException {
    Path key = dir.resolve("alone.key");
    Files.copy(OriginalFixtures.nodeKey(3), key);
    assertThat(OriginalKeys.nodeKey(node(3), key).key().publicKey())
        .isEqualTo(site().hosts().get(2).publicKey());
  }

  @Test
  void nodeKey_publicKeyEncodedMustMatch() throws IOException {
    Path nodeFile =
        OriginalFixtures.mangle(
            OriginalFixtures.nodeFile(1),
            dir,
            s -> s.replace("public_key_encoded: ''", "public_key_encoded: " + pub2()));
    Path key = dir.resolve("alone.key");
    Files.copy(OriginalFixtures.nodeKey(1), key);
    assertThatThrownBy(() -> OriginalKeys.nodeKey(OriginalYaml.readNode(nodeFile), key))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(nodeFile.toString())
        .hasMessageContaining("Property 'local.public_key_encoded'");
  }

  private static String pub2() {
    try {
      return Files.readString(OriginalFixtures.nodePub(2));
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
