package org.wgmesh.site.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Iterator;
import java.util.Locale;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;

/**
 * The body of {@code POST /v1/enrol}: {@code {"blob": "<registration blob>", "token": "<join
 * token>"}}, the token optional. Parsed strictly: one JSON object, no other fields, both strings,
 * each within its length; anything else is a {@link BadRequestException} naming the field. What the
 * blob and the token say is the decider's business, not the parser's.
 *
 * @param blob the registration blob's text, as {@code wghost} prints it (not yet decoded)
 * @param token the join token, when the host enrols with one; a secret: never logged or printed
 */
public record EnrolmentBody(String blob, Optional<String> token) {
  /** Longer than any registration blob (RegistrationBlob's text limit is 8192 characters). */
  public static final int MAX_BLOB_CHARS = 8192;

  /** Join tokens are short; this only bounds what a client can make the service hold. */
  public static final int MAX_TOKEN_CHARS = 256;

  private static final int MAX_FIELD_NAME_CHARS = 64;

  private static final Set<String> FIELDS = Set.of("blob", "token");

  public EnrolmentBody {
    Objects.requireNonNull(blob, "blob");
    Objects.requireNonNull(token, "token");
  }

  /**
   * Parses a request body.
   *
   * @param raw the body's bytes, already within the service's body-size limit
   * @throws BadRequestException naming {@code body}, {@code blob} or {@code token}; nothing else
   */
  public static EnrolmentBody parse(byte[] raw) {
    JsonNode root = RequestJson.read(raw);
    if (!root.isObject()) {
      throw new BadRequestException("body", "not a JSON object but " + kind(root));
    }
    for (Iterator<String> names = root.fieldNames(); names.hasNext(); ) {
      String name = names.next();
      if (!FIELDS.contains(name)) {
        throw new BadRequestException(
            shortened(name), "unknown field (the API takes \"blob\" and, optionally, \"token\")");
      }
    }
    JsonNode blob = root.get("blob");
    if (blob == null) {
      throw new BadRequestException("blob", "missing (the registration blob wghost printed)");
    }
    String blobText = text("blob", blob, MAX_BLOB_CHARS);
    if (blobText.isBlank()) {
      throw new BadRequestException("blob", "empty");
    }
    JsonNode token = root.get("token");
    Optional<String> tokenText =
        token == null ? Optional.empty() : Optional.of(text("token", token, MAX_TOKEN_CHARS));
    if (tokenText.isPresent() && tokenText.get().isEmpty()) {
      throw new BadRequestException("token", "empty (leave the field out to enrol without one)");
    }
    return new EnrolmentBody(blobText, tokenText);
  }

  private static String text(String field, JsonNode node, int maxChars) {
    if (!node.isTextual()) {
      throw new BadRequestException(field, "must be a string, not " + kind(node));
    }
    String value = node.textValue();
    if (value.length() > maxChars) {
      throw new BadRequestException(
          field, value.length() + " characters, at most " + maxChars + " are accepted");
    }
    return value;
  }

  /** An unknown field's name as the error shows it: a client chooses it, so it is bounded. */
  private static String shortened(String name) {
    return name.length() <= MAX_FIELD_NAME_CHARS
        ? name
        : name.substring(0, MAX_FIELD_NAME_CHARS) + "...";
  }

  private static String kind(JsonNode node) {
    return node.getNodeType().name().toLowerCase(Locale.ROOT);
  }

  /** Never shows the token: records print their components, and this one is a secret. */
  @Override
  public String toString() {
    return "EnrolmentBody[blob=" + blob.length() + " characters, token=" + tokenShown() + "]";
  }

  private String tokenShown() {
    return token.isPresent() ? "(present, not shown)" : "(none)";
  }
}
