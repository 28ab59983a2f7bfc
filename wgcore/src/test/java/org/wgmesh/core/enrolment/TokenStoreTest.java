package org.wgmesh.core.enrolment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.enrolment.EnrolmentDecision.Accepted;
import org.wgmesh.core.enrolment.EnrolmentDecision.Reason;
import org.wgmesh.core.enrolment.EnrolmentDecision.Refused;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpPrefix;

/** Join tokens: made, stored hashed, redeemed (every refusal), revoked, saved. */
class TokenStoreTest {
  static final Instant NOW = Instant.parse("2026-12-05T10:00:00Z");
  static final List<IpPrefix> LANS = List.of(IpPrefix.parse("10.30.0.0/16", "t"));

  @TempDir Path dir;

  static JoinTokens.Minted mint(int uses) {
    return JoinTokens.mint(
        NOW,
        Duration.ofHours(1),
        uses,
        HostnamePattern.parse("web-*", "t"),
        LANS,
        Admit.AUTO,
        false);
  }

  static List<IpPrefix> lan(String p) {
    return List.of(IpPrefix.parse(p, "t"));
  }

  static Refused refused(TokenStore.Redemption r) {
    assertThat(r.decision()).isInstanceOf(Refused.class);
    return (Refused) r.decision();
  }

  @Test
  void mint_textHoldsIdAndSecret_storeHoldsOnlyTheHash() {
    JoinTokens.Minted m = mint(1);
    assertThat(m.text()).matches("wgjt1\\.[0-9a-f]{16}\\.[A-Za-z0-9_-]{43}");
    String secret = m.text().substring(m.text().lastIndexOf('.') + 1);
    assertThat(m.token().id()).isEqualTo(m.text().split("\\.")[1]);
    assertThat(m.token().toString()).doesNotContain(secret);
    assertThat(m.token().secretHash()).isEqualTo(JoinTokens.hash(secret)).hasSize(64);
    assertThat(mint(1).text()).isNotEqualTo(m.text());
  }

  @Test
  void redeem_good_acceptsWithTheRule_andCountsTheUse() {
    JoinTokens.Minted m = mint(2);
    TokenStore store = TokenStore.EMPTY.with(m.token());
    TokenStore.Redemption r = store.redeem(m.text(), "Web-1", lan("10.30.1.0/24"), NOW);
    assertThat(r.decision())
        .isEqualTo(
            new Accepted(
                "token:" + m.token().id(),
                "token:" + m.token().id(),
                "web-1",
                lan("10.30.1.0/24"),
                Admit.AUTO,
                false));
    assertThat(r.store().token(m.token().id()).orElseThrow().usesLeft()).isEqualTo(1);
    assertThat(store.token(m.token().id()).orElseThrow().usesLeft()).isEqualTo(2);
  }

  @Test
  void redeem_unknownOrMalformedOrWrongSecret_isUnknown_andChangesNothing() {
    JoinTokens.Minted m = mint(1);
    JoinTokens.Minted other = mint(1);
    TokenStore store = TokenStore.EMPTY.with(m.token());
    String wrongSecret = m.text().substring(0, m.text().lastIndexOf('.') + 1) + "A".repeat(43);
    for (String text : List.of(other.text(), "garbage", "", wrongSecret)) {
      TokenStore.Redemption r = store.redeem(text, "web-1", List.of(), NOW);
      assertThat(refused(r).reason()).as(text).isEqualTo(Reason.UNKNOWN_TOKEN);
      assertThat(r.store()).isSameAs(store);
    }
    // The refusal names no secret.
    assertThat(refused(store.redeem(wrongSecret, "web-1", List.of(), NOW)).toString())
        .doesNotContain("AAAA");
  }

  @Test
  void redeem_revoked_isRevoked() {
    JoinTokens.Minted m = mint(1);
    TokenStore store = TokenStore.EMPTY.with(m.token()).revoke(m.token().id());
    assertThat(refused(store.redeem(m.text(), "web-1", List.of(), NOW)).reason())
        .isEqualTo(Reason.REVOKED);
  }

  @Test
  void redeem_atOrAfterExpiry_isExpired_justBeforeIsAccepted() {
    JoinTokens.Minted m = mint(1);
    TokenStore store = TokenStore.EMPTY.with(m.token());
    Instant end = NOW.plus(Duration.ofHours(1));
    assertThat(refused(store.redeem(m.text(), "web-1", List.of(), end)).reason())
        .isEqualTo(Reason.EXPIRED);
    assertThat(store.redeem(m.text(), "web-1", List.of(), end.minusSeconds(1)).decision())
        .isInstanceOf(Accepted.class);
  }

  @Test
  void redeem_pastItsUses_isUsedUp() {
    JoinTokens.Minted m = mint(1);
    TokenStore once =
        TokenStore.EMPTY.with(m.token()).redeem(m.text(), "web-1", List.of(), NOW).store();
    TokenStore.Redemption r = once.redeem(m.text(), "web-2", List.of(), NOW);
    assertThat(refused(r).reason()).isEqualTo(Reason.USED_UP);
    assertThat(r.store()).isSameAs(once);
  }

