package org.wgmesh.core.original;

import java.util.ArrayList;
import java.util.List;

/** The lines of an {@link ImportReport} as the import collects them. */
final class ImportNotes {
  final List<String> kept = new ArrayList<>();
  final List<ImportReport.Change> changed = new ArrayList<>();
  final List<String> notKept = new ArrayList<>();
  final List<String> excluded = new ArrayList<>();

  void kept(String line) {
    kept.add(line);
  }

  void changed(String subject, Object from, Object to, String why) {
    changed.add(new ImportReport.Change(subject, String.valueOf(from), String.valueOf(to), why));
  }

  void notKept(String line) {
    notKept.add(line);
  }
}
