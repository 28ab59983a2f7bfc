package org.wgmesh.core.model;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Objects;
import java.util.TreeSet;
import org.wgmesh.core.error.InputException;
import org.wgmesh.core.net.Addressing;

/**
 * The topology policy of a mesh: from it and the member list every endpoint computes its own links
 * ({@link MeshLinks}), so DNS carries no per-pair data. Published in the signed mesh record as the
 * short text of {@link #encode()} (at most 255 bytes, the record's {@code str8} field).
 *
 * <ul>
 *   <li>{@link FullMesh}: every host links to every other (today's default), encoded {@code
 *       full-mesh}, byte for byte what older sites published.
 *   <li>{@link HubAndSpoke}: the hubs form a full mesh among themselves; every other host links to
 *       every hub, or to {@code hubsPerSpoke} of them; hubs carry transit traffic by BGP. Encoded
 *       {@code hub-and-spoke:1,3,7-9} or, with a number of hubs per spoke, {@code
 *       hub-and-spoke:1,3,7-9/2}.
 * </ul>
 *
 * <p>In every policy a host without a public address links only to hosts that have one (or that
 * share a LAN with it), see {@link MeshLinks}.
 */
public sealed interface Topology permits Topology.FullMesh, Topology.HubAndSpoke {
  /** The full mesh, the default. */
  FullMesh FULL_MESH = new FullMesh();

  /** The longest encoding the mesh record can carry ({@code str8}). */
  int MAX_ENCODED_BYTES = 255;

  /** The policy as the mesh record carries it; {@link #decode} reads it back to an equal value. */
  String encode();

  /** Whether host {@code number} relays routes between its peers (a BGP transit host). */
  boolean isTransit(int number);

  /** Every host links to every other; every host is transit (relays routes for failover). */
  record FullMesh() implements Topology {
    /** The name in the site file and the record. */
    public static final String NAME = "full-mesh";

    @Override
    public String encode() {
      return NAME;
    }

    @Override
    public boolean isTransit(int number) {
      return true;
    }

    @Override
    public String toString() {
      return NAME;
    }
  }

  /**
   * Named hubs in a full mesh among themselves, every other host (a spoke) linked to every hub or
   * to {@code hubsPerSpoke} of them, picked by {@link #hubsOf(int)}.
   *
   * @param hubs the hubs' host numbers, ascending, at least one, each 1..65535
   * @param hubsPerSpoke how many hubs each spoke links to, 1..hubs.size(); 0 means every hub
   */
  record HubAndSpoke(List<Integer> hubs, int hubsPerSpoke) implements Topology {
    /** The name in the site file and the record. */
    public static final String NAME = "hub-and-spoke";

    /**
     * @throws InputException when there is no hub, a hub number is out of range or listed twice,
     *     hubsPerSpoke is outside 0..hubs, or the encoding would not fit into the record
     */
    public HubAndSpoke {
      Objects.requireNonNull(hubs, "hubs");
      if (hubs.isEmpty()) {
        throw new InputException(
            "topology.hubs",
            "a hub-and-spoke mesh needs at least one hub",
            "name one or more hubs");
      }
      TreeSet<Integer> sorted = new TreeSet<>();
      for (int h : hubs) {
        if (h < 1 || h > Addressing.MAX_HOST) {
          throw new InputException(
              "topology.hubs", "hub number " + h + " is outside 1.." + Addressing.MAX_HOST);
        }
        if (!sorted.add(h)) {
          throw new InputException("topology.hubs", "hub " + h + " is listed twice");
        }
      }
      hubs = List.copyOf(sorted);
      if (hubsPerSpoke < 0 || hubsPerSpoke > hubs.size()) {
        throw new InputException(
            "topology.hubs-per-spoke",
            "is "
                + hubsPerSpoke
                + " but there "
                + (hubs.size() == 1 ? "is 1 hub" : "are " + hubs.size() + " hubs"),
            "name more hubs or lower hubs-per-spoke");
      }
      int bytes = encode(hubs, hubsPerSpoke).getBytes(StandardCharsets.US_ASCII).length;
      if (bytes > MAX_ENCODED_BYTES) {
        throw new InputException(
            "topology.hubs",
            hubs.size() + " hubs take " + bytes + " bytes, the mesh record holds 255",
            "use fewer hubs, or hubs with consecutive numbers (a run encodes as 'a-b')");
      }
    }

    /** Every hub. */
    public static HubAndSpoke of(List<Integer> hubs) {
      return new HubAndSpoke(hubs, 0);
    }

    /** Whether {@code number} is a hub. */
    public boolean isHub(int number) {
      return Collections.binarySearch(hubs, number) >= 0;
    }

    @Override
    public boolean isTransit(int number) {
      return isHub(number);
    }

