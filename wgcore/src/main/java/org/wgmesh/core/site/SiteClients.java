package org.wgmesh.core.site;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

/**
 * The site file's {@code clients:} section (issue 25): its settings and the clients, ordered by
 * number. {@link #NONE} stands for a site file without the section, which publishes exactly what it
 * published before clients existed.
 *
 * @param present whether the site file has the section
 * @param settings pools, port base, keepalive, DNS
 * @param list the clients, ordered by number
 */
public record SiteClients(boolean present, ClientSettings settings, List<SiteClient> list) {
  /** No {@code clients:} section. */
  public static final SiteClients NONE = new SiteClients(false, ClientSettings.DEFAULT, List.of());

  public SiteClients {
    Objects.requireNonNull(settings, "settings");
    List<SiteClient> sorted = new ArrayList<>(list);
    sorted.sort(Comparator.comparingInt(SiteClient::number));
    list = List.copyOf(sorted);
    if (!present && !list.isEmpty()) {
      throw new IllegalArgumentException("clients without a clients section");
    }
  }

  /** The client named {@code name} (lower case). */
  public Optional<SiteClient> named(String name) {
    return list.stream().filter(c -> c.name().equals(name)).findFirst();
  }

  /** This section with {@code client} added (or replacing the one with its name). */
  public SiteClients with(SiteClient client) {
    List<SiteClient> next = new ArrayList<>(list);
    next.removeIf(c -> c.name().equals(client.name()));
    next.add(client);
    return new SiteClients(true, settings, next);
  }

  /** This section without the client {@code name} (the section stays, even when empty). */
  public SiteClients without(String name) {
    List<SiteClient> next = new ArrayList<>(list);
    next.removeIf(c -> c.name().equals(name));
    return new SiteClients(true, settings, next);
  }
}
