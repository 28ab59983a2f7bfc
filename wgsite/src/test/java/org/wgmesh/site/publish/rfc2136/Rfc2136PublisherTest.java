package org.wgmesh.site.publish.rfc2136;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.PublishException;
import org.wgmesh.core.testing.KnotServer;
import org.wgmesh.site.publish.PublishService;
import org.wgmesh.site.publish.Publishers;
import org.wgmesh.site.publish.RecordChanges;
import org.wgmesh.site.publish.RecordDiff;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TSIG;
import org.xbill.DNS.Type;

/** Against a real Knot DNS server on 127.0.0.1 (started by the test), with a real TSIG key. */
@EnabledIf("org.wgmesh.core.testing.KnotServer#isAvailable")
class Rfc2136PublisherTest {
  private static final String ZONE = "example.test";
  private static final String DOMAIN = "mesh.example.test";

  private KnotServer knot;
  private Rfc2136Publisher publisher;

  @BeforeEach
  void startKnot() throws Exception {
    knot = KnotServer.start(ZONE, List.of("other 60 TXT \"not ours\""));
    publisher = publisherWithSecret(knot.tsigSecret());
  }

  @AfterEach
  void stopKnot() {
    if (knot != null) {
      knot.close();
    }
  }

  private Rfc2136Publisher publisherWithSecret(String secret) {
    return (Rfc2136Publisher)
        Publishers.fromUri(
            "rfc2136://127.0.0.1:"
                + knot.port()
                + "?zone="
                + ZONE
                + "&tsig="
                + knot.keyName()
                + "&algorithm="
                + knot.algorithm()
                + "&timeout=3",
            Path.of("."),
            Map.of("WGMESH_TSIG_SECRET", secret));
  }

  private static TxtRecordSet set(String label, String... strings) {
    return new TxtRecordSet(label.isEmpty() ? DOMAIN : label + "." + DOMAIN, 300, List.of(strings));
  }

  private Map<String, TxtRecordSet> read(String... labels) {
    List<String> names = new ArrayList<>();
    for (String l : labels) {
      names.add(l.isEmpty() ? DOMAIN : l + "." + DOMAIN);
    }
    return publisher.readCurrent(DOMAIN, names);
  }

