package org.wgmesh.site.service;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TlsRefusalsTest {
  @Test
  void reason_dropsTheJdksNestedClassNames_keepsWhatHappened() {
    assertThat(
            TlsRefusals.reason(
                "PKIX path building failed:"
                    + " sun.security.provider.certpath.SunCertPathBuilderException: unable to find"
                    + " valid certification path to requested target"))
        .isEqualTo(
            "PKIX path building failed: unable to find valid certification path to requested"
                + " target");
    assertThat(
            TlsRefusals.reason(
                "PKIX path validation failed: java.security.cert.CertPathValidatorException:"
                    + " validity check failed"))
        .isEqualTo("PKIX path validation failed: validity check failed");
    assertThat(TlsRefusals.reason("Empty client certificate chain"))
        .isEqualTo("Empty client certificate chain");
  }
}
