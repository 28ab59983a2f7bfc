package org.wgmesh.core.record;

import com.code_intelligence.jazzer.junit.FuzzTest;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.wgmesh.core.crypto.Aead;
import org.wgmesh.core.crypto.Hpke;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;
import org.wgmesh.core.error.RecordException;

/**
 * Feeds arbitrary input to every decoder and lets only {@link RecordException} escape: anything
 * else fails the test. Beyond raw TXT strings it also builds records that pass the outer checks
 * (validly signed, or encrypted under the right keys) around fuzzed bodies, so the body parsers
 * behind the cryptography are fuzzed too. {@code mvn test} runs the committed inputs in {@code
 * RecordDecoderFuzzTestInputs/decoders}; {@code JAZZER_FUZZ=1} fuzzes.
 *
 * <p>Input layout: byte 0 chooses the mode (modulo 6), the rest is the payload.
 */
class RecordDecoderFuzzTest {
  private static final String DOMAIN = Fixtures.DOMAIN;
  private static final SiteKeys SITE = Fixtures.siteKeys();
  private static final X25519PrivateKey HOST = Fixtures.hostKey(1);
  private static final GroupKey GROUP = Fixtures.groupKey(1);
  private static final Instant NOW = Fixtures.NOW;
  private static final String HOST_NAME = RecordNames.hostRecordName(DOMAIN, 1);
  private static final String KEY_NAME = RecordNames.keyRecordName(DOMAIN, HOST.publicKey());

  @FuzzTest(maxDuration = "60s")
  void decoders(byte[] input) {
    if (input.length == 0) {
      return;
    }
    byte[] payload = Arrays.copyOfRange(input, 1, input.length);
    switch ((input[0] & 0xff) % 6) {
      case 0 -> decodeAll(strings(payload));
      case 1 -> decodeAll(TxtChunks.split(limit(payload)));
      case 2 -> {
        List<String> s =
            TxtChunks.split(
                Envelope.build(DOMAIN, Envelope.TYPE_MESH, limit(payload), SITE.signing()));
        quietly(
            () ->
                MeshRecord.decode(
                    new TxtRecordSet(DOMAIN, 60, s), SITE.signing().publicKey(), DOMAIN, NOW));
        quietly(() -> MeshRecord.decodeFirstContact(new TxtRecordSet(DOMAIN, 60, s), DOMAIN, NOW));
      }
      case 3 -> {
        List<String> s =
            TxtChunks.split(
                Envelope.build(HOST_NAME, Envelope.TYPE_HOST, limit(payload), SITE.signing()));
        quietly(
            () ->
                HostRecord.decode(
                    new TxtRecordSet(HOST_NAME, 60, s),
                    SITE.signing().publicKey(),
                    GROUP,
                    DOMAIN,
                    NOW));
      }
      case 4 -> {
        byte[] sealed =
            Aead.seal(
                GROUP.key(), HostRecord.aad(HOST_NAME, DOMAIN, GROUP.epoch()), limit(payload));
        byte[] body =
            new WireWriter()
                .u32(GROUP.epoch())
                .u16(1)
                .u63(1)
                .time(NOW)
                .time(NOW.plusSeconds(60))
                .bytes16(sealed)
                .toByteArray();
        List<String> s =
            TxtChunks.split(Envelope.build(HOST_NAME, Envelope.TYPE_HOST, body, SITE.signing()));
        quietly(
            () ->
                HostRecord.decode(
                    new TxtRecordSet(HOST_NAME, 60, s),
                    SITE.signing().publicKey(),
                    GROUP,
                    DOMAIN,
                    NOW));
      }
      default -> {
        Hpke.Sealed sealed =
            Hpke.seal(
                SITE.box(),
                HOST.publicKey(),
                KeyRecord.info(DOMAIN, KEY_NAME),
                KeyRecord.aad(KEY_NAME),
                limit(payload));
        byte[] body = new WireWriter().raw(sealed.enc()).bytes16(sealed.ciphertext()).toByteArray();
        List<String> s = TxtChunks.split(Envelope.buildUnsigned(KEY_NAME, Envelope.TYPE_KEY, body));
        quietly(
            () ->
                KeyRecord.decode(
                    new TxtRecordSet(KEY_NAME, 60, s), HOST, SITE.box().publicKey(), DOMAIN));
      }
    }
  }

  private static void decodeAll(List<String> strings) {
    quietly(
        () ->
            MeshRecord.decode(
                new TxtRecordSet(DOMAIN, 60, strings), SITE.signing().publicKey(), DOMAIN, NOW));
    quietly(
        () -> MeshRecord.decodeFirstContact(new TxtRecordSet(DOMAIN, 60, strings), DOMAIN, NOW));
    quietly(
        () ->
            HostRecord.decode(
                new TxtRecordSet(HOST_NAME, 60, strings),
                SITE.signing().publicKey(),
                GROUP,
                DOMAIN,
                NOW));
    quietly(
        () ->
            KeyRecord.decode(
                new TxtRecordSet(KEY_NAME, 60, strings), HOST, SITE.box().publicKey(), DOMAIN));
  }

  /**
   * Runs a decoder; a RecordException is the expected outcome for bad input, anything else escapes.
   */
  private static void quietly(Runnable decode) {
    try {
      decode.run();
    } catch (RecordException expected) {
      // Strict and total: a typed error naming record and field.
    }
  }

  /** Lines of the payload as TXT strings (ASCII, at most 255 bytes each, at most 80 strings). */
  private static List<String> strings(byte[] payload) {
    List<String> out = new ArrayList<>();
    for (String line : new String(payload, StandardCharsets.ISO_8859_1).split("\n", -1)) {
      StringBuilder sb = new StringBuilder();
      for (char c : line.toCharArray()) {
        sb.append((char) (c & 0x7f));
      }
      out.add(sb.length() > 255 ? sb.substring(0, 255) : sb.toString());
      if (out.size() == 80) {
        break;
      }
    }
    return out;
  }

  /** Keeps encodable records under the chunk limit. */
  private static byte[] limit(byte[] payload) {
    return payload.length > 8000 ? Arrays.copyOf(payload, 8000) : payload;
  }
}
