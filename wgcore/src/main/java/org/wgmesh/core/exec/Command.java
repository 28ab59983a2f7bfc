package org.wgmesh.core.exec;

import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * One external process to run: its argv, optional standard input, and whether it changes the host.
 * Read-only commands ({@code wg show}, {@code birdc show ...}) still run under dry-run; mutating
 * ones ({@code ip link add}, {@code wg syncconf}) are only printed.
 *
 * @param argv program and arguments, never a shell string
 * @param stdin bytes for standard input, empty for none; may carry secrets, so it is never printed
 * @param mutates whether running it changes host state
 */
public record Command(List<String> argv, byte[] stdin, boolean mutates) {
  public Command {
    argv = List.copyOf(Objects.requireNonNull(argv, "argv"));
    if (argv.isEmpty()) {
      throw new IllegalArgumentException("argv must name a program");
    }
    Objects.requireNonNull(stdin, "stdin");
  }

  /** A command with nothing on standard input. */
  public Command(List<String> argv, boolean mutates) {
    this(argv, new byte[0], mutates);
  }

  /** A command that changes the host. */
  public static Command change(String... argv) {
    return new Command(List.of(argv), true);
  }

  /** A command that only reads state. */
  public static Command query(String... argv) {
    return new Command(List.of(argv), false);
  }

  /** The same command with {@code input} on stdin. */
  public Command withStdin(byte[] input) {
    return new Command(argv, input, mutates);
  }

  /** The argv joined for messages; stdin is never included. */
  public String display() {
    return String.join(" ", argv);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Command c
        && c.argv.equals(argv)
        && c.mutates == mutates
        && Arrays.equals(c.stdin, stdin);
  }

  @Override
  public int hashCode() {
    return Objects.hash(argv, mutates, Arrays.hashCode(stdin));
  }

  @Override
  public String toString() {
    return (mutates ? "change: " : "query: ") + display();
  }
}
