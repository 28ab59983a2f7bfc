package org.wgmesh.core.enrolment;

import java.util.Locale;
import org.wgmesh.core.error.InputException;

/** What happens to an accepted enrolment: admitted at once, or queued for a human. */
public enum Admit {
  AUTO,
  QUEUE;

  /** The text in the site file: {@code auto} or {@code queue}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Parses {@code auto} or {@code queue}.
   *
   * @throws InputException naming {@code what} for anything else
   */
  public static Admit parse(String text, String what) {
    for (Admit a : values()) {
      if (a.text().equals(text)) {
        return a;
      }
    }
    throw new InputException(what, "'" + text + "' is not auto or queue", "write auto or queue");
  }
}
