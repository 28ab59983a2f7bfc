package org.wgmesh.core.testing;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.function.Function;
import org.wgmesh.core.cli.Cli;
import org.wgmesh.core.cli.Io;

/**
 * Runs one command in process the way its launcher does ({@link Cli#run}), with standard input
 * given and what it printed kept: the command tests' one way to call a command.
 */
public final class CliRun {
  /** The exit code and what the command printed on stdout and stderr. */
  public record Result(int rc, String out, String err) {}

  private CliRun() {}

  /** Runs the command {@code factory} makes, with no input and no terminal. */
  public static Result run(Function<Io, Object> factory, String... args) {
    return run(factory, "", false, args);
  }

  /** Runs the command {@code factory} makes, reading {@code stdin}; a terminal if interactive. */
  public static Result run(
      Function<Io, Object> factory, String stdin, boolean interactive, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Io io =
        new Io(
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            out,
            err,
            interactive);
    int rc = Cli.run(factory, io, args);
    return new Result(
        rc, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }
}