  @Test
  void redeem_hostnameOutsideThePattern_isHostnameNotAllowed() {
    JoinTokens.Minted m = mint(1);
    TokenStore store = TokenStore.EMPTY.with(m.token());
    for (String h : List.of("db-1", "web", "xweb-1", "web-1.example", "-web")) {
      assertThat(refused(store.redeem(m.text(), h, List.of(), NOW)).reason())
          .as(h)
          .isEqualTo(Reason.HOSTNAME_NOT_ALLOWED);
    }
  }

  @Test
  void redeem_lanOutsideTheTokens_isLanNotAllowed() {
    JoinTokens.Minted m = mint(1);
    TokenStore store = TokenStore.EMPTY.with(m.token());
    Refused r = refused(store.redeem(m.text(), "web-1", lan("10.31.0.0/24"), NOW));
    assertThat(r.reason()).isEqualTo(Reason.LAN_NOT_ALLOWED);
    assertThat(r.detail()).contains("10.31.0.0/24");
    // Wider than allowed is not within it either.
    assertThat(refused(store.redeem(m.text(), "web-1", lan("10.0.0.0/8"), NOW)).reason())
        .isEqualTo(Reason.LAN_NOT_ALLOWED);
  }

  @Test
  void revoke_unknownId_isAnInputError() {
    assertThatThrownBy(() -> TokenStore.EMPTY.revoke("0123456789abcdef"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("no token '0123456789abcdef'");
  }

  @Test
  void file_roundTrips_mode0600_withoutTheSecret() throws Exception {
    Path site = dir.resolve("wgmesh.yaml");
    Path file = TokenFile.beside(site);
    assertThat(file.getFileName().toString()).isEqualTo("wgmesh.yaml.tokens");
    assertThat(TokenFile.read(file)).isEqualTo(TokenStore.EMPTY);
    JoinTokens.Minted a = mint(3);
    JoinTokens.Minted b = mint(1);
    TokenStore store = TokenStore.EMPTY.with(a.token()).with(b.token()).revoke(b.token().id());
    assertThat(TokenFile.write(file, store)).isTrue();
    assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(file)))
        .isEqualTo("rw-------");
    String text = Files.readString(file);
    assertThat(text).doesNotContain(a.text().substring(a.text().lastIndexOf('.') + 1));
    assertThat(TokenFile.read(file)).isEqualTo(store);
    assertThat(TokenFile.write(file, store)).isFalse();
  }

  @Test
  void file_malformed_isAConfigError() throws Exception {
    Path file = dir.resolve("wgmesh.yaml.tokens");
    Files.writeString(file, "{ not json");
    assertThatThrownBy(() -> TokenFile.read(file))
        .isInstanceOf(ConfigException.class)
        .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(ExitCode.CONFIG));
    Files.writeString(
        file,
        "{\"format\":\"wgmesh-join-tokens-1\",\"tokens\":[{\"id\":\"xyz\",\"sha256\":\"00\"}]}");
    assertThatThrownBy(() -> TokenFile.read(file))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("tokens[0]");
  }

  @Test
  void hostnamePattern_refusesWhatIsNoLabel() {
    assertThatThrownBy(() -> HostnamePattern.parse("web_*", "--hostname"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("--hostname");
    assertThat(HostnamePattern.parse("*", "t").matches("anything-1")).isTrue();
    assertThat(HostnamePattern.parse("web-1", "t").matches("web-10")).isFalse();
  }

  @Test
  void redeemAgain_spendsNoUse_acceptsAUsedUpToken_butNoOtherRefusal() {
    JoinTokens.Minted m = mint(1);
    TokenStore used =
        TokenStore.EMPTY.with(m.token()).redeem(m.text(), "web-1", List.of(), NOW).store();
    assertThat(refused(used.redeem(m.text(), "web-1", List.of(), NOW)).reason())
        .isEqualTo(Reason.USED_UP);

    TokenStore.Redemption again = used.redeemAgain(m.text(), "web-1", List.of(), NOW);

    assertThat(again.decision()).isInstanceOf(Accepted.class);
    assertThat(again.store()).isEqualTo(used);
    assertThat(refused(used.redeemAgain(m.text(), "db-1", List.of(), NOW)).reason())
        .isEqualTo(Reason.HOSTNAME_NOT_ALLOWED);
    assertThat(
            refused(used.revoke(m.token().id()).redeemAgain(m.text(), "web-1", List.of(), NOW))
                .reason())
        .isEqualTo(Reason.REVOKED);
    assertThat(
            refused(used.redeemAgain(m.text(), "web-1", List.of(), NOW.plusSeconds(3600))).reason())
        .isEqualTo(Reason.EXPIRED);
    assertThat(JoinTokens.id(m.text())).contains(m.token().id());
    assertThat(JoinTokens.id("wgjt1.nope")).isEmpty();
  }
}
