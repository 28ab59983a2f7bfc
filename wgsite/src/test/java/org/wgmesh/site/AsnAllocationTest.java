package org.wgmesh.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.site.AdmissionPropertiesTest.emptySite;
import static org.wgmesh.site.AdmissionPropertiesTest.registration;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConflictException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.net.AsnRange;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/**
 * A site that outgrows the 2-byte private ASNs of the default range takes 4-byte private ones (the
 * design, issue 21) without a hand-set range; hosts admitted before keep theirs, and a range the
 * operator chose is never widened.
 */
class AsnAllocationTest {
  private static List<Registration> registrations(int from, int count) {
    List<Registration> out = new ArrayList<>();
    for (int i = from; i < from + count; i++) {
      out.add(registration(i));
    }
    return out;
  }

  @Test
  void defaultRange_full_nextHostsGetFourByteAsns_earlierKeepTheirs() {
    Site before =
        Admission.plan(emptySite(AsnRange.DEFAULT), registrations(0, 1020), false).after();
    Admission a = Admission.plan(before, registrations(1020, 6), false);
    List<Long> asns = a.steps().stream().map(s -> s.entry().asn()).toList();
    assertThat(asns)
        .containsExactly(65532L, 65533L, 65534L, 4_200_000_000L, 4_200_000_001L, 4_200_000_002L);
    assertThat(a.after().asnRange()).hasToString("64512:65534,4200000000:4294967294");
    // Hosts admitted before keep their numbers and ASNs.
    assertThat(a.after().hosts().subList(0, 1020)).isEqualTo(before.hosts());
    // The operator is told, on the host that got the first 4-byte ASN only.
    assertThat(a.steps().get(3).note())
        .hasValueSatisfying(
            n -> assertThat(n).contains("asn-range becomes 64512:65534,4200000000"));
    assertThat(a.steps().get(4).note()).isEmpty();
  }

  @Test
  void widenedRange_isWrittenToTheSiteFile_andReadBack(@TempDir Path dir) throws Exception {
    Path yaml = dir.resolve("wgmesh.yaml");
    Site created =
        SiteFile.create(
            yaml,
            emptySite(AsnRange.DEFAULT).settings(),
            AsnRange.parse(AsnRange.DEFAULT, "t"),
            "zonefile:/x");
    Site full = Admission.plan(created, registrations(0, 1024), false).after();
    SiteFile.save(full, yaml);
    assertThat(Files.readString(yaml)).contains("asn-range: 64512:65534,4200000000:4294967294");
    Site back = SiteFile.load(yaml);
    assertThat(back.hosts()).isEqualTo(full.hosts());
    // Later admissions continue in the 4-byte range.
    Admission next = Admission.plan(back, registrations(1024, 1), false);
    assertThat(next.steps().get(0).entry().asn()).isEqualTo(4_200_000_001L);
    assertThat(next.steps().get(0).note()).isEmpty();
  }

  @Test
  void widenedRange_aFreedTwoByteAsnIsTheLowestFree() {
    Site full = Admission.plan(emptySite(AsnRange.DEFAULT), registrations(0, 1025), false).after();
    HostEntry gone = full.hosts().get(10);
    Site less = full.withoutHost(gone.uuid());
    assertThat(Admission.plan(less, registrations(2000, 1), false).steps().get(0).entry().asn())
        .isEqualTo(gone.asn());
  }

  @Test
  void handSetRange_full_isRefusedAsBefore() {
    Site site = Admission.plan(emptySite("64512:64521"), registrations(0, 10), false).after();
    assertThatThrownBy(() -> Admission.plan(site, registrations(10, 1), false))
        .isInstanceOf(ConflictException.class)
        .hasMessageContaining("every AS number of asn-range 64512:64521 is in use (10 hosts)")
        .satisfies(
            e ->
                assertThat(((ConflictException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("4200000000:4294967294")));
    assertThat(site.asnRange()).hasToString("64512:64521");
  }
}
