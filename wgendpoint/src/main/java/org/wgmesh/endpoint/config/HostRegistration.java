package org.wgmesh.endpoint.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.crypto.Fingerprint;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.record.SeenSerials;
import org.wgmesh.core.registration.KeyRotation;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * {@code wghost}'s service: makes sure the host key exists (creating it, 0600, on first use) and
 * seals this host's registration (uuid, host name, public key, public addresses, LAN prefixes) to
 * the pinned site's box key. Works offline: everything comes from the endpoint file.
 */
public final class HostRegistration {
  private final Reporter reporter;
  private final Clock clock;
  private final Supplier<String> systemHostname;

  /** With the system clock and the kernel's host name. */
  public HostRegistration(Reporter reporter) {
    this(reporter, Clock.systemUTC(), HostRegistration::kernelHostname);
  }

  /** For tests: a fixed clock and host name. */
  public HostRegistration(Reporter reporter, Clock clock, Supplier<String> systemHostname) {
    this.reporter = Objects.requireNonNull(reporter, "reporter");
    this.clock = Objects.requireNonNull(clock, "clock");
    this.systemHostname = Objects.requireNonNull(systemHostname, "systemHostname");
  }

  /**
   * What one run made.
   *
   * @param registration what the blob holds
   * @param blob the registration blob (base64url, one line)
   * @param keyCreated whether the host key was created now
   */
  public record Result(Registration registration, String blob, boolean keyCreated) {}

  /**
   * Creates the host key if missing and returns the registration blob for {@code domain}.
   *
   * @throws org.wgmesh.core.error.FileException when the endpoint file is missing (hint: wgconfig)
   *     or the key file cannot be read or written
   * @throws ConfigException when the endpoint file is invalid or the host name cannot be used
   */
  public Result register(Path configDir, DomainName domain) {
    return register(configDir, domain, List.of());
  }

  /**
   * As {@link #register(Path, DomainName)}, listing this host's addresses on shared LANs: each
   * {@code ADDRESS/LENGTH}, or {@code trust} for the trust interface's addresses.
   *
   * @throws org.wgmesh.core.error.InputException when a shared LAN is not an interface address
   */
  public Result register(Path configDir, DomainName domain, List<String> sharedLanArgs) {
    EndpointConfig config = EndpointFile.load(EndpointPaths.path(configDir, domain), domain);
    HostKeys.Loaded key = HostKeys.readOrCreate(config.hostKey(), config.domain());
    if (key.created()) {
      reporter.info("created host key %s (mode 0600)", config.hostKey());
    }
    X25519PrivateKey hostKey = key.key();
    X25519PrivateKey hpke = hpkeKey(config);
    Registration r =
        Registration.builder()
            .uuid(config.uuid())
            .hostname(hostname(config))
            .publicKey(hostKey.publicKey())
            .endpoints(config.publicAddresses())
            .lanPrefixes(config.effectiveLanPrefixes())
            .created(clock.instant())
            .sharedLans(sharedLans(config, sharedLanArgs))
            .hpkePublic(hpke.publicKey())
            .build();
    String blob =
        RegistrationBlob.seal(r, hostKey, currentBoxKey(config), config.domain().toString());
    reporter.info(
        "registration for site %s (site key %s):", config.domain(), config.siteFingerprint());
    reporter.info("  hostname:     %s", r.hostname());
    reporter.info("  uuid:         %s", r.uuid());
    reporter.info("  key:          %s", Fingerprint.of(r.publicKey().bytes()));
    reporter.info("  HPKE key:     %s", Fingerprint.of(hpke.publicKey().bytes()));
    reporter.info(
        "  addresses:    %s",
        r.endpoints().isEmpty()
            ? "(none: this host only dials out)"
            : String.join(", ", r.endpoints().stream().map(IpAddress::toString).toList()));
    reporter.info(
        "  LAN prefixes: %s",
        r.lanPrefixes().isEmpty()
            ? "(none)"
            : String.join(", ", r.lanPrefixes().stream().map(IpPrefix::toString).toList()));
    if (!r.sharedLans().isEmpty()) {
      reporter.info(
          "  shared LAN:   %s",
          String.join(", ", r.sharedLans().stream().map(IpPrefix::toString).toList()));
    }
    // What to do with the blob (hand it over, or send it to the enrolment service) is the caller's.
    return new Result(r, blob, key.created());
  }

