package org.wgmesh.core.json;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadFeature;
import com.fasterxml.jackson.core.util.DefaultIndenter;
import com.fasterxml.jackson.core.util.DefaultPrettyPrinter;
import com.fasterxml.jackson.core.util.Separators;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Optional;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.FileException;
import org.wgmesh.core.error.InputException;

/**
 * The one JSON library of wgmesh (Jackson) behind one configured mapper: every JSON document read
 * or written goes through here, so output is the same everywhere and a malformed document is a
 * typed error naming where it came from.
 *
 * <p>Output is stable: the fields of an {@link ObjectNode} come in the order they were put, those
 * of a record in declaration order, and {@link java.util.Map} entries sorted by key, so equal data
 * gives identical text. {@link #write} gives one line, {@link #pretty} two-space indentation with
 * {@code \n} line ends on every platform; neither adds a final line end.
 *
 * <p>Reading is strict: one document, nothing after it, no duplicate keys.
 */
public final class Json {
  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(SerializationFeature.ORDER_MAP_ENTRIES_BY_KEYS)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .build();

  private static final ObjectWriter COMPACT = MAPPER.writer();

  private static final ObjectWriter PRETTY =
      MAPPER.writer(
          new DefaultPrettyPrinter()
              .withObjectIndenter(new DefaultIndenter("  ", "\n"))
              .withArrayIndenter(new DefaultIndenter("  ", "\n"))
              .withSeparators(
                  Separators.createDefaultInstance()
                      .withObjectFieldValueSpacing(Separators.Spacing.AFTER)));

  private Json() {}

  /** A new, empty JSON object to fill with {@code put}; fields keep that order in the output. */
  public static ObjectNode object() {
    return MAPPER.createObjectNode();
  }

  /** A new, empty JSON array. */
  public static ArrayNode array() {
    return MAPPER.createArrayNode();
  }

  /**
   * {@code value} (a {@link JsonNode}, record, map, list, string, number...) as JSON on one line.
   *
   * @throws IllegalArgumentException when {@code value} has no JSON form (a bug in the caller)
   */
  public static String write(Object value) {
    return write(COMPACT, value);
  }

  /**
   * {@code value} as indented JSON ({@code "key": value}, two spaces a level, {@code \n}).
   *
   * @throws IllegalArgumentException when {@code value} has no JSON form (a bug in the caller)
   */
  public static String pretty(Object value) {
    return write(PRETTY, value);
  }

  /**
   * Parses one JSON document, for example the output of {@code ip -j addr}.
   *
   * @param text the document
   * @param what where it came from, for the error: a file, {@code "ip -j addr output"}...
   * @return the document's root (an object, an array or a scalar), never null or missing
   * @throws InputException naming {@code what}, the line and the column when {@code text} is empty
   *     or not exactly one well-formed JSON document
   */
  public static JsonNode readTree(String text, String what) {
    JsonNode root;
    try {
      root = MAPPER.readTree(text);
    } catch (JsonProcessingException e) {
      throw malformed(what, e);
    }
    if (root == null || root.isMissingNode()) {
      throw new InputException(what, "no JSON document (the text is empty)");
    }
    return root;
  }

  /**
   * Reads and parses a JSON file.
   *
   * @throws FileException when the file is missing or unreadable
   * @throws InputException naming the file, line and column when it is not well-formed JSON
   */
  public static JsonNode readTree(Path file) {
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (NoSuchFileException e) {
      throw new FileException(file.toString(), "does not exist", null, e);
    } catch (IOException e) {
      throw new FileException(file.toString(), "cannot read: " + e.getMessage(), null, e);
    }
    return readTree(text, file.toString());
  }

  /**
   * Reads a JSON file that wgmesh writes for itself, marked by a {@code "format"} field (the join
   * tokens, the enrolment queue): its root, or empty when the file does not exist. Malformed JSON
   * or another format is a broken configuration file (exit 3), not bad input.
   *
   * @throws FileException when the file cannot be read
   * @throws ConfigException naming the file when it is not JSON of {@code format}
   */
  public static Optional<JsonNode> readFormatFile(Path file, String format) {
    if (!Files.exists(file)) {
      return Optional.empty();
    }
    JsonNode root;
    try {
      root = readTree(file);
    } catch (InputException e) {
      throw new ConfigException(e.what(), e.why(), "restore it from a backup", e);
    }
    if (!format.equals(root.path("format").asText())) {
      throw new ConfigException(file.toString(), "is not a file of format " + format);
    }
    return Optional.of(root);
  }

  /**
   * Parses one JSON document into {@code type} (a record or a simple class).
   *
   * @throws InputException naming {@code what} when the text is not well-formed or does not fit
   *     {@code type} (an unknown field, a wrong type)
   */
  public static <T> T read(String text, Class<T> type, String what) {
    try {
      T value = MAPPER.readValue(text, type);
      if (value == null) {
        throw new InputException(what, "no JSON value (the document is null)");
      }
      return value;
    } catch (JsonProcessingException e) {
      throw malformed(what, e);
    }
  }

  private static String write(ObjectWriter writer, Object value) {
    try {
      return writer.writeValueAsString(value);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException("no JSON form: " + e.getOriginalMessage(), e);
    }
  }

  private static InputException malformed(String what, JsonProcessingException e) {
    JsonLocation at = e.getLocation();
    String where =
        at == null || at.getLineNr() < 1
            ? ""
            : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
    return new InputException(
        what, "not valid JSON" + where + ": " + e.getOriginalMessage(), null, e);
  }
}
