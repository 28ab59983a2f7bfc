package org.wgmesh.site;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;

/**
 * Registration blobs as the operator gives them: one blob on the command line, or {@code @FILE}
 * with one blob per line ({@code #} comments and blank lines ignored).
 */
public final class BlobSource {
  /**
   * One blob and where it came from, for messages.
   *
   * @param where "command line" or "FILE line N"
   * @param text the blob text
   */
  public record Blob(String where, String text) {}

  private BlobSource() {}

  /**
   * @param arg the {@code -i} argument
   * @throws FileException when {@code @FILE} cannot be read
   * @throws InputException when it holds no blob
   */
  public static List<Blob> read(String arg) {
    if (!arg.startsWith("@")) {
      return List.of(new Blob("command line", arg));
    }
    Path file = Path.of(arg.substring(1));
    List<String> lines;
    try {
      lines = Files.readAllLines(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "does not exist");
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
    List<Blob> out = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i).strip();
      if (!l.isEmpty() && !l.startsWith("#")) {
        out.add(new Blob(file + " line " + (i + 1), l));
      }
    }
    if (out.isEmpty()) {
      throw new InputException(
          file.toString(),
          "holds no registration blob",
          "put one blob per line; lines starting with # are comments");
    }
    return out;
  }
}
