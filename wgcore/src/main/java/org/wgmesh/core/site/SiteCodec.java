package org.wgmesh.core.site;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.model.HostEntry;
import org.wgmesh.core.model.LinkSettings;
import org.wgmesh.core.model.MeshSettings;
import org.wgmesh.core.model.Topology;
import org.wgmesh.core.model.VxlanOverlay;
import org.wgmesh.core.net.Addressing;
import org.wgmesh.core.yaml.YamlDocuments;

/**
 * The site file's YAML to a {@link SiteSpec} and a {@link Site} back to YAML: the one place that
 * knows the format ({@code docs/site-file.md}), apart from key files ({@link SiteKeyStore}) and
 * from where and when the file is read and written ({@link SiteFile}), so a format change touches
 * this class and {@link SiteSpec} only.
 */
final class SiteCodec {
  /**
   * The largest site file read, checked before parsing (issue 19). A generated site of 10,000 hosts
   * (one endpoint and one LAN each) is 2.25 MB, about 225 bytes a host; 16 MiB leaves room for
   * hosts with several endpoints and LANs, key switches, the retired list and comments, about seven
   * times that size, while parsing a file this large stays within a few hundred MB of memory.
   */
  static final long MAX_BYTES = 16L << 20;

  private SiteCodec() {}

  /**
   * Reads and validates the site file's YAML (no key file).
   *
   * @throws FileException when it cannot be read or is too large
   * @throws ConfigException naming the property and line of the first problem
   */
  static SiteSpec read(Path yaml) {
    return SiteSpec.parse(YamlDocuments.read(yaml, "site-file size limit", MAX_BYTES));
  }

  /** {@code full-mesh}, or the hub-and-spoke mapping with the hubs by hostname. */
  private static Object topology(Site site) {
    if (!(site.settings().topology() instanceof Topology.HubAndSpoke hs)) {
      return Topology.FullMesh.NAME;
    }
    Map<String, Object> t = new LinkedHashMap<>();
    t.put("policy", Topology.HubAndSpoke.NAME);
    List<Object> hubs = new ArrayList<>();
    for (int n : hs.hubs()) {
      hubs.add(
          site.hosts().stream()
              .filter(h -> h.number() == n)
              .<Object>map(HostEntry::hostname)
              .findFirst()
              .orElse(n));
    }
    t.put("hubs", hubs);
    if (hs.hubsPerSpoke() > 0) {
      t.put("hubs-per-spoke", hs.hubsPerSpoke());
    }
    return t;
  }

  /** {@code overlay: vxlan:} with the port and IPv6 network written as the defaults allow. */
  private static Map<String, Object> overlay(VxlanOverlay o, MeshSettings s) {
    Map<String, Object> vx = new LinkedHashMap<>();
    vx.put("vni", o.vni());
    vx.put("port", o.port());
    o.ipv4().ifPresent(p -> vx.put("ipv4", p.toString()));
    vx.put(
        "ipv6",
        o.ipv6().equals(Addressing.overlayNetwork6(s.tunnelPrefix()))
            ? SiteSpec.DEFAULT_OVERLAY_IPV6
            : o.ipv6().toString());
    return Map.of("vxlan", vx);
  }

