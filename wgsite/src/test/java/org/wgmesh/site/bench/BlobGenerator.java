package org.wgmesh.site.bench;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PrivateKey;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.net.IpAddress;
import org.wgmesh.core.net.IpPrefix;
import org.wgmesh.core.registration.Registration;
import org.wgmesh.core.registration.RegistrationBlob;
import org.wgmesh.core.site.Site;
import org.wgmesh.core.site.SiteFile;

/**
 * Benchmark helper (run by {@code scripts/bench.sh} with the test class path): writes registration
 * blobs for a site, one per line, as a host running {@code wghost} would make them.
 *
 * <pre>BlobGenerator SITE_FILE FIRST COUNT OUT_FILE</pre>
 *
 * <p>Host {@code i} (FIRST &le; i &lt; FIRST+COUNT) is {@code bench-i}, with a fresh key, a uuid
 * derived from {@code i}, one endpoint in 198.51.100.0/24 or 203.0.113.0/24 and a LAN {@code
 * 10.x.y.0/24} derived from {@code i}, so blobs from separate runs never clash.
 */
public final class BlobGenerator {
  private BlobGenerator() {}

  public static void main(String[] args) {
    if (args.length != 4) {
      System.err.println("usage: BlobGenerator SITE_FILE FIRST COUNT OUT_FILE");
      System.exit(2);
    }
    Site site = SiteFile.load(Path.of(args[0]));
    int first = Integer.parseInt(args[1]);
    int count = Integer.parseInt(args[2]);
    List<String> lines =
        blobs(site.keys().box().publicKey(), site.settings().domain(), first, count);
    try {
      Files.write(Path.of(args[3]), lines, StandardCharsets.US_ASCII);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Blobs for hosts {@code first .. first+count-1} addressed to the site key and domain. */
  static List<String> blobs(X25519PublicKey siteBox, String domain, int first, int count) {
    if (first < 1 || count < 0 || first + count > 65_000) {
      throw new IllegalArgumentException(
          "hosts " + first + ".." + (first + count - 1) + " out of 1..64999");
    }
    List<String> out = new ArrayList<>(count);
    Instant now = Instant.now();
    for (int i = first; i < first + count; i++) {
      X25519PrivateKey key = X25519PrivateKey.generate();
      String endpoint = (i % 2 == 0 ? "198.51.100." : "203.0.113.") + (1 + i % 250);
      String lan = "10." + (i >> 8) + "." + (i & 0xff) + ".0/24";
      Registration r =
          Registration.builder()
              .uuid(new UUID(0x6265_6e63_6800_4000L, 0x8000_0000_0000_0000L | i))
              .hostname("bench-" + i)
              .publicKey(key.publicKey())
              .endpoints(List.of(IpAddress.parse(endpoint, "bench")))
              .lanPrefixes(List.of(IpPrefix.parse(lan, "bench")))
              .created(now)
              .build();
      out.add(RegistrationBlob.seal(r, key, siteBox, domain));
    }
    return out;
  }
}
