package org.wgmesh.core.record;

import static org.assertj.core.api.Assertions.assertThat;
import static org.wgmesh.core.record.Fixtures.DOMAIN;
import static org.wgmesh.core.record.Fixtures.NOW;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.SiteKeys;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * Golden vectors in {@code src/test/resources/record-vectors/}: fixed keys, times, nonces and
 * ephemeral keys pin the exact encoding. Each vector decodes to the expected record and encodes
 * back byte for byte. To rewrite them after a deliberate format change, run with {@code
 * -Dwgmesh.writeVectors=true} (and say so in the commit).
 */
class RecordVectorsTest {
  private static final SiteKeys SITE = Fixtures.siteKeys();
  private static final GroupKey GROUP = new GroupKey(3, range(0x01, 32));
  private static final byte[] NONCE = range(0xa0, 12);
  private static final X25519PrivateKey EPHEMERAL = new X25519PrivateKey(range(0x40, 32));
  private static final X25519PrivateKey HOST2 = Fixtures.hostKey(2);

  /** Hands out fixed bytes: the nonce the vector pins. */
  private static final class FixedBytes extends Random {
    private static final long serialVersionUID = 1L;
    private final byte[] bytes;

    FixedBytes(byte[] bytes) {
      this.bytes = bytes.clone();
    }

    @Override
    public void nextBytes(byte[] out) {
      if (out.length != bytes.length) {
        throw new IllegalStateException("expected a request for " + bytes.length + " bytes");
      }
      System.arraycopy(bytes, 0, out, 0, out.length);
    }
  }

