package org.wgmesh.core.enrolment;

import static org.assertj.core.api.Assertions.assertThat;

import javax.security.auth.x500.X500Principal;
import org.junit.jupiter.api.Test;

class SubjectPatternTest {
  static final SubjectPattern FLEET = SubjectPattern.glob("CN=*.fleet.example", "t");

  @Test
  void glob_takesTheOneLabelOfTheCommonName() {
    assertThat(FLEET.hostname(new X500Principal("CN=Web-1.fleet.example, O=Example")))
        .contains("web-1");
    assertThat(FLEET.hostname(new X500Principal("CN=a.b.fleet.example"))).isEmpty();
    assertThat(FLEET.hostname(new X500Principal("CN=web-1.fleet.example.evil"))).isEmpty();
  }

  @Test
  void glob_isNotFooledByAnotherAttributeHoldingCnText() {
    X500Principal p = new X500Principal("CN=printer, O=\"x,CN=evil.fleet.example\"");
    assertThat(FLEET.hostname(p)).isEmpty();
  }

  @Test
  void glob_refusesASubjectWithTwoCommonNames() {
    X500Principal p = new X500Principal("CN=web-1.fleet.example, CN=web-2.fleet.example");
    assertThat(FLEET.hostname(p)).isEmpty();
  }

  @Test
  void regex_whoseGroupIsNoHostLabel_doesNotMatch() {
    SubjectPattern any = SubjectPattern.regex("CN=(?<host>.*)", "t");
    assertThat(any.hostname(new X500Principal("CN=web_1"))).isEmpty();
    assertThat(any.hostname(new X500Principal("CN=web-1"))).contains("web-1");
  }
}
