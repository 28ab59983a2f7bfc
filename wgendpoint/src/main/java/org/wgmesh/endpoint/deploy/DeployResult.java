package org.wgmesh.endpoint.deploy;

import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.exec.Command;
import org.wgmesh.endpoint.deploy.apply.FileChange;

/**
 * What a deploy (or {@code --down}) did, or under dry-run would do.
 *
 * @param dryRun whether nothing was changed on purpose
 * @param namespace the namespace deployed
 * @param backend the WireGuard backend used ({@code kernel}, {@code wireguard-go}), empty for down
 * @param files the file changes (contents of secret files are never kept in messages)
 * @param commands the mutating commands run (or, under dry-run, that would run), in order
 * @param recovered whether an interrupted earlier run was rolled back first
 */
public record DeployResult(
    boolean dryRun,
    String namespace,
    String backend,
    List<FileChange> files,
    List<Command> commands,
    boolean recovered) {
  public DeployResult {
    files = List.copyOf(files);
    commands = List.copyOf(commands);
  }

  /** Whether the run changed (or would change) nothing. */
  public boolean unchanged() {
    return files.isEmpty() && commands.isEmpty();
  }

  /**
   * A human-readable report: the file diff (secret files: which lines changed is not shown, only
   * that they changed) and the commands.
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (FileChange c : files) {
      out.add(c.kind().name().toLowerCase(java.util.Locale.ROOT) + " " + c.path());
      if (c.secret()) {
        out.add("  (holds a private key: content not shown)");
        continue;
      }
      String before = c.before().orElse("");
      String after = c.desired().map(f -> f.content()).orElse("");
      for (String line : org.wgmesh.endpoint.deploy.apply.Diffs.lines(before, after)) {
        out.add("  " + line);
      }
    }
    for (Command c : commands) {
      out.add((dryRun ? "would run: " : "ran: ") + c.display());
    }
    return out;
  }
}
