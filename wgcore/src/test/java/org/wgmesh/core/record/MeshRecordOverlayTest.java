package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.net.IpPrefix;

/** Extension 7 of the mesh record: the VXLAN overlay (issue 25). */
class MeshRecordOverlayTest {
  private final SiteKeys site = Fixtures.siteKeys();

  private static final VxlanOverlay OVERLAY =
      new VxlanOverlay(
          4242,
          4789,
          Optional.of(IpPrefix.parse("198.51.100.0/24", "t")),
          Addressing.overlayNetwork6(Fixtures.settings().tunnelPrefix()));

  private static MeshRecord withOverlay(MeshRecord m, Optional<VxlanOverlay> o) {
    return MeshRecord.builder()
        .settings(m.settings().withOverlay(o))
        .siteSigningKey(m.siteSigningKey())
        .siteBoxKey(m.siteBoxKey())
        .serial(m.serial())
        .issued(m.issued())
        .expires(m.expires())
        .members(m.members())
        .epoch(m.epoch())
        .build();
  }

  private byte[] body(MeshRecord m) {
    TxtRecordSet rrset = m.encode(site.signing(), 300);
    return Envelope.parse(DOMAIN, TxtChunks.join(rrset), Envelope.TYPE_MESH, true).body();
  }

  private MeshRecord decode(byte[] body) {
    byte[] env = Envelope.build(DOMAIN, Envelope.TYPE_MESH, body, site.signing());
    return MeshRecord.decode(
        new TxtRecordSet(DOMAIN, 300, TxtChunks.split(env)),
        site.signing().publicKey(),
        DOMAIN,
        NOW);
  }

  @Test
  void overlay_roundTrips_withAndWithoutIpv4() {
    MeshRecord plain = Fixtures.meshRecord(7, 3, 1, 2, 5);
    for (VxlanOverlay o :
        List.of(
            OVERLAY,
            new VxlanOverlay(1, 8472, Optional.empty(), IpPrefix.parse("2001:db8:0:7::/64", "t")),
            new VxlanOverlay(
                VxlanOverlay.MAX_VNI,
                65535,
                Optional.of(IpPrefix.parse("203.0.113.0/30", "t")),
                IpPrefix.parse("2001:db8::/64", "t")))) {
      MeshRecord m = withOverlay(plain, Optional.of(o));
      assertThat(
              MeshRecord.decode(
                  m.encode(site.signing(), 300), site.signing().publicKey(), DOMAIN, NOW))
          .as("%s", o)
          .isEqualTo(m);
    }
  }

  @Test
  void noOverlay_writesNoExtension_andTheOverlayIsExactlyTag7() {
    MeshRecord plain = Fixtures.meshRecord(7, 3, 1, 2, 5);
    byte[] base = body(plain);
    assertThat(body(withOverlay(plain, Optional.empty()))).isEqualTo(base);
    byte[] with = body(withOverlay(plain, Optional.of(OVERLAY)));
    // Golden bytes: tag 7, length 31; VNI 4242 (u32), port 4789 (u16); the IPv6 /80 (family 6,
    // 16 bytes, length 80); one IPv4 prefix (count 1, family 4, 198.51.100.0, length 24).
    assertThat(HexFormat.of().formatHex(Arrays.copyOfRange(with, base.length, with.length)))
        .isEqualTo(
            "07001f"
                + "00001092"
                + "12b5"
                + "06fd123456789a0000000300000000000050"
                + "0104c633640018");
  }

  @Test
  void badOverlayValue_isRecordExceptionNamingField() {
    MeshRecord plain = Fixtures.meshRecord(7, 3, 1, 2);
    byte[] base = body(plain);
    String v6 = "06fd123456789a0000000300000000000050";
    for (List<String> bad :
        List.of(
            List.of("overlay.vni", "070019" + "01000000" + "12b5" + v6 + "00"),
            List.of("overlay.port", "070019" + "00001092" + "0000" + v6 + "00"),
            List.of(
                "overlay.ipv6",
                "070019" + "00001092" + "12b5" + "06fd123456789a0000000300000000000030" + "00"),
            List.of("overlay.ipv4", "070019" + "00001092" + "12b5" + v6 + "02"),
            List.of("overlay", "07001a" + "00001092" + "12b5" + v6 + "00" + "ff"))) {
      byte[] ext = HexFormat.of().parseHex(bad.get(1));
      byte[] all = Arrays.copyOf(base, base.length + ext.length);
      System.arraycopy(ext, 0, all, base.length, ext.length);
      assertThatThrownBy(() -> decode(all))
          .as("%s", bad)
          .isInstanceOf(RecordException.class)
          .hasMessageContaining("field '" + bad.get(0));
    }
  }
}
