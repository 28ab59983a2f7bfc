package org.wgmesh.site.publish.zonefile;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.junit.jupiter.api.io.TempDir;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.testing.KnotServer;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

class ZoneFilePublisherTest {
  @TempDir Path dir;

  private static TxtRecordSet set(String name, String... strings) {
    return new TxtRecordSet(name, 300, List.of(strings));
  }

  @Test
  void upsert_thenReadCurrent_returnsTheSameSets() {
    ZoneFilePublisher p = new ZoneFilePublisher(dir.resolve("mesh.zone"));
    TxtRecordSet mesh = set("mesh.example.test", "0:abc", "1:de\"f\\g", "2:caf\u00e9 tab\tend");
    TxtRecordSet host = set("h1.mesh.example.test", "0:xyz");
    p.upsert(List.of(host, mesh));

    assertThat(p.readCurrent("mesh.example.test", List.of()))
        .containsOnly(Map.entry(mesh.name(), mesh), Map.entry(host.name(), host));
  }

  @Test
  void render_escapesQuotesBackslashesAndNonAscii() {
    String text = ZoneFilePublisher.render(List.of(set("a.example.test", "q\"b\\c\u00e9")));
    assertThat(text).contains("a.example.test. 300 IN TXT \"q\\\"b\\\\c\\195\\169\"\n");
  }

  @Test
  void readCurrent_matchesWholeLabelsOnly() {
    ZoneFilePublisher p = new ZoneFilePublisher(dir.resolve("z"));
    p.upsert(
        List.of(
            set("mesh.example.test", "a"),
            set("h.mesh.example.test", "b"),
            set("othermesh.example.test", "c"),
            set("mesh.example.test.evil", "d")));

    assertThat(p.readCurrent("mesh.example.test", List.of()).keySet())
        .containsExactlyInAnyOrder("mesh.example.test", "h.mesh.example.test");
  }

  @Test
  void upsert_sameContentTwice_leavesTheFileUntouched() throws Exception {
    Path file = dir.resolve("z");
    ZoneFilePublisher p = new ZoneFilePublisher(file);
    p.upsert(List.of(set("mesh.example.test", "b", "a")));
    FileTime old = FileTime.fromMillis(1_000_000L);
    Files.setLastModifiedTime(file, old);

    p.upsert(List.of(set("mesh.example.test", "a", "b")));

    assertThat(Files.getLastModifiedTime(file)).isEqualTo(old);
  }

  @Test
  void delete_removesOnlyTheNamedSets() {
    ZoneFilePublisher p = new ZoneFilePublisher(dir.resolve("z"));
    p.upsert(
        List.of(
            set("mesh.example.test", "a"),
            set("h1.mesh.example.test", "b"),
            set("h2.mesh.example.test", "c")));

    p.delete(List.of("H1.mesh.example.test.", "absent.mesh.example.test"));

    assertThat(p.readCurrent("mesh.example.test", List.of()).keySet())
        .containsExactlyInAnyOrder("mesh.example.test", "h2.mesh.example.test");
  }

  @Test
  @EnabledIf("org.wgmesh.core.testing.KnotServer#isAvailable")
  void render_isLoadedByKnotThroughInclude() throws Exception {
    // knotd runs as nobody: the directory and the file must be readable by others.
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path file = dir.resolve("mesh.zone");
    TxtRecordSet mesh = set("mesh.example.test", "0:abc", "1:\"quoted\" back\\slash caf\u00e9");
    new ZoneFilePublisher(file).upsert(List.of(mesh, set("h1.mesh.example.test", "0:xyz")));

    try (KnotServer knot = KnotServer.start("example.test", List.of("$INCLUDE " + file))) {
      SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", knot.port()));
      Message answer =
          r.send(
              Message.newQuery(
                  Record.newRecord(Name.fromString("mesh.example.test."), Type.TXT, DClass.IN)));
      List<String> strings = new ArrayList<>();
      for (Record rr : answer.getSection(Section.ANSWER)) {
        for (byte[] b : ((TXTRecord) rr).getStringsAsByteArrays()) {
          strings.add(new String(b, StandardCharsets.UTF_8));
        }
      }
      assertThat(strings).containsExactlyInAnyOrderElementsOf(mesh.strings());
    }
  }

  @Test
  void readCurrent_missingFile_isEmpty() {
    assertThat(new ZoneFilePublisher(dir.resolve("none")).readCurrent("example.test", List.of()))
        .isEmpty();
  }

  @Test
  void readCurrent_malformedLine_namesFileAndLine() throws Exception {
    Path file = dir.resolve("bad.zone");
    Files.writeString(
        file,
        "; comment\nmesh.example.test. 300 IN TXT \"ok\"\nmesh.example.test. 300 IN TXT \"unclosed\n");
    ZoneFilePublisher p = new ZoneFilePublisher(file);

    assertThatThrownBy(() -> p.readCurrent("mesh.example.test", List.of()))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining(file + " line 3")
        .hasMessageContaining("not closed");
  }

  @Test
  void parse_rejectsEachKindOfBadLine() {
    assertThatThrownBy(() -> ZoneFilePublisher.parse("mesh.example.test 300 IN TXT \"a\"\n", "f"))
        .hasMessageContaining("f line 1")
        .hasMessageContaining("not absolute");
    assertThatThrownBy(
            () -> ZoneFilePublisher.parse("\n\nm.example.test. soon IN TXT \"a\"\n", "f"))
        .hasMessageContaining("f line 3")
        .hasMessageContaining("TTL 'soon'");
    assertThatThrownBy(
            () -> ZoneFilePublisher.parse("m.example.test. 300 IN MX 10 mx.example.test.\n", "f"))
        .hasMessageContaining("expected 'NAME. TTL IN TXT");
    assertThatThrownBy(
            () ->
                ZoneFilePublisher.parse(
                    "m.example.test. 300 IN TXT \"a\"\nm.example.test. 60 IN TXT \"b\"\n", "f"))
        .hasMessageContaining("f line 2")
        .hasMessageContaining("TTL 60 differs");
    // Name records (issue 25) are read, strictly too.
    assertThatThrownBy(() -> ZoneFilePublisher.parse("m.example.test. 300 IN A 2001:db8::1\n", "f"))
        .hasMessageContaining("f line 1")
        .hasMessageContaining("not an address of type A");
    assertThatThrownBy(
            () ->
                ZoneFilePublisher.parse("1.2.0.192.in-addr.arpa. 300 IN PTR m.example.test\n", "f"))
        .hasMessageContaining("not absolute");
    assertThatThrownBy(
            () -> ZoneFilePublisher.parse("m.example.test. 300 IN TXT \"a\\999\"\n", "f"))
        .hasMessageContaining("over 255");
    assertThatThrownBy(() -> ZoneFilePublisher.parse("m.example.test. 300 IN TXT \"a\"x\n", "f"))
        .hasMessageContaining("text after a closing");
  }

  @Test
  void upsert_malformedExistingFile_failsAndLeavesItAsItWas() throws Exception {
    Path file = dir.resolve("bad.zone");
    Files.writeString(file, "garbage\n");

    assertThatThrownBy(
            () -> new ZoneFilePublisher(file).upsert(List.of(set("m.example.test", "a"))))
        .isInstanceOf(PublishException.class);
    assertThat(Files.readString(file)).isEqualTo("garbage\n");
  }
}
