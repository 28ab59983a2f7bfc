package org.wgmesh.core.original;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.Arrays;
import java.util.Base64;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.testing.NaclSeal;

/**
 * Feeds arbitrary input to {@link OriginalBlob#open} and lets only {@link InputException} escape:
 * anything else fails the test. Beyond raw text it also wraps the input as the outer JSON, and
 * seals it, as the original does, from a node key to the fixture site key, so the inner parser
 * behind the NaCl box is fuzzed too. {@code mvn test} runs the committed inputs in {@code
 * OriginalBlobFuzzTestInputs/blobs}; {@code JAZZER_FUZZ=1} fuzzes.
 *
 * <p>Input layout: byte 0 chooses the mode (modulo 3), the rest is the payload.
 */
class OriginalBlobFuzzTest {
  private static final X25519PrivateKey SITE = OriginalBlobTest.siteKey();
  private static final X25519PrivateKey NODE = OriginalBlobTest.nodeKey(1);
  private static final Instant NOW = OriginalBlobTest.NOW;

  @FuzzTest(maxDuration = "60s")
  void blobs(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] payload = Arrays.copyOfRange(input, 1, input.length);
    String text =
        switch ((input[0] & 0xff) % 3) {
          case 0 -> new String(payload, StandardCharsets.UTF_8);
          case 1 -> Base64.getEncoder().encodeToString(payload);
          default -> {
            byte[] box = NaclSeal.seal(NODE, SITE.publicKey(), payload);
            String outer =
                "{\"publickey\": \""
                    + NODE.publicKey().toBase64()
                    + "\", \"message\": \""
                    + Base64.getEncoder().encodeToString(box)
                    + "\"}";
            yield Base64.getEncoder().encodeToString(outer.getBytes(StandardCharsets.UTF_8));
          }
        };
    try {
      OriginalBlob.looksOriginal(text);
      OriginalBlob.open(text, SITE, NOW);
    } catch (InputException expected) {
      // the one way to refuse
    }
  }
}
