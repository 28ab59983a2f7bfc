package org.wgmesh.endpoint.config;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;
import org.wgmesh.core.net.DomainName;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * What {@code wgconfig} was asked to do. Settings not changed keep the value in the existing file
 * (or the default on first run). Only what the enrolment itself needs is a field; every other
 * setting is a change to the {@link EndpointConfig.Builder}, so a new setting needs no field here.
 *
 * @param domain the mesh domain
 * @param configDir the directory of the endpoint file
 * @param siteFingerprint the site fingerprint to pin, checked before anything is accepted
 * @param resolver {@code --resolver}: read the records there, now and later
 * @param zoneFile {@code --zone-file}: read them from this file, now and later
 * @param changes the settings given, applied in order to the stored (or default) configuration
 */
public record EnrolOptions(
    DomainName domain,
    Path configDir,
    Optional<String> siteFingerprint,
    Optional<String> resolver,
    Optional<Path> zoneFile,
    List<Consumer<EndpointConfig.Builder>> changes) {
  public EnrolOptions {
    Objects.requireNonNull(domain, "domain");
    Objects.requireNonNull(configDir, "configDir");
    Objects.requireNonNull(siteFingerprint, "siteFingerprint");
    Objects.requireNonNull(resolver, "resolver");
    Objects.requireNonNull(zoneFile, "zoneFile");
    changes = List.copyOf(changes);
  }

  /** Only the domain and directory: re-reads the mesh record and keeps every setting. */
  public static EnrolOptions of(DomainName domain, Path configDir) {
    return new EnrolOptions(
        domain, configDir, Optional.empty(), Optional.empty(), Optional.empty(), List.of());
  }

  /** These options with one more setting change. */
  public EnrolOptions with(Consumer<EndpointConfig.Builder> change) {
    List<Consumer<EndpointConfig.Builder>> all = new ArrayList<>(changes);
    all.add(change);
    return new EnrolOptions(domain, configDir, siteFingerprint, resolver, zoneFile, all);
  }
}
