package org.wgmesh.site.service;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * The body parser on random and mutated input: it returns a body or throws {@link
 * BadRequestException}, never anything else (which would be a 500 or a dropped connection). The
 * seeded test runs in every build; {@code JAZZER_FUZZ=1} fuzzes {@link #parse} for longer.
 */
class EnrolmentBodyPropertyTest {
  private static final String[] SEEDS = {
    "{\"blob\": \"wgmesh1:AAAA\", \"token\": \"join-1\"}",
    "{\"blob\": \"wgmesh1:AAAA\"}",
    "{\"blob\": \"\\u00e9\\ud83d\\ude00\", \"token\": \"x\"}",
    "{\"blob\": [[[[[[1]]]]]], \"token\": {\"a\": 1e999}}",
  };

  private static final String ALPHABET = "{}[]\":,\\ \nbloktenu0123456789.-+eE\u0000\u00ff";

  @Test
  void randomAndMutatedBodies_onlyEverFailAsBadRequests() {
    Random random = new Random(23);
    int parsed = 0;
    for (int i = 0; i < 20_000; i++) {
      byte[] input = i % 2 == 0 ? mutated(random) : randomBytes(random);
      if (parseOrRefuse(input)) {
        parsed++;
      }
    }
    // Mutation keeps some bodies valid: the property is not met by refusing everything.
    assertThat(parsed).isGreaterThan(100);
  }

  @Test
  void deepNesting_isABadRequest() {
    byte[] deep = ("{\"blob\": " + "[".repeat(5000)).getBytes(StandardCharsets.UTF_8);
    assertThat(parseOrRefuse(deep)).isFalse();
  }

  @FuzzTest(maxDuration = "60s")
  void parse(byte[] input) {
    parseOrRefuse(input);
  }

  /** True when parsed; false when refused with the 400 type; anything else propagates. */
  private static boolean parseOrRefuse(byte[] input) {
    try {
      EnrolmentBody.parse(input);
      return true;
    } catch (BadRequestException e) {
      assertThat(e.field()).isNotEmpty();
      return false;
    }
  }

  private static byte[] mutated(Random random) {
    byte[] seed = SEEDS[random.nextInt(SEEDS.length)].getBytes(StandardCharsets.UTF_8);
    int edits = random.nextInt(4);
    for (int e = 0; e < edits; e++) {
      int at = random.nextInt(seed.length);
      switch (random.nextInt(3)) {
        case 0 -> seed[at] = (byte) ALPHABET.charAt(random.nextInt(ALPHABET.length()));
        case 1 -> seed[at] = (byte) random.nextInt(256);
        default -> {
          byte[] shorter = new byte[seed.length - 1];
          System.arraycopy(seed, 0, shorter, 0, at);
          System.arraycopy(seed, at + 1, shorter, at, seed.length - at - 1);
          seed = shorter.length == 0 ? seed : shorter;
        }
      }
    }
    return seed;
  }

  private static byte[] randomBytes(Random random) {
    StringBuilder s = new StringBuilder();
    int n = random.nextInt(64);
    for (int i = 0; i < n; i++) {
      s.append(ALPHABET.charAt(random.nextInt(ALPHABET.length())));
    }
    return s.toString().getBytes(StandardCharsets.UTF_8);
  }
}
