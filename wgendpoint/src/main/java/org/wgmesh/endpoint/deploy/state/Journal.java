package org.wgmesh.endpoint.deploy.state;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The record of a deploy in progress, written before the first mutation. When a run finds one, the
 * previous run was interrupted: it restores {@link #replaced} from the backups, deletes {@link
 * #added}, then deploys again with every component reloaded.
 *
 * @param replaced files the run changed or removed (each has a copy in {@code backup/})
 * @param added files the run created (they did not exist before)
 * @param createdNamespace whether the run created the namespace
 * @param trustMoved the trust interface, once the run is about to move it into the namespace
 *     (written before the move, so --down can give it back its addresses after a crash)
 * @param trustAddresses its addresses before the move
 * @param trustWasUp whether it was up before the move
 * @param startsShorewall whether the run starts Shorewall (it was not running)
 */
public record Journal(
    List<Path> replaced,
    List<Path> added,
    boolean createdNamespace,
    String trustMoved,
    List<String> trustAddresses,
    boolean trustWasUp,
    boolean startsShorewall) {
  public Journal {
    replaced = List.copyOf(replaced);
    added = List.copyOf(added);
    trustAddresses = List.copyOf(trustAddresses);
  }

  public Journal(List<Path> replaced, List<Path> added, boolean createdNamespace) {
    this(replaced, added, createdNamespace, "", List.of(), false, false);
  }

  /** This journal, noting that {@code iface} with {@code addresses} is being moved. */
  public Journal movingTrust(String iface, List<String> addresses, boolean up) {
    return new Journal(replaced, added, createdNamespace, iface, addresses, up, startsShorewall);
  }

  /** This journal, noting that the run starts Shorewall (so --down clears it after a crash). */
  public Journal startingShorewall() {
    return new Journal(
        replaced, added, createdNamespace, trustMoved, trustAddresses, trustWasUp, true);
  }

  public Properties toProperties() {
    Properties p = new Properties();
    for (int i = 0; i < replaced.size(); i++) {
      p.setProperty("replaced." + i, replaced.get(i).toString());
    }
    for (int i = 0; i < added.size(); i++) {
      p.setProperty("added." + i, added.get(i).toString());
    }
    p.setProperty("namespace.created", Boolean.toString(createdNamespace));
    p.setProperty("shorewall.starting", Boolean.toString(startsShorewall));
    p.setProperty("trust.moved", trustMoved);
    p.setProperty("trust.addresses", String.join(",", trustAddresses));
    p.setProperty("trust.wasUp", Boolean.toString(trustWasUp));
    return p;
  }

  public static Journal fromProperties(Properties p) {
    String addrs = p.getProperty("trust.addresses", "");
    return new Journal(
        list(p, "replaced."),
        list(p, "added."),
        Boolean.parseBoolean(p.getProperty("namespace.created", "false")),
        p.getProperty("trust.moved", ""),
        addrs.isEmpty() ? List.of() : List.of(addrs.split(",")),
        Boolean.parseBoolean(p.getProperty("trust.wasUp", "false")),
        Boolean.parseBoolean(p.getProperty("shorewall.starting", "false")));
  }

  private static List<Path> list(Properties p, String prefix) {
    List<Path> out = new ArrayList<>();
    for (int i = 0; p.containsKey(prefix + i); i++) {
      out.add(Path.of(p.getProperty(prefix + i)));
    }
    return out;
  }
}
