package org.wgmesh.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.InputException;

/** Absence in a registration: empty Optionals and lists, never null (issue 22). */
class RegistrationTest {
  static final X25519PublicKey KEY = X25519PrivateKey.generate().publicKey();

  static Registration.Builder minimal() {
    return Registration.builder()
        .uuid(new UUID(0, 1))
        .hostname("h1")
        .publicKey(KEY)
        .created(Instant.parse("2026-11-22T08:00:00Z"));
  }

  @Test
  void builder_unsetOptionalParts_areEmptyNotNull() {
    Registration r = minimal().build();

    assertThat(r.endpoints()).isEmpty();
    assertThat(r.lanPrefixes()).isEmpty();
    assertThat(r.sharedLans()).isEmpty();
    assertThat(r.hpkePublic()).isEmpty();
  }

  @Test
  void constructor_nullForAnAbsentPart_isRefused() {
    Registration r = minimal().build();
    assertThatThrownBy(
            () ->
                new Registration(
                    r.uuid(),
                    r.hostname(),
                    KEY,
                    List.of(),
                    List.of(),
                    r.created(),
                    List.of(),
                    null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("hpkePublic");
    assertThatThrownBy(
            () ->
                new Registration(
                    r.uuid(),
                    r.hostname(),
                    KEY,
                    null,
                    List.of(),
                    r.created(),
                    List.of(),
                    r.hpkePublic()))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  void builder_missingRequiredField_isAnInputErrorNamingIt() {
    assertThatThrownBy(() -> minimal().uuid(null).build())
        .isInstanceOfSatisfying(
            InputException.class, e -> assertThat(e.what()).isEqualTo("registration: uuid"));
  }

  @Test
  void hpkeKeyEqualToTheWireGuardKey_isRefused() {
    assertThatThrownBy(() -> minimal().hpkePublic(KEY).build())
        .isInstanceOf(InputException.class)
        .hasMessageContaining("must be a key of its own");
  }

  @Test
  void onlyTheCanonicalConstructorIsLeft() {
    assertThat(Registration.class.getConstructors()).hasSize(1);
  }
}
