package org.wgmesh.site.cli;

import java.io.IOException;
import java.util.List;
import java.util.Locale;
import org.wgmesh.core.cli.Io;
import org.wgmesh.core.cli.Reporter;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.UsageException;
import org.wgmesh.site.Confirmation;

/**
 * Asks "[y/N]" on stderr and reads the answer from {@link Io#in()}; {@code --yes} answers for the
 * operator. Without a terminal and without {@code --yes} it refuses rather than guess.
 */
final class PromptConfirmation implements Confirmation {
  private final Io io;
  private final boolean yes;
  private final Reporter reporter;

  PromptConfirmation(Io io, boolean yes, Reporter reporter) {
    this.io = io;
    this.yes = yes;
    this.reporter = reporter;
  }

  @Override
  public boolean confirm(String question, List<String> details) {
    if (yes) {
      details.forEach(d -> reporter.info("%s", d));
      return true;
    }
    // Shown even with -q: this is what the operator approves (or, without a terminal, what was
    // refused).
    details.forEach(io.err()::println);
    if (!io.interactive()) {
      throw new UsageException(
          "confirmation",
          "no terminal to ask on and --yes not given; nothing changed",
          "check the details above, then run again with --yes");
    }
    io.err().print(question + " [y/N] ");
    io.err().flush();
    try {
      String answer = io.in().readLine();
      if (answer == null) {
        io.err().println();
        return false;
      }
      String a = answer.strip().toLowerCase(Locale.ROOT);
      return a.equals("y") || a.equals("yes");
    } catch (IOException e) {
      throw new FileException(
          "standard input", "cannot read the answer: " + e.getMessage(), null, e);
    }
  }
}