  private static byte[] range(int first, int n) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (first + i);
    }
    return b;
  }

  private static MeshRecord mesh() {
    return Fixtures.meshRecord(7, 3, 1, 2, 3, 5, 8, 13);
  }

  private static MeshRecord bigMesh() {
    int[] all = new int[1000];
    for (int i = 0; i < all.length; i++) {
      all[i] = i + 1;
    }
    return Fixtures.meshRecord(8, 3, all);
  }

  private static HostRecord host() {
    return new HostRecord(Fixtures.host(2), 4, NOW, NOW.plusSeconds(7 * 86400), 3);
  }

  /** Client 3 (issue 25), attached to hosts 2 and 1, at serial 5 of epoch 3. */
  private static ClientRecord client() {
    return new ClientRecord(
        ClientRecordTest.client(3, 2, 1), 5, NOW, NOW.plusSeconds(7 * 86400), 3);
  }

  /** The mesh record with clients 3 and 9 (extension tag 6). */
  private static MeshRecord meshWithClients() {
    MeshRecord m = mesh();
    return MeshRecord.builder()
        .settings(m.settings())
        .siteSigningKey(m.siteSigningKey())
        .siteBoxKey(m.siteBoxKey())
        .serial(m.serial())
        .issued(m.issued())
        .expires(m.expires())
        .members(m.members())
        .epoch(m.epoch())
        .clients(new TreeSet<>(List.of(3, 9)))
        .build();
  }

  private static KeyRecord key() {
    return new KeyRecord(2, GROUP);
  }

  @Test
  void meshVector_decodesAndReencodesIdentically() throws IOException {
    TxtRecordSet encoded = mesh().encode(SITE.signing(), 300);
    TxtRecordSet vector =
        vector("mesh.txt", encoded, "mesh record: members 1,2,3,5,8,13, serial 7, epoch 3");
    assertThat(MeshRecord.decode(vector, SITE.signing().publicKey(), DOMAIN, NOW))
        .isEqualTo(mesh());
    assertThat(encoded.strings()).containsExactlyElementsOf(vector.strings());
  }

  @Test
  void compressedMeshVector_decodesAndReencodesIdentically() throws IOException {
    TxtRecordSet encoded = bigMesh().encode(SITE.signing(), 300);
    TxtRecordSet vector =
        vector(
            "mesh-deflated.txt", encoded, "mesh record: members 1..1000 (body deflated), serial 8");
    byte[] envelope = TxtChunks.join(vector);
    assertThat(envelope[2]).as("flags: deflated").isEqualTo((byte) Envelope.FLAG_DEFLATE);
    assertThat(MeshRecord.decode(vector, SITE.signing().publicKey(), DOMAIN, NOW))
        .isEqualTo(bigMesh());
    assertThat(encoded.strings()).containsExactlyElementsOf(vector.strings());
  }

  @Test
  void hostVector_decodesAndReencodesIdentically() throws IOException {
    TxtRecordSet encoded = host().encode(DOMAIN, GROUP, SITE.signing(), 300, new FixedBytes(NONCE));
    TxtRecordSet vector = vector("host.txt", encoded, "host record: host 2, serial 4, epoch 3");
    assertThat(HostRecord.decode(vector, SITE.signing().publicKey(), GROUP, DOMAIN, NOW))
        .isEqualTo(host());
    assertThat(encoded.strings()).containsExactlyElementsOf(vector.strings());
  }

  @Test
  void clientVector_decodesAndReencodesIdentically() throws IOException {
    TxtRecordSet encoded = client().encode(DOMAIN, GROUP, SITE.signing(), 300, NONCE);
    TxtRecordSet vector =
        vector(
            "client.txt", encoded, "client record: client 3 on hosts 2 and 1, serial 5, epoch 3");
    assertThat(ClientRecord.decode(vector, SITE.signing().publicKey(), GROUP, DOMAIN, NOW))
        .isEqualTo(client());
    assertThat(encoded.strings()).containsExactlyElementsOf(vector.strings());
  }

  @Test
  void meshWithClientsVector_decodesAndReencodesIdentically() throws IOException {
    TxtRecordSet encoded = meshWithClients().encode(SITE.signing(), 300);
    TxtRecordSet vector =
        vector(
            "mesh-clients.txt", encoded, "mesh record: as mesh.txt, with clients 3 and 9 (tag 6)");
    assertThat(MeshRecord.decode(vector, SITE.signing().publicKey(), DOMAIN, NOW))
        .isEqualTo(meshWithClients());
    assertThat(encoded.strings()).containsExactlyElementsOf(vector.strings());
  }

  @Test
  void keyVector_decodesAndReencodesIdentically() throws IOException {
    TxtRecordSet encoded = key().encode(SITE.box(), HOST2.publicKey(), DOMAIN, 300, EPHEMERAL);
    TxtRecordSet vector = vector("key.txt", encoded, "key record: group key epoch 3 for host 2");
    assertThat(KeyRecord.decode(vector, HOST2, SITE.box().publicKey(), DOMAIN)).isEqualTo(key());
    assertThat(encoded.strings()).containsExactlyElementsOf(vector.strings());
  }

  /** The inputs every vector file lists, so another implementation can reproduce it. */
  private static Map<String, String> inputs() {
    Base64.Encoder b64 = Base64.getEncoder();
    Map<String, String> m = new LinkedHashMap<>();
    m.put("site-signing-private", SITE.signing().toBase64());
    m.put("site-signing-public", SITE.signing().publicKey().toBase64());
    m.put("site-box-private", SITE.box().toBase64());
    m.put("site-box-public", SITE.box().publicKey().toBase64());
    m.put("host2-private", HOST2.toBase64());
    m.put("host2-public", HOST2.publicKey().toBase64());
    m.put("group-key", GROUP.epoch() + " " + GROUP.keyBase64());
    m.put("host-nonce", b64.encodeToString(NONCE));
    m.put("hpke-ephemeral-private", EPHEMERAL.toBase64());
    m.put("now", NOW.toString());
    return m;
  }

  /**
   * Reads a vector file ({@code key: value} lines; {@code txt:} lines are the strings in index
   * order), or writes it from {@code encoded} when asked to.
   */
  private static TxtRecordSet vector(String file, TxtRecordSet encoded, String title)
      throws IOException {
    if (Boolean.getBoolean("wgmesh.writeVectors")) {
      StringBuilder sb =
          new StringBuilder("# wgmesh record format v1 test vector: " + title + "\n");
      sb.append("# inputs: see RecordVectorsTest and docs/record-format.md\n");
      inputs().forEach((k, v) -> sb.append(k).append(": ").append(v).append('\n'));
      sb.append("name: ").append(encoded.name()).append('\n');
      sb.append("ttl: ").append(encoded.ttl()).append('\n');
      encoded.strings().forEach(s -> sb.append("txt: ").append(s).append('\n'));
      Path dir =
          Path.of(
              System.getProperty("wgmesh.root", "."), "wgcore/src/test/resources/record-vectors");
      Files.createDirectories(dir);
      Files.writeString(dir.resolve(file), sb.toString(), StandardCharsets.UTF_8);
    }
    try (InputStream in = RecordVectorsTest.class.getResourceAsStream("/record-vectors/" + file)) {
      assertThat(in).as("vector " + file).isNotNull();
      String name = null;
      int ttl = -1;
      List<String> strings = new ArrayList<>();
      Map<String, String> listed = new LinkedHashMap<>();
      for (String line : new String(in.readAllBytes(), StandardCharsets.UTF_8).split("\n")) {
        if (line.startsWith("#") || line.isBlank()) {
          continue;
        }
        int colon = line.indexOf(": ");
        String k = line.substring(0, colon);
        String v = line.substring(colon + 2);
        switch (k) {
          case "name" -> name = v;
          case "ttl" -> ttl = Integer.parseInt(v);
          case "txt" -> strings.add(v);
          default -> listed.put(k, v);
        }
      }
      assertThat(listed).as("inputs listed in " + file).isEqualTo(inputs());
      return new TxtRecordSet(name, ttl, strings);
    }
  }
}
