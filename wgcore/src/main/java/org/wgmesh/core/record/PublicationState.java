package org.wgmesh.core.record;

import java.time.DateTimeException;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Base64;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.TreeMap;
import java.util.UUID;
import org.wgmesh.core.crypto.X25519PublicKey;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.WgmeshException;

/**
 * What the publisher remembers between runs: the last serial it used, the current group key and the
 * members that hold it (uuid, number, WireGuard key). The publisher stores it beside the site file,
 * mode 0600, because it holds the group key. Losing it is safe but costly: the next run rotates the
 * group key and rewrites every record (serials continue above those still published).
 *
 * @param lastSerial the highest serial used for any record so far (0 before the first run)
 * @param groupKey the current group key; empty before the first run
 * @param members uuid to member of the current epoch
 * @param groupKeySince when the current group key was made (for {@code group-key-max-age}); empty
 *     when not known (no key yet, or a state written before it was recorded)
 * @param switches uuid to the key switch published for that host (issue 12): its new key and the
 *     switch time the records carry, kept so later runs publish the same time ({@link
 *     KeySwitchTimes}); state line {@code switch UUID NEW-KEY AT} (AT in epoch seconds)
 */
public record PublicationState(
    long lastSerial,
    Optional<GroupKey> groupKey,
    Map<UUID, Member> members,
    Optional<Instant> groupKeySince,
    Map<UUID, Switch> switches) {
  private static final String HEADER =
      "# wgmesh publication state, written by wgpub. Secret (holds the group key): keep it 0600.";

  /**
   * A member that holds the current group key.
   *
   * @param number its host number
   * @param publicKey its WireGuard key (which names its key record)
   * @param hpkePublic its HPKE key, to which the key record was sealed; empty when it was sealed to
   *     {@code publicKey} (state line {@code member UUID NUMBER KEY [HPKE-KEY]})
   */
  public record Member(
      int number, X25519PublicKey publicKey, Optional<X25519PublicKey> hpkePublic) {
    public Member {
      RecordNames.checkNumber(number);
      Objects.requireNonNull(publicKey, "publicKey");
      Objects.requireNonNull(hpkePublic, "hpkePublic");
    }

    /** The key its key record is sealed to. */
    public X25519PublicKey sealingKey() {
      return hpkePublic.orElse(publicKey);
    }
  }

  /**
   * A host key switch as published: the records carry {@code newKey} with the switch at {@code at}.
   *
   * @param newKey the host's new WireGuard key
   * @param at the published switch time, whole seconds
   */
  public record Switch(X25519PublicKey newKey, Instant at) {
    public Switch {
      Objects.requireNonNull(newKey, "newKey");
      at = at.truncatedTo(ChronoUnit.SECONDS);
    }
  }

  public PublicationState {
    if (lastSerial < 0) {
      throw new IllegalArgumentException("serial must not be negative");
    }
    Objects.requireNonNull(groupKey, "groupKey");
    members = Collections.unmodifiableMap(new TreeMap<>(members));
    groupKeySince = groupKeySince.map(t -> t.truncatedTo(ChronoUnit.SECONDS));
    switches = Collections.unmodifiableMap(new TreeMap<>(switches));
  }

  /** The state before the first publication. */
  public static PublicationState empty() {
    return new PublicationState(0, Optional.empty(), Map.of(), Optional.empty(), Map.of());
  }

  /** The text form, one setting per line; {@link #parse} reads it back. */
  public String toText() {
    StringBuilder sb = new StringBuilder(HEADER).append('\n');
    sb.append("format 1\n");
    sb.append("serial ").append(lastSerial).append('\n');
    groupKey.ifPresent(
        key -> {
          sb.append("group-key ")
              .append(key.epoch())
              .append(' ')
              .append(key.keyBase64())
              .append('\n');
          groupKeySince.ifPresent(
              since -> sb.append("group-key-since ").append(since.getEpochSecond()).append('\n'));
        });
    members.forEach(
        (uuid, m) ->
            sb.append("member ")
                .append(uuid)
                .append(' ')
                .append(m.number())
                .append(' ')
                .append(m.publicKey().toBase64())
                .append(m.hpkePublic().map(k -> " " + k.toBase64()).orElse(""))
                .append('\n'));
    switches.forEach(
        (uuid, w) ->
            sb.append("switch ")
                .append(uuid)
                .append(' ')
                .append(w.newKey().toBase64())
                .append(' ')
                .append(w.at().getEpochSecond())
                .append('\n'));
    return sb.toString();
  }

  /**
   * Parses {@link #toText()} output.
   *
   * @param what names the source (the file) in errors, which add the line number
   * @throws ConfigException naming the line and what is wrong with it
   */
  public static PublicationState parse(String text, String what) {
    long serial = -1;
    Optional<GroupKey> key = Optional.empty();
    Optional<Instant> since = Optional.empty();
    Map<UUID, Member> members = new LinkedHashMap<>();
    Map<UUID, Switch> switches = new LinkedHashMap<>();
    boolean format = false;
    String[] lines = text.split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      String line = lines[i].strip();
      String where = what + ":" + (i + 1);
      if (line.isEmpty() || line.startsWith("#")) {
        continue;
      }
      String[] f = line.split("\\s+");
      try {
        switch (f[0]) {
          case "format" -> {
            expect(f, 2, where);
            if (!f[1].equals("1")) {
              throw new ConfigException(
                  where, "unknown state format " + f[1], "was it written by a newer wgpub?");
            }
            format = true;
          }
          case "serial" -> {
            expect(f, 2, where);
            serial = Long.parseLong(f[1]);
            if (serial < 0) {
              throw new ConfigException(where, "serial must not be negative");
            }
          }
          case "group-key" -> {
            expect(f, 3, where);
            long epoch = Long.parseLong(f[1]);
            byte[] k = Base64.getDecoder().decode(f[2]);
            if (epoch < 0 || epoch > GroupKey.MAX_EPOCH || k.length != 32) {
              throw new ConfigException(
                  where,
                  "group-key needs an epoch 0.." + GroupKey.MAX_EPOCH + " and 32 bytes in base64");
            }
            key = Optional.of(new GroupKey(epoch, k));
          }
          case "group-key-since" -> {
            expect(f, 2, where);
            since = Optional.of(Instant.ofEpochSecond(Long.parseLong(f[1])));
          }
          case "member" -> {
            if (f.length != 5) {
              expect(f, 4, where);
            }
            UUID uuid = UUID.fromString(f[1]);
            int number = Integer.parseInt(f[2]);
            if (number < 1 || number > 65535) {
              throw new ConfigException(where, "host number must be 1..65535");
            }
            Optional<X25519PublicKey> hpke =
                f.length == 5 ? Optional.of(X25519PublicKey.parse(f[4], where)) : Optional.empty();
            Member m = new Member(number, X25519PublicKey.parse(f[3], where), hpke);
            if (members.put(uuid, m) != null) {
              throw new ConfigException(where, "member " + uuid + " appears twice");
            }
          }
          case "switch" -> {
            expect(f, 4, where);
            UUID uuid = UUID.fromString(f[1]);
            Switch w =
                new Switch(
                    X25519PublicKey.parse(f[2], where),
                    Instant.ofEpochSecond(Long.parseLong(f[3])));
            if (switches.put(uuid, w) != null) {
              throw new ConfigException(where, "switch of " + uuid + " appears twice");
            }
          }
          default -> throw new ConfigException(where, "unknown setting '" + f[0] + "'");
        }
      } catch (WgmeshException e) {
        throw e instanceof ConfigException c ? c : new ConfigException(where, e.why(), null, e);
      } catch (IllegalArgumentException | DateTimeException e) {
        throw new ConfigException(where, "malformed '" + f[0] + "' line: " + e.getMessage());
      }
    }
    if (!format || serial < 0) {
      throw new ConfigException(
          what, "not a wgmesh publication state (needs 'format 1' and 'serial' lines)");
    }
    return new PublicationState(
        serial, key, members, key.isPresent() ? since : Optional.empty(), switches);
  }

  private static void expect(String[] f, int n, String where) {
    if (f.length != n) {
      throw new ConfigException(
          where, "'" + f[0] + "' takes " + (n - 1) + " value(s), found " + (f.length - 1));
    }
  }

  @Override
  public String toString() {
    return "PublicationState[lastSerial="
        + lastSerial
        + ", groupKey="
        + groupKey
        + ", members="
        + members.size()
        + "]";
  }
}
