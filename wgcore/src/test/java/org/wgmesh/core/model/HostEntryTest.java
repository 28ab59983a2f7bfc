package org.wgmesh.core.model;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.IpAddress;

/** Absence in a host entry: empty Optionals and lists, never null (issue 22). */
class HostEntryTest {
  static final X25519PublicKey KEY = X25519PrivateKey.generate().publicKey();
  static final X25519PublicKey PREVIOUS = X25519PrivateKey.generate().publicKey();
  static final X25519PublicKey HPKE = X25519PrivateKey.generate().publicKey();
  static final Instant AT = Instant.parse("2026-12-03T15:00:00Z");

  static HostEntry.Builder minimal() {
    return HostEntry.builder()
        .uuid(new UUID(0, 1))
        .hostname("h1")
        .number(1)
        .asn(64512)
        .publicKey(KEY);
  }

  @Test
  void builder_unsetOptionalParts_areEmptyNotNull() {
    HostEntry h = minimal().build();

    assertThat(h.endpoints()).isEmpty();
    assertThat(h.lanPrefixes()).isEmpty();
    assertThat(h.sharedLans()).isEmpty();
    assertThat(h.hpkePublic()).isEmpty();
    assertThat(h.keySwitch()).isEmpty();
    assertThat(h.observed()).isEmpty();
    assertThat(h.sealingKey()).isEqualTo(KEY);
    assertThat(h.keyAt(AT)).isEqualTo(KEY);
  }

  /** The canonical constructor with these optional parts and everything else minimal. */
  static HostEntry construct(
      Optional<X25519PublicKey> hpke, Optional<KeySwitch> keySwitch, Optional<Observed> observed) {
    return new HostEntry(
        new UUID(0, 1),
        "h1",
        1,
        64512,
        KEY,
        List.of(),
        List.of(),
        List.of(),
        hpke,
        keySwitch,
        Optional.empty(),
        observed);
  }

  @Test
  void constructor_nullForAnAbsentPart_isRefusedNamingIt() {
    assertThatThrownBy(() -> construct(null, Optional.empty(), Optional.empty()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("hpkePublic");
    assertThatThrownBy(() -> construct(Optional.empty(), null, Optional.empty()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("keySwitch");
    assertThatThrownBy(() -> construct(Optional.empty(), Optional.empty(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("observed");
    assertThat(construct(Optional.empty(), Optional.empty(), Optional.empty()))
        .isEqualTo(minimal().build());
    assertThatThrownBy(() -> new Observed(null, true))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("address");
  }

  @Test
  void onlyTheCanonicalConstructorIsLeft() {
    assertThat(HostEntry.class.getConstructors()).hasSize(1);
  }

  @Test
  void toBuilder_roundTrips_andWithMethodsSetAndClear() {
    HostEntry full =
        minimal()
            .endpoints(List.of(IpAddress.parse("203.0.113.1", "t")))
            .hpkePublic(HPKE)
            .keySwitch(new KeySwitch(PREVIOUS, AT))
            .build();

    assertThat(full.toBuilder().build()).isEqualTo(full);
    assertThat(full.sealingKey()).isEqualTo(HPKE);
    assertThat(full.published().hpkePublic()).isEmpty();
    assertThat(full.withoutHpkePublic().hpkePublic()).isEmpty();
    assertThat(full.withoutKeySwitch().keySwitch()).isEmpty();
    assertThat(minimal().build().withHpkePublic(HPKE).hpkePublic()).contains(HPKE);
  }

  @Test
  void observed_isState_keptByCopiesAndPublished_butMakesNoHostPublic() {
    Observed seen = new Observed(IpAddress.parse("198.51.100.7", "t"), true);
    HostEntry nat = minimal().hpkePublic(HPKE).build().withObserved(seen);

    assertThat(nat.observed()).contains(seen);
    assertThat(nat.toBuilder().build()).isEqualTo(nat);
    assertThat(nat.published().observed()).contains(seen);
    assertThat(nat.settledAt(AT).observed()).contains(seen);
    assertThat(nat.isPublic()).isFalse();
    assertThat(nat.withoutObserved()).isEqualTo(minimal().hpkePublic(HPKE).build());
  }

  @Test
  void keySwitch_pendingUntilItsTime_thenSettled() {
    HostEntry switching = minimal().keySwitch(new KeySwitch(PREVIOUS, AT)).build();

    assertThat(switching.keyAt(AT.minusSeconds(1))).isEqualTo(PREVIOUS);
    assertThat(switching.pendingSwitchAt(AT.minusSeconds(1))).isPresent();
    assertThat(switching.keyAt(AT)).isEqualTo(KEY);
    assertThat(switching.settledAt(AT.minusSeconds(1)))
        .isEqualTo(minimal().publicKey(PREVIOUS).build());
    assertThat(switching.settledAt(AT)).isEqualTo(minimal().build());
  }

  @Test
  void keySwitch_fromTheKeyItself_isRefused() {
    assertThatThrownBy(() -> minimal().keySwitch(new KeySwitch(KEY, AT)).build())
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("from the key itself");
  }
}
