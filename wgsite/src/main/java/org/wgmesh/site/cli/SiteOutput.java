package org.wgmesh.site.cli;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.PrintWriter;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.wgmesh.core.json.Json;
import org.wgmesh.core.model.ClientEntry;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Observed;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.site.RetiredHost;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteClient;
import org.wgmesh.site.SiteAdmin;

/** Formats a site for stdout: the validation report, the host table, and the JSON listing. */
final class SiteOutput {
  private SiteOutput() {}

  /** {@code full-mesh}, or the hubs by name and number and how many each spoke links to. */
  static String topology(Site site) {
    if (!(site.settings().topology() instanceof Topology.HubAndSpoke hs)) {
      return Topology.FullMesh.NAME;
    }
    List<String> hubs = new ArrayList<>();
    for (int n : hs.hubs()) {
      String name =
          site.hosts().stream()
              .filter(h -> h.number() == n)
              .map(h -> h.hostname())
              .findFirst()
              .orElse("?");
      hubs.add(name + " (" + n + ")");
    }
    return Topology.HubAndSpoke.NAME
        + ", hubs "
        + String.join(", ", hubs)
        + (hs.hubsPerSpoke() == 0
            ? ", every spoke to every hub"
            : ", " + hs.hubsPerSpoke() + " per spoke");
  }

  /** The endpoints' deploy timer: 5 min plus up to 30 s of jitter. */
  private static final Duration DEPLOY_INTERVAL = Duration.ofSeconds(330);

  /** The report {@code wgsite FILE} prints: settings, fingerprint, counts. */
  static void report(Site site, PrintWriter out) {
    MeshSettings s = site.settings();
    long used = site.hosts().size();
    out.printf("site:            %s%n", s.domain());
    out.printf("locus:           %s%n", s.locus());
    out.printf("fingerprint:     %s%n", site.keys().fingerprint());
    site.keyPolicy()
        .roll()
        .ifPresent(
            r ->
                out.printf(
                    "next key:        %s (announced; signs alone from %s)%n",
                    r.nextSigning().publicKey().fingerprint(), r.at()));
    site.originalKey()
        .ifPresent(
            k ->
                out.printf(
                    "original key:    %s (opens blobs of the original wgmesh)%n",
                    k.publicKey().fingerprint()));
    out.printf("tunnel-prefix:   %s%n", s.tunnelPrefix());
    out.printf("portbase:        %d (host n listens on %d + n)%n", s.portbase(), s.portbase());
    out.printf(
        "asn-range:       %s (%d numbers, %d in use)%n",
        site.asnRange(), site.asnRange().size(), used);
    out.printf("allowed LANs:    %s%n", join(s.allowedLanPrefixes()));
    out.printf("topology:        %s%n", topology(site));
    out.printf(
        "links:           mtu %s, keepalive %d s, bfd %s%n",
        SiteAdmin.mtuText(s.links()), s.links().keepalive(), s.links().bfd().text());
    out.printf("hosts:           %d%n", used);
    if (!site.retired().isEmpty()) {
      out.printf(
          "retired:         %s (numbers reserved until 'wgpub' publishes the removal)%n",
          join(site.retired().stream().map(RetiredHost::number).toList()));
    }
    out.printf("publish:         %s%n", site.publishTarget());
    out.printf("ttl:             %d s%n", site.ttl().getSeconds());
    out.printf("record-lifetime: %s%n", human(site.recordLifetime().getSeconds()));
    site.keyPolicy()
        .groupKeyMaxAge()
        .ifPresent(
            d -> out.printf("group key:       rotated when %s old%n", human(d.getSeconds())));
    site.keyPolicy()
        .keySwitchDelay()
        .ifPresent(
            d ->
                out.printf(
                    "key switch:      %s after the new key is published%s%n",
                    d.getSeconds() % 3600 != 0 && d.getSeconds() % 60 == 0
                        ? d.toMinutes() + " min"
                        : human(d.getSeconds()),
                    d.compareTo(DEPLOY_INTERVAL.plus(site.ttl())) <= 0
                        ? " (NOT above the endpoints' deploy interval of 5 min 30 s plus the ttl:"
                            + " peers may switch late and a link be down until their next deploy)"
                        : ""));
    for (HostEntry h : site.hosts()) {
      h.keySwitch()
          .ifPresent(
              ks ->
                  out.printf(
                      "key switch:      %s from %s to %s at %s (or later: wgpub fixes the time)%n",
                      h.hostname(), ks.from().fingerprint(), h.publicKey().fingerprint(), ks.at()));
    }
    out.println("status:          valid");
  }

  private static String human(long seconds) {
    if (seconds % 86400 == 0) {
      return seconds / 86400 + " days";
    }
    if (seconds % 3600 == 0) {
      return seconds / 3600 + " hours";
    }
    return seconds + " s";
  }

