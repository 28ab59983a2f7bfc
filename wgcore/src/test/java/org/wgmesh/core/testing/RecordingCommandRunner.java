package org.wgmesh.core.testing;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.function.Function;
import java.util.function.Predicate;
import org.wgmesh.core.exec.Command;
import org.wgmesh.core.exec.CommandResult;
import org.wgmesh.core.exec.CommandRunner;

/**
 * A {@link CommandRunner} for tests that records every command, in order, and either answers from
 * scripted responses or passes commands on to a real runner. Thread-safe for recording.
 *
 * <p>Typical use: assert that a run with nothing to change issued no mutating command: {@code
 * assertThat(recorder.mutations()).isEmpty()}.
 */
public final class RecordingCommandRunner implements CommandRunner {
  private final List<Command> commands = Collections.synchronizedList(new ArrayList<>());
  private final List<Response> responses = new ArrayList<>();
  private final Function<Command, CommandResult> fallback;

  private record Response(Predicate<Command> match, Function<Command, CommandResult> answer) {}

  /** Answers every command not scripted with success and empty output. */
  public RecordingCommandRunner() {
    this(c -> CommandResult.success(""));
  }

  private RecordingCommandRunner(Function<Command, CommandResult> fallback) {
    this.fallback = fallback;
  }

  /** Records, then runs every command not scripted on {@code delegate}. */
  public static RecordingCommandRunner delegatingTo(CommandRunner delegate) {
    return new RecordingCommandRunner(delegate::execute);
  }

  /**
   * Answers commands whose argv starts with {@code argvPrefix} with {@code result}; later rules
   * win.
   */
  public RecordingCommandRunner respond(CommandResult result, String... argvPrefix) {
    return respond(c -> startsWith(c, argvPrefix), c -> result);
  }

  /** Answers commands matching {@code match} with {@code answer}; later rules win. */
  public synchronized RecordingCommandRunner respond(
      Predicate<Command> match, Function<Command, CommandResult> answer) {
    responses.add(0, new Response(match, answer));
    return this;
  }

  @Override
  public CommandResult execute(Command command) {
    commands.add(command);
    Function<Command, CommandResult> answer;
    synchronized (this) {
      answer =
          responses.stream()
              .filter(r -> r.match.test(command))
              .findFirst()
              .map(Response::answer)
              .orElse(fallback);
    }
    return answer.apply(command);
  }

  /** Every command executed so far, in order. */
  public List<Command> commands() {
    synchronized (commands) {
      return List.copyOf(commands);
    }
  }

  /** The commands that change the host ({@link Command#mutates()}), in order. */
  public List<Command> mutations() {
    return commands().stream().filter(Command::mutates).toList();
  }

  /** Forgets the recorded commands (keeps the responses). */
  public void clear() {
    commands.clear();
  }

  /** Whether {@code c}'s argv starts with {@code prefix}. */
  public static boolean startsWith(Command c, String... prefix) {
    List<String> argv = c.argv();
    if (argv.size() < prefix.length) {
      return false;
    }
    for (int i = 0; i < prefix.length; i++) {
      if (!argv.get(i).equals(prefix[i])) {
        return false;
      }
    }
    return true;
  }
}
