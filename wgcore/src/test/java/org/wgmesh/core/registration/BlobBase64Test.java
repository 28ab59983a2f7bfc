package org.wgmesh.core.registration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;

class BlobBase64Test {
  @Test
  void decode_canonicalText_roundTrips() {
    for (int n = 0; n < 8; n++) {
      byte[] data = new byte[n];
      for (int i = 0; i < n; i++) {
        data[i] = (byte) (0xf0 + i);
      }
      assertThat(BlobBase64.decode(BlobBase64.encode(data))).isEqualTo(data);
    }
  }

  @Test
  void decode_strayBitsInTheLastCharacter_areRefused() {
    // "AA" is the one spelling of the byte 0; "AB" sets one of the four unused bits, which the
    // JDK decoder alone would ignore.
    assertThat(BlobBase64.decode("AA")).containsExactly(0);
    assertThatThrownBy(() -> BlobBase64.decode("AB"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("not canonical");
    assertThatThrownBy(() -> BlobBase64.decode("AAB")).hasMessageContaining("not canonical");
  }

  @Test
  void decode_paddingOrForeignCharacters_areRefused() {
    assertThatThrownBy(() -> BlobBase64.decode("AA==")).hasMessageContaining("padding");
    assertThatThrownBy(() -> BlobBase64.decode("A+/A"))
        .isInstanceOf(IllegalArgumentException.class);
  }
}
