package org.wgmesh.endpoint.source;

import java.nio.file.Path;
import java.time.Clock;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;
import java.util.function.Supplier;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.DnsSource;
import org.wgmesh.core.dns.DnsSources;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.model.MeshView;
import org.wgmesh.core.record.MeshReader;
import org.wgmesh.core.record.SeenSerials;
import org.wgmesh.endpoint.config.HostKeyring;
import org.wgmesh.endpoint.config.HostKeys;
import org.wgmesh.endpoint.settings.EndpointConfig;

/**
 * Reads and verifies the mesh for an enrolled endpoint: the records come from the resolver or zone
 * file of its endpoint file (or an override), are verified against its pinned site key and opened
 * with its host key, and must not be older than what it accepted before. The serials accepted are
 * kept in {@code <state>/<domain>.seen} (mode 0600); this class only reads that file, and the
 * deploy writes the new serials after a read verified completely (a dry run does not).
 */
public final class EndpointMeshSource implements MeshSource {
  private final MeshReader reader;
  private final Function<EndpointConfig, DnsSource> sources;

  /** Reads through the source the endpoint file names (resolver, zone file, or the system's). */
  public EndpointMeshSource() {
    this(Clock.systemUTC());
  }

  /** {@link #EndpointMeshSource()} with {@code clock} deciding what has expired. */
  public EndpointMeshSource(Clock clock) {
    this(
        new MeshReader(clock, MeshReader.DEFAULT_PARALLELISM),
        EndpointMeshSource::configuredSource);
  }

  /**
   * @param reader verifies the records (its clock decides expiry)
   * @param sources the DNS source for an endpoint configuration
   */
  public EndpointMeshSource(MeshReader reader, Function<EndpointConfig, DnsSource> sources) {
    this.reader = Objects.requireNonNull(reader, "reader");
    this.sources = Objects.requireNonNull(sources, "sources");
  }

  /** Reads through {@code resolver} when given, else as the endpoint file says. */
  public static EndpointMeshSource withResolver(Optional<String> resolver) {
    return withResolver(resolver, Clock.systemUTC());
  }

  /** {@link #withResolver(Optional)} with {@code clock} deciding what has expired. */
  public static EndpointMeshSource withResolver(Optional<String> resolver, Clock clock) {
    if (resolver.isEmpty()) {
      return new EndpointMeshSource(clock);
    }
    return new EndpointMeshSource(
        new MeshReader(clock, MeshReader.DEFAULT_PARALLELISM),
        c -> DnsSources.fromOptions(resolver, Optional.empty()));
  }

  /** The source an endpoint file asks for. */
  public static DnsSource configuredSource(EndpointConfig config) {
    return DnsSources.fromOptions(config.resolver(), config.zoneFile());
  }

  /** {@code <state>/<domain>.seen}. */
  public static Path seenFile(EndpointConfig config) {
    return config.roots().seenFile(config.domain().toString());
  }

  /**
   * Fetches and verifies the mesh view of {@code config.domain()}.
   *
   * @throws org.wgmesh.core.error.RecordException when a record is missing, forged, expired,
   *     replayed, or this host is not a member yet
   * @throws org.wgmesh.core.error.DnsException when DNS cannot be read
   * @throws FileException when the host key or the serials file cannot be read
   * @throws org.wgmesh.core.error.ConfigException when the serials file is malformed
   */
  @Override
  public Read read(EndpointConfig config, X25519PrivateKey hostKey) {
    return read(config, hostKey, () -> HostKeys.readHpke(config.hostKey(), config.domain()));
  }

  /** As {@link #read(EndpointConfig, X25519PrivateKey)}, with the HPKE key {@code keys} hold. */
  @Override
  public Read read(EndpointConfig config, X25519PrivateKey hostKey, HostKeyring keys) {
    return read(config, hostKey, keys::hpke);
  }

  private Read read(
      EndpointConfig config, X25519PrivateKey hostKey, Supplier<Optional<X25519PrivateKey>> hpke) {
    Path seenFile = seenFile(config);
    SeenSerials seen = SeenSerials.read(seenFile);
    MeshView view =
        reader.read(
            sources.apply(config),
            config.domain().toString(),
            config.siteSigningKey(),
            hostKey,
            hpke.get(),
            seen);
    // Only a complete, verified read moves the serials forward (the reader updated `seen`).
    return new Read(view, seenFile, seen.toText());
  }
}
