package org.wgmesh.core.yaml;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import org.wgmesh.core.error.ConfigException;
import org.wgmesh.core.error.WgmeshException;
import org.yaml.snakeyaml.nodes.MappingNode;
import org.yaml.snakeyaml.nodes.Node;
import org.yaml.snakeyaml.nodes.NodeTuple;
import org.yaml.snakeyaml.nodes.ScalarNode;
import org.yaml.snakeyaml.nodes.SequenceNode;

/**
 * A YAML node with where it came from: the file, its key path ({@code hosts[2].uuid}) and its line.
 * Every accessor that finds the wrong shape throws a {@link ConfigException} whose message reads
 * {@code Property 'hosts[2].uuid' at line 14: <why>}, so a person can go straight to the spot.
 *
 * <p>Instances come from {@link YamlDocuments#parse}. They are read-only views.
 */
public final class YamlNode {
  private final Node node;
  private final String source;
  private final String path;

  YamlNode(Node node, String source, String path) {
    this.node = node;
    this.source = source;
    this.path = path;
  }

  /** The file (or other source) this node was read from, as given to the parser. */
  public String source() {
    return source;
  }

  /** The key path, e.g. {@code hosts[2].uuid}; empty for the document root. */
  public String path() {
    return path;
  }

  /** The 1-based line the node starts on. */
  public int line() {
    return node.getStartMark().getLine() + 1;
  }

  /** Where this node is, for messages: {@code Property 'x' at line N}. */
  public String where() {
    return (path.isEmpty() ? "Document" : "Property '" + path + "'") + " at line " + line();
  }

  /** An error about this node: {@code <source>: Property 'x' at line N: <why>}. */
  public ConfigException error(String why) {
    return new ConfigException(source, where() + ": " + why);
  }

  /** An error about this node with a remedy. */
  public ConfigException error(String why, String hint) {
    return new ConfigException(source, where() + ": " + why, Objects.requireNonNull(hint, "hint"));
  }

  /** An error about this node with a remedy when there is one (e.g. another error's hint). */
  public ConfigException error(String why, Optional<String> hint) {
    return hint.map(h -> error(why, h)).orElseGet(() -> error(why));
  }

  public boolean isMap() {
    return node instanceof MappingNode;
  }

  public boolean isList() {
    return node instanceof SequenceNode;
  }

  /** Whether this is an empty or {@code null}/{@code ~} scalar. */
  public boolean isNull() {
    return node instanceof ScalarNode s
        && (s.getTag().getValue().endsWith(":null") || s.getValue().isEmpty());
  }

  /**
   * The entries of a mapping, in file order, each key a plain string.
   *
   * @throws ConfigException when this is not a mapping, a key is not a plain string, or a key
   *     repeats
   */
  public Map<String, YamlNode> entries() {
    if (!(node instanceof MappingNode m)) {
      throw error("expected a mapping (key: value lines), found " + kind());
    }
    Map<String, YamlNode> out = new LinkedHashMap<>();
    for (NodeTuple t : m.getValue()) {
      if (!(t.getKeyNode() instanceof ScalarNode k)) {
        throw new YamlNode(t.getKeyNode(), source, path).error("keys must be plain names");
      }
      String childPath = path.isEmpty() ? k.getValue() : path + "." + k.getValue();
      YamlNode child = new YamlNode(t.getValueNode(), source, childPath);
      if (out.containsKey(k.getValue())) {
        throw new YamlNode(k, source, childPath).error("duplicate key");
      }
      out.put(k.getValue(), child);
    }
    return out;
  }

  /**
   * The entries of a mapping, refusing keys outside {@code allowed}.
   *
   * @throws ConfigException naming the first unknown key, its line, and the keys allowed here
   */
  public Map<String, YamlNode> entries(Set<String> allowed) {
    Map<String, YamlNode> e = entries();
    for (NodeTuple t : ((MappingNode) node).getValue()) {
      String key = ((ScalarNode) t.getKeyNode()).getValue();
      if (!allowed.contains(key)) {
        String childPath = path.isEmpty() ? key : path + "." + key;
        throw new YamlNode(t.getKeyNode(), source, childPath)
            .error("unknown key", "allowed here: " + String.join(", ", new TreeSet<>(allowed)));
      }
    }
    return e;
  }

  /** The items of a sequence; an empty or null value is an empty list. */
  public List<YamlNode> items() {
    if (isNull()) {
      return List.of();
    }
    if (!(node instanceof SequenceNode s)) {
      throw error("expected a list, found " + kind());
    }
    List<YamlNode> out = new ArrayList<>();
    for (int i = 0; i < s.getValue().size(); i++) {
      out.add(new YamlNode(s.getValue().get(i), source, path + "[" + i + "]"));
    }
    return out;
  }

  /** The text of a scalar (no empty strings). */
  public String text() {
    if (!(node instanceof ScalarNode s)) {
      throw error("expected a single value, found " + kind());
    }
    if (s.getValue().isBlank()) {
      throw error("must not be empty");
    }
    return s.getValue().strip();
  }

  /** A whole number in {@code [min, max]}. */
  public long number(long min, long max) {
    String t = text();
    long v;
    try {
      v = Long.parseLong(t);
    } catch (NumberFormatException e) {
      throw error("'" + t + "' is not a whole number");
    }
    if (v < min || v > max) {
      throw error(v + " is out of range " + min + ".." + max);
    }
    return v;
  }

  /**
   * The text of a scalar run through a value parser; the parser's complaint becomes an error at
   * this node's line ({@code Property 'x' at line N: <why>}, its hint kept). An {@link
   * IllegalArgumentException} (e.g. from {@code UUID.fromString}) reads {@code '<text>' is not
   * valid: <message>}.
   *
   * @throws ConfigException when this is not a single value or the parser refuses it
   */
  public <T> T as(Function<String, T> parser) {
    String t = text();
    try {
      return parser.apply(t);
    } catch (WgmeshException e) {
      throw error(e.why(), e.hint());
    } catch (IllegalArgumentException e) {
      throw error("'" + t + "' is not valid: " + e.getMessage());
    }
  }

  private String kind() {
    if (node instanceof MappingNode) {
      return "a mapping";
    }
    if (node instanceof SequenceNode) {
      return "a list";
    }
    return "a single value";
  }

  /** Convenience: the optional child {@code key} of a mapping's entries. */
  public static Optional<YamlNode> optional(Map<String, YamlNode> entries, String key) {
    YamlNode n = entries.get(key);
    return n == null || n.isNull() ? Optional.empty() : Optional.of(n);
  }

  /**
   * Convenience: the required child {@code key}.
   *
   * @throws ConfigException naming the missing key and the mapping's line
   */
  public YamlNode require(Map<String, YamlNode> entries, String key) {
    return optional(entries, key).orElseThrow(() -> error("missing required key '" + key + "'"));
  }
}
