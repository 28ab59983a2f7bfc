package org.wgmesh.site.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.security.SecureRandom;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.InputException;

class PasswordHashTest {
  static final char[] PASSWORD = "correct horse battery staple".toCharArray();

  @Test
  void hash_verifiesItsPassword_notAnother_andIsSaltedAndSlow() {
    String a = PasswordHash.hash(PASSWORD, new SecureRandom());
    String b = PasswordHash.hash(PASSWORD, new SecureRandom());
    assertThat(a).startsWith("pbkdf2-sha256:600000:").doesNotContain("horse");
    assertThat(a).isNotEqualTo(b);
    assertThat(PasswordHash.verify(PASSWORD, a)).isTrue();
    assertThat(PasswordHash.verify(PASSWORD, b)).isTrue();
    assertThat(PasswordHash.verify("correct horse battery stapl".toCharArray(), a)).isFalse();
    assertThat(PasswordHash.wellFormed(a)).isTrue();
  }

  @Test
  void verify_isFalse_forTextThatIsNoHash() {
    for (String bad :
        new String[] {
          "",
          "plain",
          "pbkdf2-sha256:1:AA==",
          "md5:1:AA==:AA==",
          "pbkdf2-sha256:x:AA==:AA==",
          "pbkdf2-sha256:0:AAAA:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=",
          "pbkdf2-sha256:10:!!:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="
        }) {
      assertThat(PasswordHash.verify(PASSWORD, bad)).as(bad).isFalse();
      assertThat(PasswordHash.wellFormed(bad)).as(bad).isFalse();
    }
  }

  @Test
  void hash_refusesAShortPassword() {
    assertThatThrownBy(() -> PasswordHash.hash("short".toCharArray(), new SecureRandom()))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("at least 12");
  }
}