    /** How many hubs a spoke links to (every hub when {@code hubsPerSpoke} is 0). */
    public int effectiveHubsPerSpoke() {
      return hubsPerSpoke == 0 ? hubs.size() : hubsPerSpoke;
    }

    /**
     * The hubs spoke {@code spoke} links to, ascending: every hub, or the {@link
     * #effectiveHubsPerSpoke()} hubs with the highest {@link #score} for this spoke (rendezvous
     * hashing: balanced over the hubs, and adding or removing a hub moves only the spokes that
     * chose it). Every endpoint computes the same answer from the mesh record alone.
     */
    public List<Integer> hubsOf(int spoke) {
      int k = effectiveHubsPerSpoke();
      if (k == hubs.size()) {
        return hubs;
      }
      List<Integer> byScore = new ArrayList<>(hubs);
      byScore.sort((a, b) -> Long.compareUnsigned(score(spoke, b), score(spoke, a)));
      List<Integer> chosen = new ArrayList<>(byScore.subList(0, k));
      chosen.sort(null);
      return List.copyOf(chosen);
    }

    /**
     * The rendezvous weight of hub {@code hub} for spoke {@code spoke}: the SplitMix64 finalizer of
     * {@code spoke << 16 | hub}, compared unsigned. The finalizer is a bijection, so two hubs never
     * tie. Part of the format: changing it moves spokes between hubs.
     */
    public static long score(int spoke, int hub) {
      long z = ((long) spoke << 16) | hub;
      z = (z ^ (z >>> 30)) * 0xbf58476d1ce4e5b9L;
      z = (z ^ (z >>> 27)) * 0x94d049bb133111ebL;
      return z ^ (z >>> 31);
    }

    @Override
    public String encode() {
      return encode(hubs, hubsPerSpoke);
    }

    private static String encode(List<Integer> hubs, int perSpoke) {
      StringBuilder b = new StringBuilder(NAME).append(':');
      int i = 0;
      while (i < hubs.size()) {
        int j = i;
        while (j + 1 < hubs.size() && hubs.get(j + 1) == hubs.get(j) + 1) {
          j++;
        }
        if (i > 0) {
          b.append(',');
        }
        b.append(hubs.get(i));
        if (j >= i + 2) {
          b.append('-').append(hubs.get(j));
          i = j + 1;
        } else {
          i++;
        }
      }
      if (perSpoke > 0) {
        b.append('/').append(perSpoke);
      }
      return b.toString();
    }

    @Override
    public String toString() {
      return encode();
    }
  }

  /**
   * Reads the record form. Strict: only the canonical text {@link #encode()} writes is accepted
   * (hubs ascending, runs of three or more as {@code a-b}, no leading zeros), so one policy has one
   * encoding.
   *
   * @param what names the field in errors
   * @throws InputException naming {@code what} for anything else
   */
  static Topology decode(String text, String what) {
    Objects.requireNonNull(text, "text");
    if (text.equals(FullMesh.NAME)) {
      return FULL_MESH;
    }
    String prefix = HubAndSpoke.NAME + ":";
    if (!text.startsWith(prefix)) {
      throw new InputException(
          what,
          "unknown topology '" + text + "'",
          "this version knows " + FullMesh.NAME + " and " + HubAndSpoke.NAME);
    }
    String rest = text.substring(prefix.length());
    int perSpoke = 0;
    int slash = rest.indexOf('/');
    if (slash >= 0) {
      perSpoke = number(rest.substring(slash + 1), text, what);
      rest = rest.substring(0, slash);
    }
    List<Integer> hubs = new ArrayList<>();
    for (String part : rest.split(",", -1)) {
      int dash = part.indexOf('-');
      if (dash < 0) {
        hubs.add(number(part, text, what));
      } else {
        int from = number(part.substring(0, dash), text, what);
        int to = number(part.substring(dash + 1), text, what);
        if (to < from + 2) {
          throw notCanonical(text, what);
        }
        for (int n = from; n <= to; n++) {
          hubs.add(n);
        }
      }
    }
    HubAndSpoke t;
    try {
      t = new HubAndSpoke(hubs, perSpoke);
    } catch (InputException e) {
      throw new InputException(what, e.why());
    }
    if (!t.encode().equals(text)) {
      throw notCanonical(text, what);
    }
    return t;
  }

  private static int number(String s, String text, String what) {
    if (!s.matches("[1-9][0-9]{0,4}")) {
      throw new InputException(what, "'" + text + "' is not a topology: bad number '" + s + "'");
    }
    return Integer.parseInt(s);
  }

  private static InputException notCanonical(String text, String what) {
    return new InputException(what, "'" + text + "' is not in canonical form");
  }
}
