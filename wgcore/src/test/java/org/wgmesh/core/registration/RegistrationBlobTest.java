package org.wgmesh.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

class RegistrationBlobTest {
  static final String DOMAIN = "mesh.example.com";
  final X25519PrivateKey site = X25519PrivateKey.generate();
  final X25519PrivateKey host = X25519PrivateKey.generate();

  Registration registration(X25519PrivateKey key) {
    return Registration.builder()
        .uuid(UUID.fromString("6f1c1d1e-0000-4000-8000-000000000001"))
        .hostname("Router-1.lan")
        .publicKey(key.publicKey())
        .endpoints(
            List.of(IpAddress.parse("198.51.100.7", "t"), IpAddress.parse("2001:db8::7", "t")))
        .lanPrefixes(
            List.of(IpPrefix.parse("10.1.0.0/24", "t"), IpPrefix.parse("fd00:1::/64", "t")))
        .created(Instant.parse("2026-11-22T08:00:00.123Z"))
        .build();
  }

  String seal() {
    return RegistrationBlob.seal(registration(host), host, site.publicKey(), DOMAIN);
  }

  @Test
  void open_roundTrip_returnsEveryField() {
    String blob = seal();
    assertThat(blob).matches("[A-Za-z0-9_-]+");
    Registration r = RegistrationBlob.open(blob, site, DOMAIN);
    assertThat(r).isEqualTo(registration(host));
    assertThat(r.hostname()).isEqualTo("router-1.lan");
    assertThat(r.created()).isEqualTo(Instant.parse("2026-11-22T08:00:00Z"));
  }

  @Test
  void open_sharedLans_roundTrip_andBlobsWithoutThemKeepTheOldBody() {
    Registration plain = registration(host);
    List<IpPrefix> shared =
        List.of(
            IpPrefix.parseInterface("192.168.7.10/24", "t"),
            IpPrefix.parseInterface("fd00:77::a/64", "t"));
    Registration withShared = plain.toBuilder().sharedLans(shared).build();
    String blob = RegistrationBlob.seal(withShared, host, site.publicKey(), DOMAIN);
    assertThat(RegistrationBlob.open(blob, site, DOMAIN)).isEqualTo(withShared);
    byte[] old = RegistrationBlob.encodeBody(plain);
    byte[] now = RegistrationBlob.encodeBody(withShared);
    // The old body is a prefix: the shared LANs are one optional list at the end.
    assertThat(java.util.Arrays.copyOf(now, old.length)).isEqualTo(old);
    assertThat(now.length - old.length).isEqualTo(1 + (1 + 4 + 1) + (1 + 16 + 1));
    assertThat(RegistrationBlob.decodeBody(old).sharedLans()).isEmpty();
    byte[] tooMany = java.util.Arrays.copyOf(old, old.length + 1);
    tooMany[old.length] = (byte) (Registration.MAX_SHARED_LANS + 1);
    assertThatThrownBy(() -> RegistrationBlob.decodeBody(tooMany))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("registration: shared LANs");
  }

  Registration withHpke(Registration r, List<IpPrefix> shared, Optional<X25519PrivateKey> hpke) {
    return r.toBuilder()
        .sharedLans(shared)
        .hpkePublic(hpke.map(X25519PrivateKey::publicKey))
        .build();
  }

  @Test
  void open_hpkeKey_roundTrip_withAndWithoutSharedLans_seeded() {
    java.util.Random random = new java.util.Random(12);
    for (int i = 0; i < 40; i++) {
      List<IpPrefix> shared = new java.util.ArrayList<>();
      for (int n = random.nextInt(3); n > 0; n--) {
        shared.add(IpPrefix.parseInterface("192.168." + random.nextInt(256) + ".10/24", "t"));
      }
      Optional<X25519PrivateKey> hpke =
          random.nextBoolean() ? Optional.of(X25519PrivateKey.generate()) : Optional.empty();
      Registration r = withHpke(registration(host), shared, hpke);
      String blob = RegistrationBlob.seal(r, host, site.publicKey(), DOMAIN);
      Registration back = RegistrationBlob.open(blob, site, DOMAIN);
      assertThat(back).as("case %d", i).isEqualTo(r);
      assertThat(back.hpkePublic()).isEqualTo(hpke.map(X25519PrivateKey::publicKey));
      assertThat(back.sharedLans()).isEqualTo(shared);
    }
  }

