package org.wgmesh.site.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;

class BlobGeneratorTest {
  @Test
  void blobs_openWithTheSiteKeyAsDistinctHosts() {
    X25519PrivateKey site = X25519PrivateKey.generate();
    List<String> blobs = BlobGenerator.blobs(site.publicKey(), "mesh.example.com", 250, 20);

    assertThat(blobs).hasSize(20);
    Set<Object> seen = new HashSet<>();
    for (int i = 0; i < blobs.size(); i++) {
      Registration r = RegistrationBlob.open(blobs.get(i), site, "mesh.example.com");
      assertThat(r.hostname()).isEqualTo("bench-" + (250 + i));
      assertThat(seen.add(r.uuid())).as("uuid of host %d", 250 + i).isTrue();
      assertThat(seen.add(r.lanPrefixes().get(0))).as("LAN of host %d", 250 + i).isTrue();
    }
  }
}
