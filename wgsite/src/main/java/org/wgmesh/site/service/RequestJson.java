package org.wgmesh.site.service;

import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.StandardCharsets;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.json.Json;

/** A request body as one JSON document; the first step of every body parser of the API. */
public final class RequestJson {
  private RequestJson() {}

  /**
   * The body's JSON document.
   *
   * @throws BadRequestException naming {@code body} when it is not UTF-8 or not one JSON document
   */
  public static JsonNode read(byte[] raw) {
    String text;
    try {
      text = StandardCharsets.UTF_8.newDecoder().decode(ByteBuffer.wrap(raw)).toString();
    } catch (CharacterCodingException e) {
      throw new BadRequestException("body", "not UTF-8 text");
    }
    try {
      return Json.readTree(text, "body");
    } catch (InputException e) {
      throw new BadRequestException("body", e.why(), e);
    }
  }
}
