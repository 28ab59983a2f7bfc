package org.wgmesh.core.site;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.UUID;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.ExitCode;
import org.wgmesh.core.model.HostEntry;

/** A host entry's {@code enrolled-as} (issue 23, rejoin): optional, read and written back. */
class SiteEnrolledAsTest {
  static final String SUBJECT = "CN=web-1.fleet.example,O=Example\\, Inc.";

  @TempDir Path dir;
  Path yaml;
  String good;
  Site site;

  @BeforeEach
  void setUp() throws Exception {
    yaml = dir.resolve("wgmesh.yaml");
    site = SiteFixtures.twoHosts(yaml);
    good = Files.readString(yaml);
  }

  Site enrolled(String identity) {
    HostEntry first = site.hosts().get(0);
    return site.withHostInPlaceOf(
        first.uuid(), first.toBuilder().enrolledAs(Optional.of(identity)).build());
  }

  @Test
  void absentField_isNoIdentity_andTheFileStaysByteIdentical() {
    Site s = SiteFile.load(yaml);
    assertThat(good).doesNotContain("enrolled-as");
    assertThat(s.hosts()).allSatisfy(h -> assertThat(h.enrolledAs()).isEmpty());
    assertThat(SiteCodec.render(s)).isEqualTo(good);
  }

  @Test
  void identity_roundTrips_onItsHostOnly_andNeverReachesTheHostRecord() throws Exception {
    for (String identity : new String[] {SUBJECT, "token:3f9c0d12a4b5e6f7"}) {
      SiteFile.save(enrolled(identity), yaml);
      Site back = SiteFile.load(yaml);
      assertThat(back).as(identity).isEqualTo(enrolled(identity));
      assertThat(back.hosts().get(0).enrolledAs()).contains(identity);
      assertThat(back.hosts().get(1).enrolledAs()).isEmpty();
      assertThat(SiteCodec.render(back)).isEqualTo(SiteCodec.render(enrolled(identity)));
      assertThat(back.hosts().get(0).published().enrolledAs()).isEmpty();
    }
    assertThat(Files.readString(yaml)).contains("enrolled-as: token:3f9c0d12a4b5e6f7");
  }

  @Test
  void hostInPlaceOf_keepsNumberAndPlace_andRetiresNothing() {
    HostEntry first = site.hosts().get(0);
    HostEntry moved = first.toBuilder().uuid(new UUID(7, 7)).build();
    Site s = site.withHostInPlaceOf(first.uuid(), moved);
    assertThat(s.hosts().get(0)).isEqualTo(moved);
    assertThat(s.hosts()).hasSameSizeAs(site.hosts());
    assertThat(s.retired()).isEqualTo(site.retired());
    assertThat(site.withHostInPlaceOf(new UUID(9, 9), moved)).isEqualTo(site);
  }

  @Test
  void badIdentity_namesTheLine_exitsConfig_andChangesNothing() throws Exception {
    SiteFile.save(enrolled("token:3f9c0d12a4b5e6f7"), yaml);
    String saved = Files.readString(yaml);
    int line = (int) saved.lines().takeWhile(l -> !l.contains("enrolled-as")).count() + 1;
    for (String bad : new String[] {"' '", "\"a\\tb\"", "'" + "x".repeat(1025) + "'"}) {
      String text = saved.replace("enrolled-as: token:3f9c0d12a4b5e6f7", "enrolled-as: " + bad);
      Files.writeString(yaml, text);
      assertThatThrownBy(() -> SiteFile.load(yaml))
          .as(bad)
          .isInstanceOf(ConfigException.class)
          .satisfies(e -> assertThat(((ConfigException) e).exitCode()).isEqualTo(ExitCode.CONFIG))
          .hasMessageContaining("enrolled-as")
          .hasMessageContaining("line " + line);
      assertThat(Files.readString(yaml)).isEqualTo(text);
    }
  }
}