  /**
   * Starts a host key rotation (issue 12): makes the next WireGuard key ({@code <key>.next}, 0600;
   * kept when it exists, so running it again prints a blob for the same key) and returns a rotation
   * blob, the registration of the new key endorsed by the current one. The current key stays in use
   * until a deploy finds the new one published; then the deploy switches to it.
   *
   * @throws org.wgmesh.core.error.FileException when the host has no key yet (register first)
   */
  public Result rotate(Path configDir, DomainName domain) {
    EndpointConfig config = EndpointFile.load(EndpointPaths.path(configDir, domain), domain);
    X25519PrivateKey old = HostKeys.read(config.hostKey(), config.domain());
    Path pending = HostKeys.pendingFile(config.hostKey());
    HostKeys.Loaded next = HostKeys.readOrCreate(pending, config.domain());
    if (next.created()) {
      reporter.info("created the next host key %s (mode 0600)", pending);
    }
    // A host registered before it had an HPKE key moves over here: the rotation carries one.
    X25519PrivateKey hpke = hpkeKey(config);
    Registration r =
        Registration.builder()
            .uuid(config.uuid())
            .hostname(hostname(config))
            .publicKey(next.key().publicKey())
            .endpoints(config.publicAddresses())
            .lanPrefixes(config.effectiveLanPrefixes())
            .created(clock.instant())
            .sharedLans(List.of())
            .hpkePublic(hpke.publicKey())
            .build();
    String d = config.domain().toString();
    X25519PublicKey box = currentBoxKey(config);
    String blob =
        KeyRotation.endorse(
            RegistrationBlob.seal(r, next.key(), box, d), old, next.key().publicKey(), box, d);
    reporter.info("key rotation for site %s:", d);
    reporter.info("  current key:  %s", Fingerprint.of(old.publicKey().bytes()));
    reporter.info("  next key:     %s", Fingerprint.of(r.publicKey().bytes()));
    reporter.info("  HPKE key:     %s", Fingerprint.of(hpke.publicKey().bytes()));
    reporter.info(
        "hand the line on stdout to the site admin: wgsite -i BLOB wgmesh.yaml (no --replace needed);"
            + " wgpub publishes it with a switch time, at which this host and its peers switch");
    return new Result(r, blob, next.created());
  }

  /** The HPKE key ({@link HostKeys#hpkeFile}), created (0600) when missing; never printed. */
  private X25519PrivateKey hpkeKey(EndpointConfig config) {
    Path file = HostKeys.hpkeFile(config.hostKey(), config.domain());
    HostKeys.Loaded k = HostKeys.readOrCreate(file, config.domain());
    if (k.created()) {
      reporter.info("created HPKE key %s (mode 0600)", file);
    }
    return k.key();
  }

  /**
   * The site box key to seal to: the one the last verified mesh record carried (the endpoint's
   * {@code .seen} file; it changes with a site-key roll), else the endpoint file's.
   */
  private static X25519PublicKey currentBoxKey(EndpointConfig config) {
    Path seen = config.roots().seenFile(config.domain().toString());
    try {
      if (Files.isRegularFile(seen)) {
        return SeenSerials.parse(Files.readString(seen), seen.toString())
            .siteBoxKey()
            .orElse(config.siteBoxKey());
      }
    } catch (IOException e) {
      throw new FileException(seen.toString(), "cannot read: " + e.getMessage(), null, e);
    }
    return config.siteBoxKey();
  }

  private String hostname(EndpointConfig config) {
    if (config.hostname().isPresent()) {
      return config.hostname().get();
    }
    String system = systemHostname.get();
    try {
      return Registration.checkHostname(system, "system host name");
    } catch (InputException e) {
      throw new ConfigException(
          "hostname",
          "the system host name cannot be used: " + e.why(),
          "set one: wgconfig --hostname NAME " + config.domain());
    }
  }

  /** The kernel's host name ({@code /proc/sys/kernel/hostname}); never a DNS lookup. */
  static String kernelHostname() {
    for (Path p : new Path[] {Path.of("/proc/sys/kernel/hostname"), Path.of("/etc/hostname")}) {
      try {
        String h = Files.readString(p).strip();
        if (!h.isEmpty()) {
          return h;
        }
      } catch (IOException e) {
        // try the next source
      }
    }
    return "";
  }

  private static List<IpPrefix> sharedLans(EndpointConfig config, List<String> args) {
    List<IpPrefix> out = new ArrayList<>();
    for (String a : args) {
      if (a.equals("trust")) {
        out.addAll(config.trustAddresses());
        continue;
      }
      IpPrefix p = IpPrefix.parseInterface(a, "--shared-lan");
      if (p.masked().equals(p)) {
        throw new InputException(
            "--shared-lan",
            "'" + a + "' is a network, not this host's address on it",
            "give the address with the prefix length, e.g. 192.168.7.10/24");
      }
      out.add(p);
    }
    return out.stream().distinct().toList();
  }
}
