package org.wgmesh.endpoint.deploy.steps;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.wgmesh.core.exec.Command;

/**
 * One change a {@link Step} makes to the host, as data: the planner decides, {@link HostEffects}
 * carries it out, a dry run only describes it. Contents of secret files are never part of a
 * description.
 */
public sealed interface Effect {
  /** What it does, for dry runs and messages. */
  String describe();

  /** Runs a command; unless {@code tolerateFailure}, a non-zero exit fails the step. */
  record Run(Command command, boolean tolerateFailure) implements Effect {
    public Run {
      Objects.requireNonNull(command, "command");
    }

    public static Run of(Command command) {
      return new Run(command, false);
    }

    /** A command whose failure is fine (deleting what may be gone already). */
    public static Run tolerant(Command command) {
      return new Run(command, true);
    }

    @Override
    public String describe() {
      return "run: " + command.display();
    }
  }

  /**
   * Runs a tool's own check of a staged file ({@code bird -p -c}, {@code shorewall check}); a
   * failure names the file and the template it came from.
   */
  record Validate(Command command, Path target, String template) implements Effect {
    @Override
    public String describe() {
      return "check: " + command.display();
    }
  }

  /**
   * Runs independent checks or commands side by side (BIRD's parse check, the Shorewall and
   * Shorewall6 compilers, {@code nft -c}): with two cores the slowest decides instead of the sum.
   * Every member runs to its end; the first failure in list order then fails the step.
   */
  record Together(List<Effect> effects) implements Effect {
    public Together {
      effects = List.copyOf(effects);
    }

    @Override
    public String describe() {
      return "together: " + String.join("; ", effects.stream().map(Effect::describe).toList());
    }
  }

  /** {@code birdc configure}, which exits 0 even when BIRD refuses the file: its answer decides. */
  record ConfigureBird(Command command) implements Effect {
    @Override
    public String describe() {
      return "run: " + command.display();
    }
  }

  /**
   * Polls {@code probe} (a query) until it succeeds and prints {@code expect}; fails the step after
   * the waiter's time limit, quoting the end of {@code log} (the file the daemon writes, when it
   * writes one) so that the error says why it did not come up.
   */
  record Await(Command probe, String expect, String subject, String hint, Optional<Path> log)
      implements Effect {
    @Override
    public String describe() {
      return "wait for " + subject;
    }
  }

  /** Ends the process whose PID {@code pidFile} holds, if it still runs as {@code process}. */
  record StopProcess(Path pidFile, String process) implements Effect {
    @Override
    public String describe() {
      return "stop " + process + " (PID in " + pidFile + ")";
    }
  }

  /** Waits until the process whose PID {@code pidFile} holds has exited. */
  record AwaitExit(Path pidFile, String process) implements Effect {
    @Override
    public String describe() {
      return "wait for " + process + " to exit";
    }
  }

  /**
   * Writes a file atomically with {@code mode}; a file with this content and mode stays untouched.
   */
  record WriteFile(Path path, byte[] content, Set<PosixFilePermission> mode, boolean secret)
      implements Effect {
    public WriteFile {
      mode = Set.copyOf(mode);
    }

    public static WriteFile text(
        Path path, String content, Set<PosixFilePermission> mode, boolean secret) {
      return new WriteFile(path, content.getBytes(StandardCharsets.UTF_8), mode, secret);
    }

    @Override
    public String describe() {
      return "write: " + path + (secret ? " (holds a key: content not shown)" : "");
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof WriteFile w
          && w.path.equals(path)
          && Arrays.equals(w.content, content)
          && w.mode.equals(mode)
          && w.secret == secret;
    }

    @Override
    public int hashCode() {
      return Objects.hash(path, Arrays.hashCode(content), mode, secret);
    }

    @Override
    public String toString() {
      return "WriteFile[" + path + "]";
    }
  }

  /**
   * Copies a file with its mode (a backup, a restore); nothing when {@code from} does not exist.
   */
  record Copy(Path from, Path to) implements Effect {
    @Override
    public String describe() {
      return "copy: " + from + " -> " + to;
    }
  }

  /**
   * Deletes a file or, with {@code tree}, a directory and everything in it; nothing when absent.
   */
  record Delete(Path path, boolean tree) implements Effect {
    public static Delete file(Path p) {
      return new Delete(p, false);
    }

    public static Delete tree(Path p) {
      return new Delete(p, true);
    }

    @Override
    public String describe() {
      return "delete: " + path + (tree ? "/" : "");
    }
  }

  /**
   * Creates a directory and its parents; {@code mode}, when given, is set on the directory itself.
   */
  record MakeDirectory(Path path, Optional<Set<PosixFilePermission>> mode) implements Effect {
    @Override
    public String describe() {
      return "create directory: " + path;
    }
  }

  /** Removes a directory if it is empty; one with files in it (an operator's additions) stays. */
  record RemoveEmptyDirectory(Path path) implements Effect {
    @Override
    public String describe() {
      return "remove if empty: " + path;
    }
  }
}
