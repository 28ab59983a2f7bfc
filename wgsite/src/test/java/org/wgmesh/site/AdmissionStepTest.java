package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.site.AdmissionPropertiesTest.emptySite;
import static org.wgmesh.site.AdmissionPropertiesTest.registration;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.net.AsnRange;

/** A step says "no previous entry" and "no note" with an empty Optional, never with null. */
class AdmissionStepTest {
  @Test
  void newHost_hasNoPreviousEntryAndNoNote_asEmptyOptionals() {
    Admission.Step st =
        Admission.plan(emptySite(AsnRange.DEFAULT), List.of(registration(0)), false).steps().get(0);
    assertThat(st.kind()).isEqualTo(Admission.Kind.NEW);
    assertThat(st.previous()).isEmpty();
    assertThat(st.note()).isEmpty();
  }

  @Test
  void step_refusesNull() {
    Admission.Step st =
        Admission.plan(emptySite(AsnRange.DEFAULT), List.of(registration(0)), false).steps().get(0);
    assertThatThrownBy(
            () -> new Admission.Step(st.registration(), st.entry(), null, st.kind(), st.note()))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("previous");
    assertThatThrownBy(
            () -> new Admission.Step(st.registration(), st.entry(), st.previous(), st.kind(), null))
        .isInstanceOf(NullPointerException.class)
        .hasMessage("note");
  }
}