  @Test
  void encodeBody_hpkeKey_isOneOptionalTrailingField_oldBodiesUnchanged() {
    Registration plain = registration(host);
    X25519PrivateKey hpke = X25519PrivateKey.generate();
    byte[] old = RegistrationBlob.encodeBody(plain);
    // Without an HPKE key the body is byte for byte what it was before (blobs of older wghost).
    assertThat(RegistrationBlob.encodeBody(withHpke(plain, List.of(), Optional.empty())))
        .isEqualTo(old);
    assertThat(RegistrationBlob.decodeBody(old)).isEqualTo(plain);
    assertThat(RegistrationBlob.decodeBody(old).hpkePublic()).isEmpty();
    // With one: an empty shared-LAN count, then the 32 key bytes.
    byte[] now = RegistrationBlob.encodeBody(withHpke(plain, List.of(), Optional.of(hpke)));
    assertThat(java.util.Arrays.copyOf(now, old.length)).isEqualTo(old);
    assertThat(now.length - old.length).isEqualTo(1 + 32);
    assertThat(now[old.length]).isZero();
    assertThat(java.util.Arrays.copyOfRange(now, old.length + 1, now.length))
        .isEqualTo(hpke.publicKey().bytes());
    // With shared LANs too: the key follows them.
    List<IpPrefix> shared = List.of(IpPrefix.parseInterface("192.168.7.10/24", "t"));
    byte[] oldShared = RegistrationBlob.encodeBody(withHpke(plain, shared, Optional.empty()));
    byte[] both = RegistrationBlob.encodeBody(withHpke(plain, shared, Optional.of(hpke)));
    assertThat(java.util.Arrays.copyOf(both, oldShared.length)).isEqualTo(oldShared);
    assertThat(both.length - oldShared.length).isEqualTo(32);
    // A zero count not followed by exactly a key is still refused, as are stray bytes after it.
    byte[] zeroOnly = java.util.Arrays.copyOf(old, old.length + 1);
    assertThatThrownBy(() -> RegistrationBlob.decodeBody(zeroOnly))
        .hasMessageContaining("unexpected bytes");
    byte[] extra = java.util.Arrays.copyOf(now, now.length + 1);
    assertThatThrownBy(() -> RegistrationBlob.decodeBody(extra))
        .hasMessageContaining("unexpected bytes");
  }

  @Test
  void registration_hpkeKeySameAsWireGuardKey_isRefused() {
    assertThatThrownBy(() -> withHpke(registration(host), List.of(), Optional.of(host)))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("HPKE key");
  }

  @Test
  void open_surroundingWhitespace_isIgnored() {
    assertThat(RegistrationBlob.open("  " + seal() + "\n", site, DOMAIN).hostname())
        .isEqualTo("router-1.lan");
  }

  @Test
  void open_otherDomain_namesBothSites() {
    String blob =
        RegistrationBlob.seal(registration(host), host, site.publicKey(), "other.example.org");
    assertThatThrownBy(() -> RegistrationBlob.open(blob, site, DOMAIN))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("registration blob: domain")
        .hasMessageContaining("other.example.org")
        .hasMessageContaining(DOMAIN);
  }

  @Test
  void open_otherSiteKey_doesNotDecrypt() {
    String blob =
        RegistrationBlob.seal(
            registration(host), host, X25519PrivateKey.generate().publicKey(), DOMAIN);
    assertThatThrownBy(() -> RegistrationBlob.open(blob, site, DOMAIN))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("ciphertext")
        .hasMessageContaining("does not decrypt");
  }

  @Test
  void seal_keyNotTheHostKey_isRefused() {
    assertThatThrownBy(
            () ->
                RegistrationBlob.seal(
                    registration(X25519PrivateKey.generate()), host, site.publicKey(), DOMAIN))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("public key");
  }

  @Test
  void open_swappedSenderKey_doesNotDecrypt() {
    byte[] raw = Base64.getUrlDecoder().decode(seal());
    byte[] other = X25519PrivateKey.generate().publicKey().bytes();
    int keyAt = 4 + 1 + 1 + DOMAIN.length();
    System.arraycopy(other, 0, raw, keyAt, 32);
    String blob = Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
    assertThatThrownBy(() -> RegistrationBlob.open(blob, site, DOMAIN))
        .hasMessageContaining("does not decrypt");
  }

  @Test
  void open_everyFlippedByte_isRejected() {
    byte[] raw = Base64.getUrlDecoder().decode(seal());
    for (int i = 0; i < raw.length; i++) {
      byte[] t = raw.clone();
      t[i] ^= 0x01;
      String blob = Base64.getUrlEncoder().withoutPadding().encodeToString(t);
      assertThatThrownBy(() -> RegistrationBlob.open(blob, site, DOMAIN))
          .as("byte %d", i)
          .isInstanceOf(InputException.class);
    }
  }

  @Test
  void open_everyChangedCharacter_isRejected() {
    String good = seal();
    CharacterChanges.from(good, 0)
        .forEach(
            (i, blob) ->
                assertThatThrownBy(() -> RegistrationBlob.open(blob, site, DOMAIN))
                    .as("character %d", i)
                    .isInstanceOf(InputException.class));
  }

