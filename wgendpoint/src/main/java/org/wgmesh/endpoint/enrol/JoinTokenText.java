package org.wgmesh.endpoint.enrol;

import java.nio.file.Path;
import java.util.Objects;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.io.BoundedFiles;

/**
 * A join token as given on the command line or in a file. Only its form is checked here (the site
 * decides whether it is valid); no message, {@code toString} or log line ever shows it.
 */
public final class JoinTokenText {
  /** The service refuses longer tokens (wgsite's {@code EnrolmentBody.MAX_TOKEN_CHARS}). */
  static final int MAX_CHARS = 256;

  private static final BoundedFiles.Limit LIMIT =
      new BoundedFiles.Limit("token file size limit", 4096, InputException::new);

  private final String secret;

  private JoinTokenText(String secret) {
    this.secret = secret;
  }

  /**
   * The token of {@code --token}.
   *
   * @throws InputException when it is empty, too long or not one word of printable ASCII
   */
  public static JoinTokenText of(String text) {
    return checked(Objects.requireNonNull(text, "text").strip(), "--token");
  }

  /**
   * The token in {@code file} (surrounding white space and one final newline allowed), so it need
   * not be on the command line, where other users see it in the process list.
   *
   * @throws org.wgmesh.core.error.FileException when the file is missing or unreadable
   * @throws InputException when it holds no token or something else
   */
  public static JoinTokenText read(Path file) {
    return checked(BoundedFiles.readUtf8(file, LIMIT).strip(), "--token-file " + file);
  }

  private static JoinTokenText checked(String text, String what) {
    if (text.isEmpty()) {
      throw new InputException(what, "holds no token", "give the token wgsite --token printed");
    }
    if (text.length() > MAX_CHARS) {
      throw new InputException(
          what, "is " + text.length() + " characters long, more than a token's " + MAX_CHARS);
    }
    if (!text.chars().allMatch(c -> c > ' ' && c < 127)) {
      // Not quoted: it may be a token with a typo, which is still mostly secret.
      throw new InputException(
          what,
          "is not one token: it holds white space or characters other than printable ASCII",
          "give the token alone, as wgsite --token printed it");
    }
    return new JoinTokenText(text);
  }

  /** The token itself, for the request body only. */
  String secret() {
    return secret;
  }

  @Override
  public String toString() {
    return "JoinTokenText[hidden]";
  }
}