  /** The YAML text for {@code site}: keys in a fixed order, hosts by number. */
  static String render(Site site) {
    MeshSettings s = site.settings();
    Map<String, Object> m = new LinkedHashMap<>();
    m.put("version", SiteSpec.VERSION);
    m.put("domain", s.domain());
    m.put("locus", s.locus());
    m.put("tunnel-prefix", s.tunnelPrefix().toString());
    m.put("portbase", s.portbase());
    m.put("asn-range", site.asnRange().toString());
    m.put("allowed-lan-prefixes", s.allowedLanPrefixes().stream().map(Object::toString).toList());
    m.put("topology", topology(site));
    // Link settings only when set, so a site that sets none keeps its file as it was.
    s.links().mtu().ifPresent(mtu -> m.put("mtu", mtu));
    if (s.links().keepalive() != LinkSettings.DEFAULT.keepalive()) {
      m.put("keepalive", s.links().keepalive());
    }
    if (s.links().bfd() != LinkSettings.DEFAULT.bfd()) {
      m.put("bfd", s.links().bfd().text());
    }
    // The overlay only when set, so a site without one keeps its file as it was.
    s.overlay().ifPresent(o -> m.put(SiteSpec.OVERLAY, overlay(o, s)));
    m.put("publish", site.publishTarget());
    m.put("ttl", site.ttl().getSeconds());
    m.put("record-lifetime", Durations.format(site.recordLifetime()));
    site.keyPolicy()
        .groupKeyMaxAge()
        .ifPresent(d -> m.put("group-key-max-age", Durations.format(d)));
    site.keyPolicy()
        .keySwitchDelay()
        .ifPresent(d -> m.put("key-switch-delay", Durations.format(d)));
    Map<String, Object> keys = new LinkedHashMap<>();
    keys.put("signing-public", site.keys().signing().publicKey().toBase64());
    keys.put("box-public", site.keys().box().publicKey().toBase64());
    site.keyPolicy()
        .roll()
        .ifPresent(
            r -> {
              keys.put("next-signing-public", r.nextSigning().publicKey().toBase64());
              keys.put("next-box-public", r.nextBox().publicKey().toBase64());
              keys.put("roll-at", r.at().toString());
            });
    // Only an imported site that still has the original's key names it (issue 26), so every other
    // site file stays as it was.
    site.originalKey().ifPresent(k -> keys.put(SiteSpec.ORIGINAL_PUBLIC, k.publicKey().toBase64()));
    m.put("site-keys", keys);
    List<Object> hosts = new ArrayList<>();
    for (HostEntry h : site.hosts()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("uuid", h.uuid().toString());
      e.put("hostname", h.hostname());
      e.put("number", h.number());
      e.put("asn", h.asn());
      e.put("public-key", h.publicKey().toBase64());
      e.put("endpoints", h.endpoints().stream().map(Object::toString).toList());
      e.put("lan-prefixes", h.lanPrefixes().stream().map(Object::toString).toList());
      if (!h.sharedLans().isEmpty()) {
        e.put("shared-lans", h.sharedLans().stream().map(Object::toString).toList());
      }
      h.hpkePublic().ifPresent(k -> e.put("hpke-public", k.toBase64()));
      h.keySwitch()
          .ifPresent(
              ks -> {
                e.put("previous-key", ks.from().toBase64());
                e.put("key-switch-at", ks.at().toString());
              });
      h.enrolledAs().ifPresent(id -> e.put("enrolled-as", id));
      // Not h.observed(): where peers see a host is state learned from their reports (issue 24),
      // published in its record; the site file keeps only what the admin approved.
      hosts.add(e);
    }
    m.put("hosts", hosts);
    List<Object> retired = new ArrayList<>();
    for (RetiredHost r : site.retired()) {
      Map<String, Object> e = new LinkedHashMap<>();
      e.put("number", r.number());
      e.put("uuid", r.uuid().toString());
      retired.add(e);
    }
    m.put("retired", retired);
    // Only a site that has the section writes it, so every other site file stays as it was.
    site.enrolment().ifPresent(p -> m.put(EnrolmentSpec.KEY, EnrolmentSpec.render(p)));
    // Likewise the clients section (issue 25).
    if (site.clients().present()) {
      m.put(ClientSpec.KEY, ClientSpec.render(site.clients()));
    }
    site.names().ifPresent(p -> m.put(NamesSpec.KEY, NamesSpec.render(p)));
    String keyFiles =
        site.originalKey().isPresent()
            ? "the .sign.key, .box.key and\n# .original.key"
            : "the .sign.key and .box.key\n#";
    return "# wgmesh site file: see docs/site-file.md. Private keys are in "
        + keyFiles
        + " files beside this one (never in here). Edit with care; 'wgsite FILE' validates.\n"
        + YamlDocuments.dump(m);
  }
}