  private long soaSerial() throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", knot.port()));
    Message m =
        r.send(
            Message.newQuery(Record.newRecord(Name.fromString(ZONE + "."), Type.SOA, DClass.IN)));
    return ((SOARecord) m.getSection(Section.ANSWER).get(0)).getSerial();
  }

  @Test
  void upsert_changeAndDelete_areVisibleInDns() {
    TxtRecordSet mesh = set("", "0:mesh", "1:more");
    TxtRecordSet host = set("h1", "0:host \"quoted\" back\\slash caf\u00e9");
    publisher.upsert(List.of(host, mesh));
    assertThat(read("", "h1", "h2"))
        .containsOnly(Map.entry(DOMAIN, mesh), Map.entry(host.name(), host));

    TxtRecordSet changed = set("", "0:mesh2");
    publisher.upsert(List.of(changed));
    assertThat(read("").get(DOMAIN)).isEqualTo(changed);

    publisher.delete(List.of(host.name()));
    assertThat(read("", "h1")).containsOnlyKeys(DOMAIN);
  }

  @Test
  void readCurrent_ignoresNamesOutsideTheDomain() {
    assertThat(publisher.readCurrent(DOMAIN, List.of("other." + ZONE, "mesh.example.test.evil")))
        .isEmpty();
  }

  @Test
  void publish_secondRunWithNothingChanged_writesNothing() throws Exception {
    PublishService service = new PublishService(publisher, Reporter.silent());
    RecordChanges changes =
        new RecordChanges(
            List.of(set("h1", "a"), set("_key.h1", "k")), Optional.of(set("", "m")), List.of());
    List<String> names = List.of(DOMAIN, "h1." + DOMAIN, "_key.h1." + DOMAIN);
    service.apply(RecordDiff.between(service.readCurrent(DOMAIN, names), changes));
    long serial = soaSerial();

    RecordDiff second = RecordDiff.between(service.readCurrent(DOMAIN, names), changes);
    service.apply(second);

    assertThat(second.isEmpty()).isTrue();
    assertThat(soaSerial()).isEqualTo(serial);
  }

  @Test
  void upsert_manyLargeSets_isSplitIntoBatchesAndAllArrive() {
    List<TxtRecordSet> sets = new ArrayList<>();
    List<String> names = new ArrayList<>();
    String chunk = "x".repeat(200);
    for (int i = 0; i < 120; i++) {
      sets.add(set("h" + i, "0:" + chunk, "1:" + chunk, "2:" + chunk));
      names.add("h" + i + "." + DOMAIN);
    }
    assertThat(sets.stream().mapToInt(TxtRecordSet::dataBytes).sum())
        .isGreaterThan(Rfc2136Publisher.MAX_UPDATE_BYTES);

    publisher.upsert(sets);

    assertThat(publisher.readCurrent(DOMAIN, names))
        .hasSize(120)
        .containsEntry(sets.get(119).name(), sets.get(119));
  }

  @Test
  void upsert_wrongTsigSecret_isRefusedWithBadsigAndChangesNothing() throws Exception {
    publisher.upsert(List.of(set("", "m1")));
    long serial = soaSerial();
    byte[] wrong = new byte[32];
    Rfc2136Publisher impostor = publisherWithSecret(Base64.getEncoder().encodeToString(wrong));

    assertThatThrownBy(() -> impostor.upsert(List.of(set("", "evil"), set("h1", "evil"))))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("TSIG key 'upd.key' refused")
        .hasMessageContaining("BADSIG")
        .satisfies(
            e ->
                assertThat(((PublishException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("secret")));
    assertThat(read("", "h1")).containsOnly(Map.entry(DOMAIN, set("", "m1")));
    assertThat(soaSerial()).isEqualTo(serial);
  }

  @Test
  void upsert_unknownKeyName_isRefusedWithBadkey() {
    Rfc2136Publisher stranger =
        new Rfc2136Publisher(
            new InetSocketAddress("127.0.0.1", knot.port()),
            Optional.of(ZONE),
            Optional.of(
                new Rfc2136Publisher.Tsig(
                    "stranger.key", new TSIG(TSIG.HMAC_SHA256, "stranger.key", knot.tsigSecret()))),
            Duration.ofSeconds(3));

    assertThatThrownBy(() -> stranger.upsert(List.of(set("", "x"))))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("BADKEY");
  }

  @Test
  void upsert_unsigned_isRefusedWithAHintToSignIt() throws Exception {
    Rfc2136Publisher unsigned =
        new Rfc2136Publisher(
            new InetSocketAddress("127.0.0.1", knot.port()),
            Optional.of(ZONE),
            Optional.empty(),
            Duration.ofSeconds(3));

    long serial = soaSerial();

    assertThatThrownBy(() -> unsigned.upsert(List.of(set("", "x"))))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("NOTAUTH") // Knot's answer to an update no acl allows
        .satisfies(
            e ->
                assertThat(((PublishException) e).hint())
                    .hasValueSatisfying(
                        h ->
                            assertThat(h)
                                .contains("sign the updates: add tsig=NAME")
                                .doesNotContain("'null'")));
    assertThat(soaSerial()).isEqualTo(serial);
  }

  @Test
  void upsert_withoutZoneParameter_findsTheZoneFromTheServer() {
    Rfc2136Publisher noZone =
        (Rfc2136Publisher)
            Publishers.fromUri(
                "rfc2136://127.0.0.1:" + knot.port() + "?tsig=" + knot.keyName(),
                Path.of("."),
                Map.of("WGMESH_TSIG_SECRET", knot.tsigSecret()));

    noZone.upsert(List.of(set("h7", "seven")));

    assertThat(read("h7")).containsKey("h7." + DOMAIN);
  }

  @Test
  void upsertAndRead_serverDown_failClearly() {
    knot.close();

    assertThatThrownBy(() -> publisher.upsert(List.of(set("", "m"))))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("no answer from")
        .satisfies(
            e ->
                assertThat(((PublishException) e).hint())
                    .hasValueSatisfying(h -> assertThat(h).contains("running")));
    assertThatThrownBy(() -> read(""))
        .isInstanceOf(PublishException.class)
        .hasMessageContaining("query TXT " + DOMAIN);
  }
}
