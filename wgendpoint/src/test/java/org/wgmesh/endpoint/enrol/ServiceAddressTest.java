package org.wgmesh.endpoint.enrol;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import org.wgmesh.core.error.InputException;

class ServiceAddressTest {
  @Test
  void hostAndPort_postToV1Enrol() {
    assertThat(ServiceAddress.parse("https://192.0.2.10:8443").enrol())
        .hasToString("https://192.0.2.10:8443/v1/enrol");
    assertThat(ServiceAddress.parse("HTTPS://[2001:db8::10]:8443/").enrol())
        .hasToString("https://[2001:db8::10]:8443/v1/enrol");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "http://192.0.2.10:8443",
        "192.0.2.10:8443",
        "https://",
        "https://user@192.0.2.10",
        "https://192.0.2.10/v1/enrol",
        "https://192.0.2.10?x=1",
        "https://192.0.2.10#f",
        "https://192.0.2.10:8443 x"
      })
  void anythingElse_isRefusedNamingTheOption(String url) {
    assertThatThrownBy(() -> ServiceAddress.parse(url))
        .isInstanceOf(InputException.class)
        .hasMessageContaining("--enrol");
  }
}
