package org.wgmesh.core.original;

import java.util.Random;
import org.wgmesh.core.crypto.X25519PrivateKey;

/**
 * Random original v2 site files with what the original let through: unassigned, high and impossible
 * octets, missing or non-private ASNs, mixed-case names, odd endpoints, a port base that no longer
 * fits, odd tunnel prefixes. Duplicates happen too (the import refuses them).
 */
final class RandomOriginalSite {
  private static final String[] TUNNELS = {
    "fd86:ea04:1116::/64", "fd7b:c042:23c5:a33f::/64", "''", "10.0.0.0/8", "fe80::/64"
  };
  private static final String[] PORTBASES = {"9000", "58822", "65400", "1"};
  private static final String[] V4 = {"198.18.0.%d/32", "198.18.%d.1/24", "127.0.0.%d/32"};
  private static final String[] V6 = {"2001:db8::%x/128", "fe80::%x/64", "2001:db8:%x::1/64"};

  private RandomOriginalSite() {}

  static String text(Random r) {
    String pk = X25519PrivateKey.generate().publicKey().toBase64();
    StringBuilder sb = new StringBuilder("global:\n  locus: mesh1\n");
    sb.append("  tunnel_ipv6: ").append(TUNNELS[r.nextInt(TUNNELS.length)]).append('\n');
    sb.append("  domain: mesh1.example.test\n");
    if (r.nextInt(4) > 0) {
      sb.append("  portbase: ").append(PORTBASES[r.nextInt(PORTBASES.length)]).append('\n');
    }
    sb.append("  asn_range: 64512:65534\n  publickey: ").append(pk).append("\nhosts:\n");
    int n = 1 + r.nextInt(30);
    for (int i = 1; i <= n; i++) {
      String uuid = new java.util.UUID(r.nextLong(), r.nextLong()).toString();
      sb.append("  ").append(uuid).append(":\n    uuid: ").append(uuid).append('\n');
      sb.append("    hostname: ").append(r.nextBoolean() ? "node" : "Node").append(i).append('\n');
      sb.append("    asn: ").append(asn(r, i)).append('\n');
      sb.append("    octet: ").append(octet(r, i)).append('\n');
      sb.append("    local_ipv4:\n    - ")
          .append(String.format(V4[r.nextInt(V4.length)], i))
          .append('\n');
      sb.append("    local_ipv6:\n    - ")
          .append(String.format(V6[r.nextInt(V6.length)], i))
          .append('\n');
      sb.append("    public_key_encoded: ")
          .append(X25519PrivateKey.generate().publicKey().toBase64())
          .append('\n');
      sb.append("    local_networks: ")
          .append(r.nextInt(5) == 0 ? "10." + i + ".0.0/16" : "''")
          .append('\n');
    }
    return sb.toString();
  }

  private static long asn(Random r, int i) {
    return switch (r.nextInt(6)) {
      case 0 -> -1;
      case 1 -> 3320 + i;
      case 2 -> 4200000000L + i;
      default -> 64511 + i;
    };
  }

  private static long octet(Random r, int i) {
    return switch (r.nextInt(8)) {
      case 0 -> -1;
      case 1 -> 0;
      case 2 -> 150 + i * 7;
      case 3 -> 65535 - i;
      default -> i;
    };
  }
}
