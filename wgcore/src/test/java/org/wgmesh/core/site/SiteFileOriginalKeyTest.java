package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.KeyFiles;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.WgmeshException;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.testing.OriginalFixtures;

/**
 * The original wgmesh's site key in the site file (issue 26): {@code site-keys.original-public} and
 * {@code NAME.original.key}, created by {@link SiteFile#createImported}, checked on every load,
 * untouched by a site-key roll, and forgotten by {@link SiteFile#forgetOriginal}.
 */
class SiteFileOriginalKeyTest {
  @TempDir Path dir;
  Path yaml;
  X25519PrivateKey originalKey;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("mesh1.yaml");
    // The fixture key is not clamped (NaCl keeps the raw scalar): it must be kept byte for byte.
    originalKey = X25519PrivateKey.parse(Files.readString(OriginalFixtures.siteKey()), "fixture");
  }

  static Site draft() {
    return new Site(
        SiteFixtures.settings(),
        List.of(SiteFixtures.host(1, "10.1.0.0/24"), SiteFixtures.host(2, null)),
        SiteKeys.generate(),
        AsnRange.parse(AsnRange.DEFAULT, "t"),
        "zonefile:/tmp/x.zone",
        Duration.ofSeconds(300),
        Duration.ofDays(7),
        List.of());
  }

  private Path keyFile() {
    return SiteKeyStore.beside(yaml).original();
  }

  @Test
  void createImported_writesTheKeyFile0600_namesItsPublicHalf_andRoundTrips() throws Exception {
    Site draft = draft();
    Site created = SiteFile.createImported(yaml, draft, originalKey);

    assertThat(keyFile().getFileName()).hasToString("mesh1.original.key");
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(keyFile())))
        .isEqualTo("rw-------");
    assertThat(Files.readString(keyFile()))
        .isEqualTo(Files.readString(OriginalFixtures.siteKey()) + "\n");
    String text = Files.readString(yaml);
    assertThat(text)
        .contains("  original-public: " + originalKey.publicKey().toBase64() + "\n")
        .doesNotContain(originalKey.toBase64());
    Site loaded = SiteFile.load(yaml);
    assertThat(loaded).isEqualTo(created);
    assertThat(loaded.originalKey()).contains(originalKey);
    assertThat(loaded.keys().box().publicKey()).isEqualTo(draft.keys().box().publicKey());
    assertThat(SiteCodec.render(loaded)).isEqualTo(text);
    assertThat(SiteFile.save(loaded, yaml)).isFalse();
  }

  @Test
  void siteWithoutTheKey_namesNone_andIsWrittenAsBefore() throws Exception {
    Site plain = SiteFixtures.twoHosts(yaml);
    String text = Files.readString(yaml);
    assertThat(text).doesNotContain("original");
    assertThat(SiteFile.load(yaml).originalKey()).isEmpty();
    assertThat(SiteCodec.render(SiteFile.load(yaml))).isEqualTo(text);
    // A leftover key file is not read when the site file names no key.
    KeyFiles.createSecret(keyFile(), X25519PrivateKey.generate().toBase64());
    assertThat(SiteFile.load(yaml)).isEqualTo(SiteFile.load(yaml));
    assertThat(SiteFile.load(yaml).keys().fingerprint()).isEqualTo(plain.keys().fingerprint());
  }

  @Test
  void load_mismatchingKeyFile_isAConfigError_namingPropertyLineAndFile() throws Exception {
    SiteFile.createImported(yaml, draft(), originalKey);
    Files.delete(keyFile());
    KeyFiles.createSecret(keyFile(), X25519PrivateKey.generate().toBase64());

    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((WgmeshException) e).exitCode()).isEqualTo(ExitCode.CONFIG))
        .hasMessageContaining(
            "Property 'site-keys.original-public' at line "
                + lineOf("original-public")
                + ": does not match the private key in "
                + keyFile());
  }

  @Test
  void load_keyFileOthersCanRead_orMissing_isAFileError() throws Exception {
    SiteFile.createImported(yaml, draft(), originalKey);
    Files.setPosixFilePermissions(keyFile(), PosixFilePermissions.fromString("rw-r--r--"));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(FileException.class)
        .satisfies(e -> assertThat(((WgmeshException) e).exitCode()).isEqualTo(ExitCode.IO))
        .hasMessageContaining(keyFile().toString())
        .hasMessageContaining("readable by group or others");
    Files.delete(keyFile());
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(FileException.class)
        .hasMessageContaining(keyFile().toString());
  }

  @Test
  void load_originalPublicThatIsNoKey_namesPropertyAndLine() throws Exception {
    SiteFile.createImported(yaml, draft(), originalKey);
    String text = Files.readString(yaml);
    Files.writeString(yaml, text.replace(originalKey.publicKey().toBase64(), "not-a-key"));
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'site-keys.original-public' at line");
  }

  @Test
  void createImported_anyFileThere_isRefused_andCreatesNothing() throws Exception {
    KeyFiles.createSecret(keyFile(), X25519PrivateKey.generate().toBase64());
    String before = Files.readString(keyFile());
    assertThatThrownBy(() -> SiteFile.createImported(yaml, draft(), originalKey))
        .isInstanceOf(FileException.class)
        .hasMessageContaining(keyFile().toString());
    assertThat(Files.readString(keyFile())).isEqualTo(before);
    assertThat(listing()).containsExactly("mesh1.original.key");

    Files.delete(keyFile());
    Files.writeString(yaml, "somebody's site\n");
    assertThatThrownBy(() -> SiteFile.createImported(yaml, draft(), originalKey))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("already exists");
    assertThat(listing()).containsExactly("mesh1.yaml");

    Files.delete(yaml);
    KeyFiles.createSecret(SiteKeyStore.beside(yaml).box(), X25519PrivateKey.generate().toBase64());
    assertThatThrownBy(() -> SiteFile.createImported(yaml, draft(), originalKey))
        .isInstanceOf(FileException.class)
        .hasMessageContaining("mesh1.box.key");
    assertThat(listing()).containsExactly("mesh1.box.key");
  }

  @Test
  void roll_keepsTheOriginalKey() throws Exception {
    SiteFile.createImported(yaml, draft(), originalKey);
    Instant t = Instant.parse("2027-01-01T00:00:00Z");
    Site rolled = SiteKeyRolls.start(SiteFile.load(yaml), yaml, Duration.ofDays(14), t);
    assertThat(SiteFile.load(yaml).originalKey()).contains(originalKey);
    SiteKeyRolls.complete(SiteFile.load(yaml), yaml, rolled.keyPolicy().roll().get().at());
    Site done = SiteFile.load(yaml);
    assertThat(done.keys().box()).isNotEqualTo(rolled.keys().box());
    assertThat(done.originalKey()).contains(originalKey);
  }

  @Test
  void withHostChanges_keepTheOriginalKey() {
    Site s = SiteFile.createImported(yaml, draft(), originalKey);
    Site changed = s.withHost(SiteFixtures.host(5, null)).withoutHost(s.hosts().get(0).uuid());
    assertThat(changed.originalKey()).contains(originalKey);
  }

  @Test
  void forgetOriginal_dropsTheLineAndTheFile_andIsIdempotent() throws Exception {
    Site s = SiteFile.createImported(yaml, draft(), originalKey);
    Site forgotten = SiteFile.forgetOriginal(s, yaml);

    assertThat(forgotten.originalKey()).isEmpty();
    assertThat(keyFile()).doesNotExist();
    assertThat(Files.readString(yaml)).doesNotContain("original");
    assertThat(SiteFile.load(yaml)).isEqualTo(forgotten);
    assertThat(Files.readString(yaml.resolveSibling("mesh1.yaml.bak"))).contains("original-public");
    String text = Files.readString(yaml);
    assertThat(SiteFile.forgetOriginal(SiteFile.load(yaml), yaml)).isEqualTo(forgotten);
    assertThat(Files.readString(yaml)).isEqualTo(text);
  }

  private int lineOf(String key) throws Exception {
    List<String> lines = Files.readAllLines(yaml);
    for (int i = 0; i < lines.size(); i++) {
      if (lines.get(i).strip().startsWith(key + ":")) {
        return i + 1;
      }
    }
    throw new AssertionError(key + " not in " + yaml);
  }

  private List<String> listing() throws Exception {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    }
  }
}