  /**
   * One line per host, columns aligned, with a header; last, where the host's peers see it when the
   * site publishes that ({@code observed}: the registered endpoints stay what the admin approved).
   */
  static void table(Site site, Map<Integer, Observed> observed, PrintWriter out) {
    String[] head = {"NUMBER", "HOSTNAME", "UUID", "ASN", "PORT", "ENDPOINTS", "LANS", "OBSERVED"};
    List<String[]> rows = new ArrayList<>();
    rows.add(head);
    for (HostEntry h : site.hosts()) {
      rows.add(
          new String[] {
            String.valueOf(h.number()),
            h.hostname(),
            h.uuid().toString(),
            String.valueOf(h.asn()),
            String.valueOf(site.settings().portbase() + h.number()),
            h.endpoints().isEmpty()
                ? "-"
                : String.join(",", h.endpoints().stream().map(Object::toString).toList()),
            h.lanPrefixes().isEmpty()
                ? "-"
                : String.join(",", h.lanPrefixes().stream().map(Object::toString).toList()),
            Optional.ofNullable(observed.get(h.number())).map(SiteOutput::observed).orElse("-")
          });
    }
    int[] w = new int[head.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
      }
      out.println(sb.toString().stripTrailing());
    }
    clientTable(site, out);
  }

  /** The clients (issue 25), after the hosts; nothing for a site without a clients section. */
  private static void clientTable(Site site, PrintWriter out) {
    if (!site.clients().present()) {
      return;
    }
    out.println();
    String[] head = {"CLIENT", "NAME", "PORT", "ADDRESSES", "HOSTS", "KEY"};
    List<String[]> rows = new ArrayList<>();
    rows.add(head);
    for (ClientEntry c : site.clientEntries()) {
      SiteClient sc = site.clients().named(c.name()).orElseThrow();
      rows.add(
          new String[] {
            String.valueOf(c.number()),
            c.name(),
            String.valueOf(c.port()),
            String.join(",", c.addresses().stream().map(Object::toString).toList()),
            String.join(",", sc.attach()),
            c.publicKey().fingerprint()
          });
    }
    int[] w = new int[head.length];
    for (String[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        w[i] = Math.max(w[i], r[i].length());
      }
    }
    for (String[] r : rows) {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < r.length; i++) {
        sb.append(i == r.length - 1 ? r[i] : String.format("%-" + w[i] + "s  ", r[i]));
      }
      out.println(sb.toString().stripTrailing());
    }
  }

  /**
   * The listing as one JSON object on one line: {@code {"domain":..,"locus":..,"fingerprint":..,
   * "hosts":[{"number":..,"hostname":..,"uuid":..,"asn":..,"port":..,"public_key":..,
   * "key_fingerprint":..,"endpoints":[..],"lan_prefixes":[..],"observed":{"address":..,
   * "ports_kept":..} or null}],"retired":[{"number":..,"uuid":..}]}}.
   */
  static void json(Site site, Map<Integer, Observed> observed, PrintWriter out) {
    ObjectNode root =
        Json.object()
            .put("domain", site.settings().domain())
            .put("locus", site.settings().locus())
            .put("fingerprint", site.keys().fingerprint());
    ArrayNode hosts = root.putArray("hosts");
    for (HostEntry h : site.hosts()) {
      ObjectNode host =
          hosts
              .addObject()
              .put("number", h.number())
              .put("hostname", h.hostname())
              .put("uuid", h.uuid().toString())
              .put("asn", h.asn())
              .put("port", site.settings().portbase() + h.number())
              .put("public_key", h.publicKey().toBase64())
              .put("key_fingerprint", h.publicKey().fingerprint());
      strings(host.putArray("endpoints"), h.endpoints());
      strings(host.putArray("lan_prefixes"), h.lanPrefixes());
      Observed o = observed.get(h.number());
      if (o == null) {
        host.putNull("observed");
      } else {
        host.putObject("observed")
            .put("address", o.address().toString())
            .put("ports_kept", o.portsKept());
      }
    }
    ArrayNode retired = root.putArray("retired");
    for (RetiredHost r : site.retired()) {
      retired.addObject().put("number", r.number()).put("uuid", r.uuid().toString());
    }
    // Only a site with a clients section lists them (issue 25), so other listings stay as they
    // were.
    if (site.clients().present()) {
      ArrayNode clients = root.putArray("clients");
      for (ClientEntry c : site.clientEntries()) {
        ObjectNode client =
            clients
                .addObject()
                .put("number", c.number())
                .put("name", c.name())
                .put("port", c.port())
                .put("keepalive", c.keepalive())
                .put("public_key", c.publicKey().toBase64())
                .put("key_fingerprint", c.publicKey().fingerprint());
        strings(client.putArray("addresses"), c.addresses());
        strings(client.putArray("attach"), site.clients().named(c.name()).orElseThrow().attach());
      }
    }
    out.println(Json.write(root));
  }

  private static String observed(Observed o) {
    return o.address() + (o.portsKept() ? "" : "(ports-changed)");
  }

  private static void strings(ArrayNode array, List<?> items) {
    items.forEach(i -> array.add(i.toString()));
  }

  private static String join(List<?> items) {
    return String.join(", ", items.stream().map(Object::toString).toList());
  }
}
