package org.wgmesh.site.cli;

import java.io.PrintWriter;
import java.util.List;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.site.RetiredHost;
import org.wgmesh.core.site.Site;

/** Formats a site for stdout: the validation report, the host table, and the JSON listing. */
final class SiteOutput {
  private SiteOutput() {}

  /** The report {@code wgsite FILE} prints: settings, fingerprint, counts. */
  static void report(Site site, PrintWriter out) {
    MeshSettings s = site.settings();
    long used = site.hosts().size();
    out.printf("site:            %s%n", s.domain());
    out.printf("locus:           %s%n", s.locus());
    out.printf("fingerprint:     %s%n", site.keys().fingerprint());
    out.printf("tunnel-prefix:   %s%n", s.tunnelPrefix());
    out.printf("portbase:        %d (host n listens on %d + n)%n", s.portbase(), s.portbase());
    out.printf("asn-range:       %s (%d numbers, %d in use)%n", site.asnRange(), site.asnRange().size(), used);
    out.printf("allowed LANs:    %s%n", join(s.allowedLanPrefixes()));
    out.printf("hosts:           %d%n", used);
    if (!site.retired().isEmpty()) {
      out.printf(
          "retired:         %s (numbers reserved until 'wgpub' publishes the removal)%n",
          join(site.retired().stream().map(RetiredHost::number).toList()));
    }
    out.printf("publish:         %s%n", site.publishTarget());
    out.printf("ttl:             %d s%n", site.ttl().getSeconds());
    out.printf("record-lifetime: %s%n", human(site.recordLifetime().getSeconds()));
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

  /** One line per host, columns aligned, with a header. */
  static void table(Site site, PrintWriter out) {
    String[] head = {"NUMBER", "HOSTNAME", "UUID", "ASN", "PORT", "ENDPOINTS", "LANS"};
    List<String[]> rows = new java.util.ArrayList<>();
    rows.add(head);
    for (HostEntry h : site.hosts()) {
      rows.add(
          new String[] {
            String.valueOf(h.number()),
            h.hostname(),
            h.uuid().toString(),
            String.valueOf(h.asn()),
            String.valueOf(site.settings().portbase() + h.number()),
            h.endpoints().isEmpty() ? "-" : String.join(",", h.endpoints().stream().map(Object::toString).toList()),
            h.lanPrefixes().isEmpty() ? "-" : String.join(",", h.lanPrefixes().stream().map(Object::toString).toList())
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

  /** The listing as one JSON object: {@code {"domain":..,"fingerprint":..,"hosts":[..],"retired":[..]}}. */
  static void json(Site site, PrintWriter out) {
    StringBuilder sb = new StringBuilder("{");
    sb.append("\"domain\":").append(str(site.settings().domain()));
    sb.append(",\"locus\":").append(str(site.settings().locus()));
    sb.append(",\"fingerprint\":").append(str(site.keys().fingerprint()));
    sb.append(",\"hosts\":[");
    boolean first = true;
    for (HostEntry h : site.hosts()) {
      sb.append(first ? "" : ",");
      first = false;
      sb.append("{\"number\":").append(h.number());
      sb.append(",\"hostname\":").append(str(h.hostname()));
      sb.append(",\"uuid\":").append(str(h.uuid().toString()));
      sb.append(",\"asn\":").append(h.asn());
      sb.append(",\"port\":").append(site.settings().portbase() + h.number());
      sb.append(",\"public_key\":").append(str(h.publicKey().toBase64()));
      sb.append(",\"key_fingerprint\":").append(str(h.publicKey().fingerprint()));
      sb.append(",\"endpoints\":").append(strings(h.endpoints()));
      sb.append(",\"lan_prefixes\":").append(strings(h.lanPrefixes()));
      sb.append('}');
    }
    sb.append("],\"retired\":[");
    first = true;
    for (RetiredHost r : site.retired()) {
      sb.append(first ? "" : ",");
      first = false;
      sb.append("{\"number\":").append(r.number()).append(",\"uuid\":").append(str(r.uuid().toString())).append('}');
    }
    sb.append("]}");
    out.println(sb);
  }

  private static String strings(List<?> items) {
    return "[" + String.join(",", items.stream().map(i -> str(i.toString())).toList()) + "]";
  }

  /** A JSON string literal; our values are ASCII, but escape quotes, backslashes and controls anyway. */
  private static String str(String s) {
    StringBuilder sb = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      if (c == '"' || c == '\\') {
        sb.append('\\').append(c);
      } else if (c < 0x20) {
        sb.append(String.format("\\u%04x", (int) c));
      } else {
        sb.append(c);
      }
    }
    return sb.append('"').toString();
  }

  private static String join(List<?> items) {
    return String.join(", ", items.stream().map(Object::toString).toList());
  }
}
