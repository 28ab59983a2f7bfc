package org.wgmesh.endpoint.deploy;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.wgmesh.core.exec.Command;
import org.wgmesh.endpoint.deploy.steps.FileChange;
import org.wgmesh.endpoint.deploy.steps.LineDiff;
import org.wgmesh.endpoint.deploy.steps.Step;

/**
 * What a deploy (or {@code --down}) did, or in a dry run would do.
 *
 * @param applied whether the steps ran (false for a dry run)
 * @param namespace the namespace deployed
 * @param backend the WireGuard backend used ({@code kernel}, {@code wireguard-go}), empty for down
 * @param files the file changes (contents of secret files are never kept in messages)
 * @param steps the steps, in order
 * @param recovered whether an interrupted earlier run was rolled back first
 */
public record DeployResult(
    boolean applied,
    String namespace,
    String backend,
    List<FileChange> files,
    List<Step> steps,
    boolean recovered) {
  public DeployResult {
    files = List.copyOf(files);
    steps = List.copyOf(steps);
  }

  /** This run followed by {@code next} of the same namespace (a key switch after the deploy). */
  public DeployResult then(DeployResult next) {
    List<FileChange> f = new ArrayList<>(files);
    f.addAll(next.files);
    List<Step> s = new ArrayList<>(steps);
    s.addAll(next.steps);
    return new DeployResult(applied && next.applied, namespace, backend, f, s, recovered);
  }

  /** Whether this was a dry run: nothing was changed on purpose. */
  public boolean dryRun() {
    return !applied;
  }

  /** The commands that change the host, in order (run, or in a dry run that would run). */
  public List<Command> commands() {
    return steps.stream().flatMap(Step::commands).filter(Command::mutates).toList();
  }

  /** Whether the run changed (or would change) no file and ran (or would run) no command. */
  public boolean unchanged() {
    return files.isEmpty() && commands().isEmpty();
  }

  /**
   * A human-readable report: the file diff (secret files: which lines changed is not shown, only
   * that they changed), then each step with its commands.
   */
  public List<String> describe() {
    List<String> out = new ArrayList<>();
    for (FileChange c : files) {
      out.add(c.kind().name().toLowerCase(Locale.ROOT) + " " + c.path());
      if (c.secret()) {
        out.add("  (holds a private key: content not shown)");
        continue;
      }
      String before = c.before().orElse("");
      String after = c.desired().map(f -> f.content()).orElse("");
      for (String line : LineDiff.diff(before, after)) {
        out.add("  " + line);
      }
    }
    for (Step s : steps) {
      out.add("step: " + s.label());
      s.commands()
          .filter(Command::mutates)
          .forEach(c -> out.add((applied ? "ran: " : "would run: ") + c.display()));
    }
    return out;
  }
}
