package org.wgmesh.core.cli;

import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * The streams a command talks through: data on {@code out}, diagnostics on {@code err}, answers to
 * prompts from {@code in}. Injected, never global, so tests run commands in-process.
 */
public final class Io {
  private final BufferedReader in;
  private final PrintWriter out;
  private final PrintWriter err;
  private final boolean interactive;

  public Io(InputStream in, OutputStream out, OutputStream err, boolean interactive) {
    this.in = new BufferedReader(new InputStreamReader(in, StandardCharsets.UTF_8));
    // wgmesh's data output is text (tables, JSON, base64 blobs) without control characters, so the
    // same net goes under stdout: a value from input printed as data cannot reach the terminal raw.
    this.out =
        new PrintWriter(
            new EscapingWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8)), true);
    // Diagnostics quote input: the escaping writer keeps control characters off the terminal.
    // Both nets are under SafeText, which the messages themselves pass (issue 19).
    this.err =
        new PrintWriter(
            new EscapingWriter(new OutputStreamWriter(err, StandardCharsets.UTF_8)), true);
    this.interactive = interactive;
  }

  /** The process's own streams; interactive when a console is attached. */
  public static Io system() {
    return new Io(System.in, System.out, System.err, System.console() != null);
  }

  public BufferedReader in() {
    return in;
  }

  public PrintWriter out() {
    return out;
  }

  public PrintWriter err() {
    return err;
  }

  /** Whether a person can answer prompts (a terminal is attached). */
  public boolean interactive() {
    return interactive;
  }
}
