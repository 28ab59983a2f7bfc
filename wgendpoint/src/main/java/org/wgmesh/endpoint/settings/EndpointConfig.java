package org.wgmesh.endpoint.settings;

import java.nio.file.Path;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Consumer;
import org.wgmesh.core.crypto.Ed25519PublicKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;

/**
 * An endpoint's own configuration for one mesh: the {@code DIR/<domain>.yaml} file that {@code
 * wgconfig} writes and {@code wghost} and {@code wgdeploy} read ({@code docs/endpoint-file.md}). It
 * holds what the mesh records cannot know (local interfaces and addresses, where the key is) and
 * the site key pinned at enrolment, against which every record is verified.
 *
 * @param domain the mesh domain, lower case without trailing dot
 * @param siteSigningKey the pinned site signing key
 * @param siteBoxKey the site's X25519 key (registration blobs are sealed to it), from the verified
 *     mesh record
 * @param locus the mesh's short name, from the mesh record
 * @param uuid this host's identity in the mesh, generated once
 * @param hostname the name to register; empty means the system host name at the time of use
 * @param netns the network namespace; empty means the locus
 * @param publicInterface the Internet-facing NIC, in the default namespace
 * @param publicAddresses addresses peers send to, best first; empty means this host only dials out
 * @param trustInterface the LAN NIC moved into the namespace
 * @param trustAddresses the LAN NIC's interface addresses (host bits set, e.g. {@code
 *     198.18.1.1/24})
 * @param lanPrefixes prefixes to announce; empty means the networks of {@code trustAddresses}
 * @param hostKey the WireGuard private key file (0600)
 * @param resolver the DNS server ({@code IP[:PORT]}) to read records from; empty means the system's
 * @param zoneFile read records from this zone file instead of DNS
 * @param backend WireGuard implementation
 * @param supervisor who runs BIRD and wireguard-go
 * @param roots where deployed files go (the system paths, or below a prefix for tests)
 * @param templateDir a directory whose templates replace the built-in ones file by file (absolute)
 * @param allowSshFromNet whether the firewall accepts SSH from the Internet side to the router
 * @param firewall which firewall wgdeploy configures
 * @param existingFirewall what the first Shorewall deploy does with the operator's own Shorewall
 *     configuration
 * @param tuning link overrides (MTU, keepalive, BFD) and the router on the mesh
 * @param reportUrl the site's enrolment service ({@code https://HOST:PORT}) that {@code wgdeploy
 *     --check --report} sends health reports to; recorded by {@code wghost --enrol}
 * @param reportCa the CA file the service's certificate must come from (the site TLS pin)
 * @param reportCert the device certificate reports authenticate with (with {@code reportKey})
 * @param reportKey the device certificate's private key
 * @param reportCredential the file (0600) holding the report credential of a token-enrolled host
 */
