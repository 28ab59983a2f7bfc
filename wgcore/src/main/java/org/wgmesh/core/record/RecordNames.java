package org.wgmesh.core.record;

import java.util.regex.Pattern;
import org.wgmesh.core.crypto.Fingerprint;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.dns.TxtRecordSet;

/**
 * The DNS names of the records of a mesh at {@code domain}: the mesh record at the domain itself,
 * host records at {@code h<number>.<domain>}, client records (issue 25) at {@code
 * c<number>.<domain>}, key records at {@code _key.<kid>.<domain>}. Every name is lower case without
 * the trailing dot ({@link TxtRecordSet#normalize}).
 */
public final class RecordNames {
  /** Bytes of SHA-256(WireGuard public key) that make up a key id. */
  static final int KEY_ID_BYTES = 10;

  private static final Pattern HOST_LABEL = Pattern.compile("h[1-9][0-9]{0,4}");
  private static final Pattern CLIENT_LABEL = Pattern.compile("c[1-9][0-9]{0,4}");
  private static final Pattern KEY_ID = Pattern.compile("[a-z2-7]{16}");

  private RecordNames() {}

  /** {@code "h" + number}: the label of host {@code number}'s record. */
  public static String hostLabel(int number) {
    checkNumber(number);
    return "h" + number;
  }

  /** {@code h<number>.<domain>}. */
  public static String hostRecordName(String domain, int number) {
    return hostLabel(number) + "." + TxtRecordSet.normalize(domain);
  }

  /** {@code c<number>.<domain>}: the record of client {@code number} (issue 25). */
  public static String clientRecordName(String domain, int number) {
    checkNumber(number);
    return "c" + number + "." + TxtRecordSet.normalize(domain);
  }

  /** The client number in a client record name of {@code domain}, or -1 when it is not one. */
  static int clientNumberOf(String name, String domain) {
    String n = TxtRecordSet.normalize(name);
    String d = "." + TxtRecordSet.normalize(domain);
    if (!n.endsWith(d)) {
      return -1;
    }
    String label = n.substring(0, n.length() - d.length());
    if (!CLIENT_LABEL.matcher(label).matches()) {
      return -1;
    }
    int number = Integer.parseInt(label.substring(1));
    return number <= 65535 ? number : -1;
  }

  /**
   * The key id of a host: lower-case base32 (RFC 4648, no padding) of the first 10 bytes of SHA-256
   * of its WireGuard public key; 16 characters. An endpoint derives it from its own key.
   */
  public static String keyId(X25519PublicKey hostKey) {
    byte[] digest = Fingerprint.sha256(hostKey.bytes());
    return base32(digest, KEY_ID_BYTES);
  }

  /** {@code _key.<kid>.<domain>}. */
  public static String keyRecordName(String domain, X25519PublicKey hostKey) {
    return "_key." + keyId(hostKey) + "." + TxtRecordSet.normalize(domain);
  }

  /**
   * Whether {@code name} is one of the names the site publishes for {@code domain}: the domain
   * itself, {@code h<n>.<domain>}, {@code c<n>.<domain>} or {@code _key.<kid>.<domain>}, compared
   * label by label (a name that merely contains the domain, such as {@code h1.xmesh.example.com},
   * is not ours).
   */
  public static boolean isOurs(String name, String domain) {
    String n = TxtRecordSet.normalize(name);
    String d = TxtRecordSet.normalize(domain);
    if (n.equals(d)) {
      return true;
    }
    if (!n.endsWith("." + d)) {
      return false;
    }
    String prefix = n.substring(0, n.length() - d.length() - 1);
    if (HOST_LABEL.matcher(prefix).matches() || CLIENT_LABEL.matcher(prefix).matches()) {
      return Integer.parseInt(prefix.substring(1)) <= 65535;
    }
    return prefix.startsWith("_key.") && KEY_ID.matcher(prefix.substring(5)).matches();
  }

  /** The host number in a host record name of {@code domain}, or -1 when it is not one. */
  static int hostNumberOf(String name, String domain) {
    String n = TxtRecordSet.normalize(name);
    String d = "." + TxtRecordSet.normalize(domain);
    if (!n.endsWith(d)) {
      return -1;
    }
    String label = n.substring(0, n.length() - d.length());
    if (!HOST_LABEL.matcher(label).matches()) {
      return -1;
    }
    int number = Integer.parseInt(label.substring(1));
    return number <= 65535 ? number : -1;
  }

  static void checkNumber(int number) {
    if (number < 1 || number > 65535) {
      throw new IllegalArgumentException("host number must be 1..65535, got " + number);
    }
  }

  private static String base32(byte[] data, int length) {
    final String alphabet = "abcdefghijklmnopqrstuvwxyz234567";
    StringBuilder sb = new StringBuilder();
    int buffer = 0;
    int bits = 0;
    for (int i = 0; i < length; i++) {
      buffer = (buffer << 8) | (data[i] & 0xff);
      bits += 8;
      while (bits >= 5) {
        sb.append(alphabet.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) {
      sb.append(alphabet.charAt((buffer << (5 - bits)) & 31));
    }
    return sb.toString();
  }
}
