package org.wgmesh.site.service;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EnrolmentBodyTest {
  private static EnrolmentBody parse(String json) {
    return EnrolmentBody.parse(json.getBytes(StandardCharsets.UTF_8));
  }

  private static void refused(String json, String field, String why) {
    assertThatThrownBy(() -> parse(json))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.field()).isEqualTo(field);
              assertThat(e.why()).contains(why);
            });
  }

  @Test
  void blobAndToken_areRead() {
    assertThat(parse("{\"blob\": \"wgmesh1:abc\", \"token\": \"t-1\"}"))
        .isEqualTo(new EnrolmentBody("wgmesh1:abc", Optional.of("t-1")));
    assertThat(parse("{\"blob\":\"wgmesh1:abc\"}").token()).isEmpty();
  }

  @Test
  void unknownField_isNamed() {
    refused("{\"blob\": \"b\", \"admin\": true}", "admin", "unknown field");
  }

  @Test
  void wrongTypes_areNamed() {
    refused("{\"blob\": 5}", "blob", "must be a string, not number");
    refused("{\"blob\": \"b\", \"token\": null}", "token", "must be a string, not null");
    refused("{\"blob\": [\"b\"]}", "blob", "not array");
  }

  @Test
  void missingOrEmptyFields_areNamed() {
    refused("{}", "blob", "missing");
    refused("{\"blob\": \" \"}", "blob", "empty");
    refused("{\"blob\": \"b\", \"token\": \"\"}", "token", "empty");
  }

  @Test
  void oversizeFields_areNamed() {
    refused(
        "{\"blob\": \"" + "a".repeat(EnrolmentBody.MAX_BLOB_CHARS + 1) + "\"}",
        "blob",
        "at most 8192");
    refused(
        "{\"blob\": \"b\", \"token\": \"" + "t".repeat(EnrolmentBody.MAX_TOKEN_CHARS + 1) + "\"}",
        "token",
        "at most 256");
  }

  @Test
  void malformedDocuments_areTheBody() {
    refused("", "body", "empty");
    refused("{\"blob\": ", "body", "not valid JSON");
    refused("[1]", "body", "not a JSON object but array");
    refused("{\"blob\": \"a\"} {}", "body", "not valid JSON");
    refused("{\"blob\": \"a\", \"blob\": \"b\"}", "body", "Duplicate field");
  }

  @Test
  void notUtf8_isTheBody() {
    assertThatThrownBy(() -> EnrolmentBody.parse(new byte[] {'{', (byte) 0xc3, '}'}))
        .isInstanceOfSatisfying(
            BadRequestException.class, e -> assertThat(e.field()).isEqualTo("body"));
  }

  @Test
  void controlCharactersAndLongNames_inAnUnknownField_areEscapedAndCut() {
    assertThatThrownBy(() -> parse("{\"a\\u001b[31m" + "x".repeat(500) + "\": 1}"))
        .isInstanceOfSatisfying(
            BadRequestException.class,
            e -> {
              assertThat(e.field()).startsWith("a\\x1b[31m").endsWith("...").hasSizeLessThan(80);
            });
  }

  @Test
  void toString_neverShowsTheToken() {
    assertThat(new EnrolmentBody("b", Optional.of("s3cret")).toString()).doesNotContain("s3cret");
  }
}
