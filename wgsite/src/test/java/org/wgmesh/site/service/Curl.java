package org.wgmesh.site.service;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** {@code curl} against the service: status, headers and body of one request. */
public final class Curl {
  /** What curl saw: its exit code, the HTTP status (0 when none), the headers and the body. */
  public record Result(int exit, int status, String headers, String body, String stderr) {}

  private Curl() {}

  public static Result run(Path dir, List<String> args) throws Exception {
    Path headers = Files.createTempFile(dir, "headers", ".txt");
    Path body = Files.createTempFile(dir, "body", ".txt");
    Path err = Files.createTempFile(dir, "stderr", ".txt");
    List<String> argv =
        new ArrayList<>(
            List.of(
                "curl",
                "-sS",
                "--max-time",
                "20",
                "-D",
                headers.toString(),
                "-o",
                body.toString(),
                "-w",
                "%{http_code}"));
    argv.addAll(args);
    Process p = new ProcessBuilder(argv).redirectError(err.toFile()).start();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new IllegalStateException("curl did not end: " + argv);
    }
    String code = new String(p.getInputStream().readAllBytes(), StandardCharsets.US_ASCII).trim();
    return new Result(
        p.exitValue(),
        code.isEmpty() ? 0 : Integer.parseInt(code),
        Files.readString(headers),
        Files.readString(body),
        Files.readString(err));
  }
}
