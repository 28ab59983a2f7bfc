package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.site.AdmissionPropertiesTest.emptySite;
import static org.wgmesh.site.AdmissionPropertiesTest.registration;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.model.NamesPolicy;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;

/** Admission keeps the site's {@code names:} section (issue 25) and applies its rules. */
class AdmissionNamesTest {
  private static final NamesPolicy TUNNEL =
      new NamesPolicy(NamesPolicy.Addresses.TUNNEL, Optional.empty(), List.of(), Map.of());

  @Test
  void admittedSite_keepsItsNames() {
    Site site = emptySite(AsnRange.DEFAULT).withNames(Optional.of(TUNNEL));
    Admission a = Admission.plan(site, List.of(registration(1), registration(2)), false);
    assertThat(a.after().names()).contains(TUNNEL);
    assertThat(a.after().hosts()).hasSize(2);
  }

  @Test
  void hostNamedLikeAHostRecord_isRefusedWithNames() {
    Site site = emptySite(AsnRange.DEFAULT).withNames(Optional.of(TUNNEL));
    Registration r = registration(3);
    Registration h5 =
        Registration.builder()
            .uuid(r.uuid())
            .hostname("h5")
            .publicKey(r.publicKey())
            .endpoints(r.endpoints())
            .lanPrefixes(r.lanPrefixes())
            .created(r.created())
            .build();
    assertThatThrownBy(() -> Admission.plan(site, List.of(h5), false))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining(
            "host h5 (h1): its name h5.mesh.example.com is the name of a wgmesh record");
  }
}
