package org.wgmesh.site;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.BoundedFiles;

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

  /**
   * The largest {@code @FILE} read, checked before reading it (issue 19): 10,000 blobs of the
   * benchmark's hosts are 2.4 MB, and 16 MiB holds 6,000 of the largest valid blobs (2,767
   * characters); a bigger batch can be split into several files.
   */
  public static final long MAX_FILE_BYTES = 16L << 20;

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
    List<String> lines =
        BoundedFiles.readUtf8(
                file,
                new BoundedFiles.Limit("blob-file size limit", MAX_FILE_BYTES, InputException::new))
            .lines()
            .toList();
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