public record EndpointConfig(
    DomainName domain,
    Ed25519PublicKey siteSigningKey,
    X25519PublicKey siteBoxKey,
    String locus,
    UUID uuid,
    Optional<String> hostname,
    Optional<NamespaceName> netns,
    Optional<InterfaceName> publicInterface,
    List<IpAddress> publicAddresses,
    Optional<InterfaceName> trustInterface,
    List<IpPrefix> trustAddresses,
    List<IpPrefix> lanPrefixes,
    Path hostKey,
    Optional<String> resolver,
    Optional<Path> zoneFile,
    WireGuardBackendChoice backend,
    Supervisor supervisor,
    Roots roots,
    Optional<Path> templateDir,
    boolean allowSshFromNet,
    Firewall firewall,
    ExistingFirewall existingFirewall,
    EndpointTuning tuning,
    Optional<String> reportUrl,
    Optional<Path> reportCa,
    Optional<Path> reportCert,
    Optional<Path> reportKey,
    Optional<Path> reportCredential) {

  /**
   * @throws ConfigException naming the setting that is invalid
   */
  public EndpointConfig {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(siteSigningKey, "siteSigningKey");
    Objects.requireNonNull(siteBoxKey, "siteBoxKey");
    Objects.requireNonNull(locus, "locus");
    Objects.requireNonNull(uuid, "uuid");
    Objects.requireNonNull(hostname, "hostname");
    Objects.requireNonNull(netns, "netns");
    Objects.requireNonNull(publicInterface, "publicInterface");
    Objects.requireNonNull(trustInterface, "trustInterface");
    if (publicInterface.isPresent() && publicInterface.equals(trustInterface)) {
      throw new ConfigException(
          "trust-interface",
          "'" + trustInterface.get() + "' is also the public interface",
          "the trust (LAN) interface is moved into the namespace; use a second interface");
    }
    publicAddresses = List.copyOf(publicAddresses);
    trustAddresses = List.copyOf(trustAddresses);
    lanPrefixes = List.copyOf(lanPrefixes);
    Objects.requireNonNull(hostKey, "hostKey");
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(zoneFile, "zoneFile");
    if (resolver.isPresent() && zoneFile.isPresent()) {
      throw new ConfigException(
          "resolver", "both resolver and zone-file are set", "keep one of them");
    }
    Objects.requireNonNull(backend, "backend");
    Objects.requireNonNull(supervisor, "supervisor");
    Objects.requireNonNull(roots, "roots");
    Objects.requireNonNull(templateDir, "templateDir");
    Objects.requireNonNull(firewall, "firewall");
    Objects.requireNonNull(existingFirewall, "existingFirewall");
    Objects.requireNonNull(tuning, "tuning");
    Objects.requireNonNull(reportUrl, "reportUrl");
    Objects.requireNonNull(reportCa, "reportCa");
    Objects.requireNonNull(reportCert, "reportCert");
    Objects.requireNonNull(reportKey, "reportKey");
    Objects.requireNonNull(reportCredential, "reportCredential");
    if (reportCert.isPresent() != reportKey.isPresent()) {
      throw new ConfigException(
          reportCert.isPresent() ? "report-key" : "report-cert",
          "report-cert and report-key go together",
          "set both, or neither");
    }
  }

  /** The pinned site key's fingerprint ({@code SHA256:...}), as operators compare it. */
  public String siteFingerprint() {
    return siteSigningKey.fingerprint();
  }

  /** The namespace to use: {@link #netns()} or else the locus. */
  public NamespaceName effectiveNetns() {
    return netns.orElseGet(() -> NamespaceName.parse(locus, "locus (the default namespace name)"));
  }

  /**
   * The public interface, which a deploy needs.
   *
   * @throws ConfigException when wgconfig has not set it yet
   */
  public InterfaceName requirePublicInterface() {
    return publicInterface.orElseThrow(
        () ->
            new ConfigException(
                "public-interface",
                "not set for " + domain,
                "set it: wgconfig -i IFACE " + domain));
  }

  /**
   * The trust (LAN) interface, which a deploy needs.
   *
   * @throws ConfigException when wgconfig has not set it yet
   */
  public InterfaceName requireTrustInterface() {
    return trustInterface.orElseThrow(
        () ->
            new ConfigException(
                "trust-interface",
                "not set for " + domain,
                "set it: wgconfig -T IFACE -I ADDRESS/LEN " + domain));
  }

  /**
   * The prefixes to announce: {@link #lanPrefixes()} or else the networks of the trust addresses.
   */
  public List<IpPrefix> effectiveLanPrefixes() {
    if (!lanPrefixes.isEmpty()) {
      return lanPrefixes;
    }
    return trustAddresses.stream().map(IpPrefix::masked).distinct().toList();
  }

  /** A builder holding this config's settings, to change or to read field by field. */
  public Builder toBuilder() {
    return new Builder(this);
  }

  /** A copy with {@code change} applied to a builder of this config. */
  public EndpointConfig with(Consumer<Builder> change) {
    Builder b = toBuilder();
    change.accept(b);
    return b.build();
  }

  /**
   * A builder with every optional setting at its default (the defaults of {@code
   * docs/endpoint-file.md}, which the endpoint file reader applies to absent keys too). The
   * required ones ({@code domain}, the site keys, {@code locus}, {@code uuid}, {@code hostKey})
   * start unset and {@link Builder#build()} refuses them missing.
   */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * A config under construction: a new one ({@link #builder()}) or a copy to change ({@link
   * #with}). Validation happens in {@link #build()}.
   */
  public static final class Builder {
    public DomainName domain;
    public Ed25519PublicKey siteSigningKey;
    public X25519PublicKey siteBoxKey;
    public String locus;
    public UUID uuid;
    public Optional<String> hostname;
    public Optional<NamespaceName> netns;
    public Optional<InterfaceName> publicInterface;
    public List<IpAddress> publicAddresses;
    public Optional<InterfaceName> trustInterface;
    public List<IpPrefix> trustAddresses;
    public List<IpPrefix> lanPrefixes;
    public Path hostKey;
    public Optional<String> resolver;
    public Optional<Path> zoneFile;
    public WireGuardBackendChoice backend;
    public Supervisor supervisor;
    public Roots roots;
    public Optional<Path> templateDir;
    public boolean allowSshFromNet;
    public Firewall firewall;
    public ExistingFirewall existingFirewall;
    public EndpointTuning tuning;
    public Optional<String> reportUrl;
    public Optional<Path> reportCa;
    public Optional<Path> reportCert;
    public Optional<Path> reportKey;
    public Optional<Path> reportCredential;

    private Builder() {
      hostname = Optional.empty();
      netns = Optional.empty();
      publicInterface = Optional.empty();
      publicAddresses = List.of();
      trustInterface = Optional.empty();
      trustAddresses = List.of();
      lanPrefixes = List.of();
      resolver = Optional.empty();
      zoneFile = Optional.empty();
      backend = WireGuardBackendChoice.AUTO;
      supervisor = Supervisor.DIRECT;
      roots = Roots.system();
      templateDir = Optional.empty();
      allowSshFromNet = true;
      firewall = Firewall.SHOREWALL;
      existingFirewall = ExistingFirewall.REFUSE;
      tuning = EndpointTuning.DEFAULT;
      reportUrl = Optional.empty();
      reportCa = Optional.empty();
      reportCert = Optional.empty();
      reportKey = Optional.empty();
      reportCredential = Optional.empty();
    }

    private Builder(EndpointConfig c) {
      domain = c.domain;
      siteSigningKey = c.siteSigningKey;
      siteBoxKey = c.siteBoxKey;
      locus = c.locus;
      uuid = c.uuid;
      hostname = c.hostname;
      netns = c.netns;
      publicInterface = c.publicInterface;
      publicAddresses = c.publicAddresses;
      trustInterface = c.trustInterface;
      trustAddresses = c.trustAddresses;
      lanPrefixes = c.lanPrefixes;
      hostKey = c.hostKey;
      resolver = c.resolver;
      zoneFile = c.zoneFile;
      backend = c.backend;
      supervisor = c.supervisor;
      roots = c.roots;
      templateDir = c.templateDir;
      allowSshFromNet = c.allowSshFromNet;
      firewall = c.firewall;
      existingFirewall = c.existingFirewall;
      tuning = c.tuning;
      reportUrl = c.reportUrl;
      reportCa = c.reportCa;
      reportCert = c.reportCert;
      reportKey = c.reportKey;
      reportCredential = c.reportCredential;
    }

    /**
     * @throws ConfigException naming the setting that is invalid
     * @throws NullPointerException naming a required setting left unset
     */
    public EndpointConfig build() {
      return new EndpointConfig(
          domain,
          siteSigningKey,
          siteBoxKey,
          locus,
          uuid,
          hostname,
          netns,
          publicInterface,
          publicAddresses,
          trustInterface,
          trustAddresses,
          lanPrefixes,
          hostKey,
          resolver,
          zoneFile,
          backend,
          supervisor,
          roots,
          templateDir,
          allowSshFromNet,
          firewall,
          existingFirewall,
          tuning,
          reportUrl,
          reportCa,
          reportCert,
          reportKey,
          reportCredential);
    }
  }
}
