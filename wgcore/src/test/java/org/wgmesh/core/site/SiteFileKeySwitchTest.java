package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.KeySwitch;

/** A host key switch in the site file (issue 12): previous-key, key-switch-at, key-switch-delay. */
class SiteFileKeySwitchTest {
  static final Instant AT = Instant.parse("2026-12-03T15:00:00Z");

  @TempDir Path dir;
  Path yaml;
  String good;
  Site site;
  X25519PublicKey previous;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
    site = SiteFile.load(yaml);
    previous = X25519PrivateKey.generate().publicKey();
  }

  /** The site file with host 2 switching from {@link #previous} at {@link #AT}. */
  private String switching() {
    return SiteCodec.render(
        site.withHost(site.hosts().get(1).withKeySwitch(new KeySwitch(previous, AT))));
  }

  private static int lineOf(String text, String start) {
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      if (lines[i].strip().startsWith(start)) {
        return i + 1;
      }
    }
    throw new AssertionError("no line " + start);
  }

  private void assertRefused(String text, String message) throws Exception {
    Files.writeString(yaml, text);
    byte[] before = Files.readAllBytes(yaml);
    assertThatThrownBy(() -> SiteFile.load(yaml))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(yaml.toString())
        .hasMessageContaining(message);
    assertThat(Files.readAllBytes(yaml)).isEqualTo(before);
  }

  @Test
  void keySwitch_isReadAndWrittenBack_andHostsWithoutOneAreWrittenAsBefore() throws Exception {
    assertThat(good).doesNotContain("previous-key").doesNotContain("key-switch");
    String text = switching();
    assertThat(text)
        .contains("previous-key: " + previous.toBase64())
        .contains("key-switch-at: ")
        .contains("2026-12-03T15:00:00Z");
    assertThat(text.lines().filter(l -> l.contains("previous-key"))).hasSize(1);
    Files.writeString(yaml, text);
    Site back = SiteFile.load(yaml);
    assertThat(back.hosts().get(1).keySwitch()).contains(new KeySwitch(previous, AT));
    assertThat(back.hosts().get(0).keySwitch()).isEmpty();
    assertThat(SiteCodec.render(back)).isEqualTo(text);
    // Without it again: byte for byte the file of before.
    assertThat(SiteCodec.render(back.withHost(back.hosts().get(1).withoutKeySwitch())))
        .isEqualTo(good);
  }

  @Test
  void previousKeyWithoutSwitchTime_isRefusedNamingPropertyAndLine() throws Exception {
    String text = switching().replaceFirst("(?m)^  key-switch-at: .*\\n", "");
    assertRefused(
        text,
        "Property 'hosts[1].previous-key' at line "
            + lineOf(text, "previous-key:")
            + ": previous-key and key-switch-at go together");
  }

  @Test
  void switchTimeWithoutPreviousKey_isRefusedNamingPropertyAndLine() throws Exception {
    String text = switching().replaceFirst("(?m)^  previous-key: .*\\n", "");
    assertRefused(
        text,
        "Property 'hosts[1].key-switch-at' at line "
            + lineOf(text, "key-switch-at:")
            + ": previous-key and key-switch-at go together");
  }

  @Test
  void switchTimeThatIsNoTime_isRefused() throws Exception {
    String text = switching().replaceFirst("(?m)^(  key-switch-at: ).*$", "$1tomorrow");
    assertRefused(
        text,
        "Property 'hosts[1].key-switch-at' at line "
            + lineOf(text, "key-switch-at:")
            + ": 'tomorrow' is not a time");
  }

  @Test
  void previousKeyThatIsNoKey_isRefused() throws Exception {
    String text = switching().replace(previous.toBase64(), "AAAA");
    assertRefused(
        text, "Property 'hosts[1].previous-key' at line " + lineOf(text, "previous-key:"));
  }

  @Test
  void previousKeyEqualToItsPublicKey_isRefused() throws Exception {
    String text =
        switching().replace(previous.toBase64(), site.hosts().get(1).publicKey().toBase64());
    assertRefused(
        text,
        "Property 'hosts[1].previous-key' at line "
            + lineOf(text, "previous-key:")
            + ": is the host's public-key itself");
  }

  @Test
  void previousKeyOfAnotherHost_isRefused() throws Exception {
    String text =
        switching().replace(previous.toBase64(), site.hosts().get(0).publicKey().toBase64());
    assertRefused(
        text,
        "Property 'hosts[1].previous-key' at line "
            + lineOf(text, "previous-key:")
            + ": is the public key of Property 'hosts[0].public-key' at line "
            + lineOf(text, "public-key:"));
  }

  @Test
  void previousKeyOfAnotherHost_isRefusedInCodeToo() {
    var other = site.hosts().get(0).publicKey();
    assertThatThrownBy(
            () -> site.withHost(site.hosts().get(1).withKeySwitch(new KeySwitch(other, AT))))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("Property 'hosts[1].previous-key': is the public key of");
  }

  @Test
  void keySwitchDelay_defaultsTo15m_isReadAndWrittenBack_andZeroIsRefused() throws Exception {
    assertThat(site.keyPolicy().switchDelay()).isEqualTo(Duration.ofMinutes(15));
    assertThat(site.keyPolicy().keySwitchDelay()).isEmpty();
    String text = good.replaceFirst("(?m)^(record-lifetime: .*)$", "$1\nkey-switch-delay: 20m");
    Files.writeString(yaml, text);
    Site s = SiteFile.load(yaml);
    assertThat(s.keyPolicy().switchDelay()).isEqualTo(Duration.ofMinutes(20));
    assertThat(SiteCodec.render(s)).isEqualTo(text);
    assertThat(
            SiteCodec.render(s.withKeyPolicy(s.keyPolicy().withKeySwitchDelay(Optional.empty()))))
        .isEqualTo(good);
    String zero = good.replaceFirst("(?m)^(record-lifetime: .*)$", "$1\nkey-switch-delay: 0");
    assertRefused(zero, "Property 'key-switch-delay' at line " + lineOf(zero, "key-switch-delay:"));
  }
}
