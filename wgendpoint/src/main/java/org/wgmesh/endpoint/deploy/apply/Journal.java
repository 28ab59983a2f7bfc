package org.wgmesh.endpoint.deploy.apply;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The record of a deploy in progress, written before the first mutation. When a run finds one, the
 * previous run was interrupted: it restores {@link #replaced} from the backups, deletes
 * {@link #added}, then deploys again with every component reloaded.
 *
 * @param replaced files the run changed or removed (each has a copy in {@code backup/})
 * @param added files the run created (they did not exist before)
 * @param createdNamespace whether the run created the namespace
 */
public record Journal(List<Path> replaced, List<Path> added, boolean createdNamespace) {
  public Journal {
    replaced = List.copyOf(replaced);
    added = List.copyOf(added);
  }

  Properties toProperties() {
    Properties p = new Properties();
    for (int i = 0; i < replaced.size(); i++) {
      p.setProperty("replaced." + i, replaced.get(i).toString());
    }
    for (int i = 0; i < added.size(); i++) {
      p.setProperty("added." + i, added.get(i).toString());
    }
    p.setProperty("namespace.created", Boolean.toString(createdNamespace));
    return p;
  }

  static Journal fromProperties(Properties p) {
    return new Journal(list(p, "replaced."), list(p, "added."),
        Boolean.parseBoolean(p.getProperty("namespace.created", "false")));
  }

  private static List<Path> list(Properties p, String prefix) {
    List<Path> out = new ArrayList<>();
    for (int i = 0; p.containsKey(prefix + i); i++) {
      out.add(Path.of(p.getProperty(prefix + i)));
    }
    return out;
  }
}
