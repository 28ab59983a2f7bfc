package org.wgmesh.core.yaml;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.wgmesh.core.error.ConfigException;

/**
 * A YAML mapping format as a list of {@link YamlSetting}s, each declared once: reading refuses keys
 * not declared and reads the settings in their order; writing puts them in the same order, so the
 * written file's key order is the declaration order.
 *
 * @param <X> what is read into and written from
 */
public final class YamlSpec<X> {
  private final List<YamlSetting<X>> settings;
  private final Set<String> keys;

  private YamlSpec(List<YamlSetting<X>> settings) {
    this.settings = List.copyOf(settings);
    Set<String> k = new LinkedHashSet<>();
    for (YamlSetting<X> s : this.settings) {
      if (!k.add(s.key())) {
        throw new IllegalArgumentException("key declared twice: " + s.key());
      }
    }
    this.keys = Collections.unmodifiableSet(k);
  }

  /** A spec of these settings, in the order they are written. */
  @SafeVarargs
  public static <X> YamlSpec<X> of(YamlSetting<X>... settings) {
    return new YamlSpec<>(List.of(settings));
  }

  /** The settings, in declaration (= written) order. */
  public List<YamlSetting<X>> settings() {
    return settings;
  }

  /** The keys, in declaration order. */
  public Set<String> keys() {
    return keys;
  }

  /**
   * Reads {@code mapping} into {@code target}, setting by setting in declaration order.
   *
   * @return the mapping's entries, to place later errors (cross-setting checks) at their line
   * @throws ConfigException naming the key and line of the first unknown key or bad value
   */
  public Map<String, YamlNode> read(YamlNode mapping, X target) {
    Map<String, YamlNode> entries = mapping.entries(keys);
    for (YamlSetting<X> s : settings) {
      s.read(mapping, entries, target);
    }
    return entries;
  }

  /** The plain values of {@code source} in declaration order, for {@link YamlDocuments#dump}. */
  public Map<String, Object> write(X source) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (YamlSetting<X> s : settings) {
      s.write(source, out);
    }
    return out;
  }

  /**
   * This spec as one setting of an outer mapping: a required mapping of its own under {@code key}
   * ({@code site: {signing-key: ..., ...}}). Here rather than in {@link YamlSetting} so that the
   * setting does not use the spec that uses it.
   */
  public YamlSetting<X> under(String key) {
    return new Group<>(key, this);
  }

  /** See {@link #under}. */
  private record Group<X>(String key, YamlSpec<X> inner) implements YamlSetting<X> {
    @Override
    public void read(YamlNode mapping, Map<String, YamlNode> entries, X target) {
      inner.read(mapping.require(entries, key), target);
    }

    @Override
    public void write(X source, Map<String, Object> out) {
      out.put(key, inner.write(source));
    }
  }
}
