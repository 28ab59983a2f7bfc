package org.wgmesh.site.status;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.io.AtomicFiles;
import org.wgmesh.core.json.Json;

/**
 * Report credentials of hosts that enrolled with a join token (they have no device certificate to
 * report with): {@code wgrc1.<hostname>.<256-bit secret, base64url>}, handed out once in the
 * admission answer and sent as {@code Authorization: Bearer} with each report. The site keeps only
 * SHA-256 of the secret per hostname in {@code <site file>.reporters} (JSON, 0600, written
 * atomically under the site file's lock); a new admission (a rejoin) replaces the host's entry, so
 * the old credential stops working.
 *
 * <p>SHA-256 rather than a slow hash for the reason of the join tokens ({@code JoinTokens}): the
 * secret is 256 random bits, nothing to guess.
 */
public final class ReportCredentials {
  static final String PREFIX = "wgrc1";
  private static final String FORMAT = "wgmesh-report-credentials-1";
  private static final Pattern TEXT =
      Pattern.compile(PREFIX + "\\.([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)\\.([A-Za-z0-9_-]{43})");
  private static final Pattern HASH = Pattern.compile("[0-9a-f]{64}");
  private static final SecureRandom RANDOM = new SecureRandom();

  private final Map<String, String> hashes;

  private ReportCredentials(Map<String, String> hashes) {
    this.hashes = Map.copyOf(hashes);
  }

  /** A credential as minted: its text (for the host, once) and the store that accepts it. */
  public record Minted(String text, ReportCredentials store) {
    @Override
    public String toString() {
      return "Minted[text=(hidden)]";
    }
  }

  /** The credential file of a site file. */
  public static Path beside(Path siteFile) {
    return siteFile.resolveSibling(siteFile.getFileName() + ".reporters");
  }

  /**
   * The credentials in {@code file}; none when it does not exist.
   *
   * @throws ConfigException naming the file and the host when it is malformed
   */
  public static ReportCredentials read(Path file) {
    Optional<JsonNode> root = Json.readFormatFile(file, FORMAT);
    Map<String, String> hashes = new TreeMap<>();
    if (root.isPresent()) {
      JsonNode hosts = root.get().path("hosts");
      for (Iterator<Map.Entry<String, JsonNode>> it = hosts.fields(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        if (!e.getValue().isTextual() || !HASH.matcher(e.getValue().asText()).matches()) {
          throw new ConfigException(
              file + ": hosts." + e.getKey(), "is not a SHA-256 hash in hex (64 characters)");
        }
        hashes.put(e.getKey(), e.getValue().asText());
      }
    }
    return new ReportCredentials(hashes);
  }

  /**
   * Writes the store to {@code file} atomically, mode 0600.
   *
   * @throws org.wgmesh.core.error.FileException when it cannot be written (the old file is intact)
   */
  public void write(Path file) {
    ObjectNode root = Json.object();
    root.put("format", FORMAT);
    ObjectNode hosts = root.putObject("hosts");
    new TreeMap<>(hashes).forEach(hosts::put);
    AtomicFiles.write(file, Json.pretty(root) + "\n", AtomicFiles.SECRET);
  }

  /** A fresh credential for {@code hostname}, replacing any it had. */
  public Minted mint(String hostname) {
    byte[] secret = new byte[32];
    RANDOM.nextBytes(secret);
    String encoded = Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    Map<String, String> next = new TreeMap<>(hashes);
    next.put(hostname, hash(encoded));
    return new Minted(PREFIX + "." + hostname + "." + encoded, new ReportCredentials(next));
  }

  /**
   * The hostname {@code text} is the current credential of; empty when it is malformed, of an
   * unknown host, or not that host's current secret (the caller says only "not valid", so neither
   * hosts nor secrets can be probed).
   */
  public Optional<String> hostOf(String text) {
    Matcher m = TEXT.matcher(text);
    if (!m.matches()) {
      return Optional.empty();
    }
    String stored = hashes.get(m.group(1));
    if (stored == null) {
      return Optional.empty();
    }
    boolean same =
        MessageDigest.isEqual(
            stored.getBytes(StandardCharsets.US_ASCII),
            hash(m.group(2)).getBytes(StandardCharsets.US_ASCII));
    return same ? Optional.of(m.group(1)) : Optional.empty();
  }

  /** This store without {@code hostname}'s credential (the same store when it has none). */
  public ReportCredentials without(String hostname) {
    if (!hashes.containsKey(hostname)) {
      return this;
    }
    Map<String, String> next = new TreeMap<>(hashes);
    next.remove(hostname);
    return new ReportCredentials(next);
  }

  /** Whether {@code hostname} has a credential. */
  public boolean has(String hostname) {
    return hashes.containsKey(hostname);
  }

  private static String hash(String secret) {
    try {
      return HexFormat.of()
          .formatHex(
              MessageDigest.getInstance("SHA-256")
                  .digest(secret.getBytes(StandardCharsets.US_ASCII)));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is part of every JDK", e);
    }
  }
}
