package org.wgmesh.core.io;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Locale;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.WgmeshException;

/**
 * Reads an input file whole only when it is within a size limit, checked before anything is parsed,
 * so no file can make a command slow or run it out of memory (issue 19). The size is checked twice:
 * from the file's attributes first, and while reading, which stops at one byte over the limit (a
 * FIFO or a file that grows while read).
 */
public final class BoundedFiles {
  /**
   * A size limit and what it is for.
   *
   * @param name names the limit in the refusal, e.g. {@code site-file size limit}
   * @param maxBytes the largest size accepted
   * @param refusal makes the exception for a file over the limit or not UTF-8 (its exit code)
   */
  public record Limit(String name, long maxBytes, Refusal refusal) {
    /** The limit as a person reads it, e.g. {@code 16 MiB}. */
    public String size() {
      return human(maxBytes);
    }

    /** The refusal of a source of {@code actual} bytes (or more, when not known exactly). */
    public WgmeshException over(String source, String actual) {
      return refusal.of(
          source,
          actual + ", over the " + name + " of " + size() + " (" + maxBytes + " bytes)",
          "is this the right file? the limits and why are in docs/site-file.md, \"Size limits\"");
    }
  }

  /** Makes the refusal; {@code ConfigException::new} or {@code InputException::new}. */
  @FunctionalInterface
  public interface Refusal {
    WgmeshException of(String what, String why, String hint);
  }

  private BoundedFiles() {}

  /**
   * The file's bytes.
   *
   * @throws FileException when it does not exist or cannot be read
   * @throws WgmeshException from {@code limit.refusal()} when it is over the limit
   */
  public static byte[] readBytes(Path file, Limit limit) {
    checkSize(file, limit);
    try (InputStream in = Files.newInputStream(file)) {
      byte[] raw = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, limit.maxBytes() + 1));
      if (raw.length > limit.maxBytes()) {
        throw limit.over(file.toString(), "the file is larger than " + limit.size());
      }
      return raw;
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "does not exist");
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }

  /**
   * Refuses a regular file over the limit from its size alone, for readers that stream the file
   * themselves (dnsjava's zone parser); other files are checked while read.
   *
   * @throws FileException when its size cannot be read
   * @throws WgmeshException from {@code limit.refusal()} when it is over the limit
   */
  public static void checkSize(Path file, Limit limit) {
    try {
      if (Files.isRegularFile(file) && Files.size(file) > limit.maxBytes()) {
        throw limit.over(file.toString(), "the file is " + human(Files.size(file)));
      }
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "does not exist");
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
  }

  /**
   * The file as UTF-8 text.
   *
   * @throws FileException when it does not exist or cannot be read
   * @throws WgmeshException from {@code limit.refusal()} when it is over the limit or not UTF-8
   */
  public static String readUtf8(Path file, Limit limit) {
    byte[] raw = readBytes(file, limit);
    try {
      return StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      throw limit.refusal().of(file.toString(), "not UTF-8 text", null);
    }
  }

  /** {@code 16 MiB}, {@code 512 KiB}, {@code 300 bytes}: the largest unit that divides evenly. */
  public static String human(long bytes) {
    if (bytes >= 1 << 20 && bytes % (1 << 20) == 0) {
      return (bytes >> 20) + " MiB";
    }
    if (bytes >= 1 << 20) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (double) (1 << 20));
    }
    if (bytes >= 1 << 10 && bytes % (1 << 10) == 0) {
      return (bytes >> 10) + " KiB";
    }
    return bytes + " bytes";
  }
}
