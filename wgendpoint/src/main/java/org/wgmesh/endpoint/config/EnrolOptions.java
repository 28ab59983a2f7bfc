package org.wgmesh.endpoint.config;

import java.nio.file.Path;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.settings.InterfaceName;
import org.wgmesh.endpoint.settings.NamespaceName;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.endpoint.settings.Roots;
import org.wgmesh.endpoint.settings.Supervisor;
import org.wgmesh.endpoint.settings.WireGuardBackendChoice;

/**
 * What {@code wgconfig} was asked to set. Every setting is optional: an empty one keeps the value
 * in the existing file (or the default on first run); a given one replaces it.
 *
 * @param domain the mesh domain
 * @param configDir the directory of the endpoint file
 * @param siteFingerprint the site fingerprint to pin, checked before anything is accepted
 * @param publicInterface {@code -i}
 * @param trustInterface {@code -T}
 * @param trustAddresses {@code -I}, all of them (interface addresses with host bits)
 * @param publicAddresses {@code --public-address}, all of them; an empty list means none
 * @param lanPrefixes {@code --lan-prefix}; an empty list means the networks of the trust addresses
 * @param netns {@code --netns}
 * @param hostname {@code --hostname}
 * @param hostKey {@code --host-key}
 * @param resolver {@code --resolver}, stored and used for this and later reads
 * @param zoneFile {@code --zone-file}, stored and used instead of DNS
 * @param backend {@code --backend}
 * @param supervisor {@code --supervisor}
 * @param roots {@code --root}: every deployed path below a prefix (tests, simulated hosts)
 * @param templateDir {@code --template-dir}: an absolute directory of override templates, or
 *     (inner empty, from {@code ''}) none any more
 * @param allowSshFromNet {@code --allow-ssh-from-net}
 */
public record EnrolOptions(
    DomainName domain,
    Path configDir,
    Optional<String> siteFingerprint,
    Optional<InterfaceName> publicInterface,
    Optional<InterfaceName> trustInterface,
    Optional<List<IpPrefix>> trustAddresses,
    Optional<List<IpAddress>> publicAddresses,
    Optional<List<IpPrefix>> lanPrefixes,
    Optional<NamespaceName> netns,
    Optional<String> hostname,
    Optional<Path> hostKey,
    Optional<String> resolver,
    Optional<Path> zoneFile,
    Optional<WireGuardBackendChoice> backend,
    Optional<Supervisor> supervisor,
    Optional<Roots> roots,
    Optional<Optional<Path>> templateDir,
    Optional<Boolean> allowSshFromNet) {
  public EnrolOptions {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(configDir, "configDir");
    trustAddresses = trustAddresses.map(List::copyOf);
    publicAddresses = publicAddresses.map(List::copyOf);
    lanPrefixes = lanPrefixes.map(List::copyOf);
  }

  /** Only the domain and directory: re-reads the mesh record and keeps every setting. */
  public static EnrolOptions of(DomainName domain, Path configDir) {
    return new EnrolOptions(domain, configDir, Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(), Optional.empty(),
        Optional.empty(), Optional.empty(), Optional.empty());
  }
}
