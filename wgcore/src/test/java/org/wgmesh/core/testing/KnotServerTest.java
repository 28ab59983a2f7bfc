package org.wgmesh.core.testing;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.InetSocketAddress;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIf;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

@EnabledIf("org.wgmesh.core.testing.KnotServer#isAvailable")
class KnotServerTest {
  @Test
  void start_servesTheZoneAndItsRecords_untilClosed() throws Exception {
    KnotServer knot = KnotServer.start("fixture.test", List.of("_t 60 TXT \"v=1\""));
    try {
      SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", knot.port()));
      Message answer =
          r.send(
              Message.newQuery(
                  Record.newRecord(Name.fromString("_t.fixture.test."), Type.TXT, DClass.IN)));
      assertThat(answer.getSection(Section.ANSWER))
          .singleElement()
          .satisfies(rr -> assertThat(((TXTRecord) rr).getStrings()).containsExactly("v=1"));
    } finally {
      knot.close();
    }
    assertThat(knot.isAlive()).isFalse();
  }
}
