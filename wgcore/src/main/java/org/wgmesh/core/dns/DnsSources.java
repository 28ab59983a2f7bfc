package org.wgmesh.core.dns;

import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.core.error.UsageException;

/** Builds the one {@link DnsSource} a command's options ask for. */
public final class DnsSources {
  private DnsSources() {}

  /**
   * The source for {@code --resolver} / {@code --zone-file}: the zone file when given, else DNS
   * through the given resolver, else DNS through the system's resolvers ({@code /etc/resolv.conf}).
   *
   * @param resolver {@code IP[:PORT]} of the DNS server to ask
   * @param zoneFile an RFC 1035 zone file to read instead of DNS
   * @throws UsageException when both are given or the resolver address is malformed
   * @throws org.wgmesh.core.error.FileException when the zone file cannot be read
   * @throws org.wgmesh.core.error.InputException when the zone file is malformed
   * @throws org.wgmesh.core.error.DnsException when the system has no resolver configured
   */
  public static DnsSource fromOptions(Optional<String> resolver, Optional<Path> zoneFile) {
    return fromOptions(resolver, zoneFile, DnsjavaSource.Options.defaults());
  }

  /** {@link #fromOptions(Optional, Optional)} with explicit query options for DNS. */
  public static DnsSource fromOptions(
      Optional<String> resolver, Optional<Path> zoneFile, DnsjavaSource.Options options) {
    if (resolver.isPresent() && zoneFile.isPresent()) {
      throw new UsageException(
          "--resolver and --zone-file",
          "cannot be used together: records come either from DNS or from a file",
          "give one of them");
    }
    if (zoneFile.isPresent()) {
      return ZoneFileSource.load(zoneFile.get());
    }
    if (resolver.isPresent()) {
      return DnsjavaSource.of(DnsjavaSource.parseResolver(resolver.get()), options);
    }
    return DnsjavaSource.system(options);
  }
}