  @Test
  void open_everyTruncation_isRejected() {
    byte[] raw = Base64.getUrlDecoder().decode(seal());
    for (int n = 0; n < raw.length; n++) {
      String blob =
          Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(raw, n));
      assertThatThrownBy(() -> RegistrationBlob.open(blob, site, DOMAIN))
          .as("length %d", n)
          .isInstanceOf(InputException.class);
    }
  }

  @Test
  void open_notBase64_namesTheBlob() {
    assertThatThrownBy(() -> RegistrationBlob.open("not a blob!", site, DOMAIN))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("not base64url");
    assertThatThrownBy(() -> RegistrationBlob.open(seal() + "==", site, DOMAIN))
        .hasMessageContaining("padding");
  }

  @Test
  void open_badMagicOrVersion_isNamed() {
    byte[] raw = Base64.getUrlDecoder().decode(seal());
    byte[] m = raw.clone();
    m[0] = 'X';
    assertThatThrownBy(() -> RegistrationBlob.open(enc(m), site, DOMAIN))
        .hasMessageContaining("magic");
    byte[] v = raw.clone();
    v[4] = 2;
    assertThatThrownBy(() -> RegistrationBlob.open(enc(v), site, DOMAIN))
        .hasMessageContaining("version 2 is not supported");
  }

  @Test
  void decodeBody_trailingBytes_areRejected() {
    byte[] body = RegistrationBlob.encodeBody(registration(host));
    byte[] longer = java.util.Arrays.copyOf(body, body.length + 1);
    assertThatThrownBy(() -> RegistrationBlob.decodeBody(longer))
        .hasMessageContaining("unexpected bytes");
  }

  @Test
  void decodeBody_hostBitsOrBadFamily_areNamed() {
    byte[] body = RegistrationBlob.encodeBody(registration(host));
    // last prefix: family 6, 16 bytes, length 64 -> set a host bit in the last address byte
    byte[] hostBits = body.clone();
    hostBits[body.length - 2] = 1;
    assertThatThrownBy(() -> RegistrationBlob.decodeBody(hostBits))
        .hasMessageContaining("LAN prefixes[1]")
        .hasMessageContaining("host bits");
    byte[] family = body.clone();
    family[body.length - 18] = 5;
    assertThatThrownBy(() -> RegistrationBlob.decodeBody(family))
        .hasMessageContaining("LAN prefixes[1]")
        .hasMessageContaining("family");
  }

  @Test
  void registration_badHostname_isNamed() {
    assertThatThrownBy(
            () ->
                Registration.builder()
                    .uuid(UUID.randomUUID())
                    .hostname("bad_name")
                    .publicKey(host.publicKey())
                    .endpoints(List.of())
                    .lanPrefixes(List.of())
                    .created(Instant.now())
                    .build())
        .isInstanceOf(InputException.class)
        .hasMessageContaining("hostname")
        .hasMessageContaining("bad_name");
  }

  @Test
  void seal_largestRegistration_fitsTextLimitAndOpens() {
    String name =
        "a".repeat(63) + "." + "b".repeat(63) + "." + "c".repeat(63) + "." + "d".repeat(61);
    java.util.List<IpAddress> eps = new java.util.ArrayList<>();
    for (int i = 0; i < Registration.MAX_ENDPOINTS; i++) {
      eps.add(IpAddress.parse("2001:db8::" + Integer.toHexString(i + 1), "t"));
    }
    java.util.List<IpPrefix> lans = new java.util.ArrayList<>();
    for (int i = 0; i < Registration.MAX_LAN_PREFIXES; i++) {
      lans.add(IpPrefix.parse("fd00:" + Integer.toHexString(i + 1) + "::/64", "t"));
    }
    Registration big =
        Registration.builder()
            .uuid(UUID.randomUUID())
            .hostname(name)
            .publicKey(host.publicKey())
            .endpoints(eps)
            .lanPrefixes(lans)
            .created(Instant.now())
            .build();
    String blob = RegistrationBlob.seal(big, host, site.publicKey(), name);
    assertThat(blob).hasSize(2767);
    assertThat(blob.length()).isLessThanOrEqualTo(RegistrationBlob.MAX_TEXT);
    assertThat(RegistrationBlob.open(blob, site, name)).isEqualTo(big);
    assertThat(seal().length()).isBetween(250, 350);
  }

  @Test
  void open_overlongText_isRefusedBeforeDecoding() {
    assertThatThrownBy(
            () -> RegistrationBlob.open("A".repeat(RegistrationBlob.MAX_TEXT + 1), site, DOMAIN))
        .hasMessageContaining("longer than 8192");
  }

  private static String enc(byte[] b) {
    return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
  }
}
