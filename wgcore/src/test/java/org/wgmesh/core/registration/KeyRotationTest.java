package org.wgmesh.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.Random;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.InputException;

class KeyRotationTest {
  static final String D = "mesh.example.com";
  final X25519PrivateKey site = X25519PrivateKey.generate();
  final X25519PrivateKey old = X25519PrivateKey.generate();
  final X25519PrivateKey next = X25519PrivateKey.generate();
  final String registration = "V0dNUgEQbWVzaC5leGFtcGxl";

  @Test
  void endorse_open_roundTrips() {
    String blob = KeyRotation.endorse(registration, old, next.publicKey(), site.publicKey(), D);
    assertThat(KeyRotation.isRotation(blob)).isTrue();
    KeyRotation.Opened o = KeyRotation.open(blob, site, D);
    assertThat(o.registrationBlob()).isEqualTo(registration);
    assertThat(o.oldKey()).isEqualTo(old.publicKey());
    assertThat(o.newKey()).isEqualTo(next.publicKey());
  }

  @Test
  void endorse_realRegistrationWithHpkeKey_carriesTheKeyEndorsedByTheOldKey() {
    X25519PrivateKey hpke = X25519PrivateKey.generate();
    Registration r =
        Registration.builder()
            .uuid(java.util.UUID.randomUUID())
            .hostname("host-1")
            .publicKey(next.publicKey())
            .endpoints(java.util.List.of())
            .lanPrefixes(java.util.List.of())
            .created(java.time.Instant.parse("2026-12-01T00:00:00Z"))
            .sharedLans(java.util.List.of())
            .hpkePublic(hpke.publicKey())
            .build();
    String inner = RegistrationBlob.seal(r, next, site.publicKey(), D);
    String blob = KeyRotation.endorse(inner, old, next.publicKey(), site.publicKey(), D);
    KeyRotation.Opened o = KeyRotation.open(blob, site, D);
    Registration back = RegistrationBlob.open(o.registrationBlob(), site, D);
    assertThat(back.hpkePublic()).contains(hpke.publicKey());
    assertThat(back.publicKey()).isEqualTo(o.newKey());
    // Another HPKE key means another registration blob: the endorsement does not cover it.
    Registration other = r.toBuilder().hpkePublic(X25519PrivateKey.generate().publicKey()).build();
    String swapped =
        RegistrationBlob.seal(other, next, site.publicKey(), D) + blob.substring(blob.indexOf('.'));
    assertThatThrownBy(() -> KeyRotation.open(swapped, site, D))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("another registration blob");
  }

  @Test
  void open_anotherRegistration_anotherSite_orAnotherSiteKey_isRefused() {
    String blob = KeyRotation.endorse(registration, old, next.publicKey(), site.publicKey(), D);
    String swapped = "V0dNUgEQbWVzaC5leGFtcGxm" + blob.substring(blob.indexOf('.'));
    assertThatThrownBy(() -> KeyRotation.open(swapped, site, D))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("another registration blob");
    assertThatThrownBy(() -> KeyRotation.open(blob, site, "other.example.com"))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("not for site");
    assertThatThrownBy(() -> KeyRotation.open(blob, X25519PrivateKey.generate(), D))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("not sealed by the old key");
  }

  @Test
  void open_everyChangedCharacterOfTheEndorsement_isRefused() {
    String blob = KeyRotation.endorse(registration, old, next.publicKey(), site.publicKey(), D);
    CharacterChanges.from(blob, blob.indexOf('.') + 1)
        .forEach(
            (i, changed) ->
                assertThatThrownBy(() -> KeyRotation.open(changed, site, D))
                    .as("character %d", i)
                    .isInstanceOf(InputException.class));
  }

  @Test
  void open_garbage_isAlwaysAnInputException() {
    Random random = new Random(12);
    String blob = KeyRotation.endorse(registration, old, next.publicKey(), site.publicKey(), D);
    for (int i = 0; i < 500; i++) {
      StringBuilder sb = new StringBuilder(blob);
      int n = 1 + random.nextInt(3);
      for (int j = 0; j < n; j++) {
        int at = random.nextInt(sb.length());
        sb.setCharAt(at, "AZaz09-_.=+/".charAt(random.nextInt(12)));
      }
      if (random.nextBoolean()) {
        sb.setLength(random.nextInt(sb.length()));
      }
      String text = sb.toString();
      if (text.equals(blob)) {
        continue;
      }
      try {
        KeyRotation.open(text, site, D);
      } catch (InputException expected) {
        // fine
      }
    }
  }
}
