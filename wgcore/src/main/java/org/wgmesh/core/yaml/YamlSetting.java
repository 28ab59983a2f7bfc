package org.wgmesh.core.yaml;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import org.wgmesh.core.error.ConfigException;

/**
 * One key of a YAML mapping, declared once for both directions: how its node is read into a target
 * and how the target's value is written back. A file format is a {@code YamlSpec}, a list of these
 * in the order they are written.
 *
 * @param <X> what is read into and written from (typically a builder with the file's context)
 */
public interface YamlSetting<X> {
  /** The key in the mapping. */
  String key();

  /**
   * Reads this key from the entries of {@code mapping} into {@code target}.
   *
   * @throws ConfigException naming the key and line of a bad or missing value
   */
  void read(YamlNode mapping, Map<String, YamlNode> entries, X target);

  /** Puts this key's plain value into {@code out}, or nothing when it is not to be written. */
  void write(X source, Map<String, Object> out);

  /**
   * A single value (scalar, list or mapping) of type {@code T}: required until {@link Value#orElse}
   * gives it a default, and then written always, or only when it differs from the default ({@link
   * Value#whenSet}).
   *
   * @param parse reads a present, non-null node; may look at what {@code target} already holds
   *     (settings are read in spec order)
   * @param get the value in the source being written
   * @param set stores a read (or default) value in the target
   * @param format the value as written: a String, Number, Boolean, List or Map for the dumper
   */
  static <X, T> Value<X, T> value(
      String key,
      BiFunction<YamlNode, X, T> parse,
      Function<X, T> get,
      BiConsumer<X, T> set,
      Function<T, Object> format) {
    return new Value<>(key, parse, get, set, format, Optional.empty(), false);
  }

  /** See {@link #value}. Immutable; {@link #orElse} and {@link #whenSet} return copies. */
  final class Value<X, T> implements YamlSetting<X> {
    private final String key;
    private final BiFunction<YamlNode, X, T> parse;
    private final Function<X, T> get;
    private final BiConsumer<X, T> set;
    private final Function<T, Object> format;

    /** The default when the key is absent; empty for a required setting. */
    private final Optional<Function<X, T>> fallback;

    private final boolean onlyWhenSet;

    private Value(
        String key,
        BiFunction<YamlNode, X, T> parse,
        Function<X, T> get,
        BiConsumer<X, T> set,
        Function<T, Object> format,
        Optional<Function<X, T>> fallback,
        boolean onlyWhenSet) {
      this.key = Objects.requireNonNull(key, "key");
      this.parse = Objects.requireNonNull(parse, "parse");
      this.get = Objects.requireNonNull(get, "get");
      this.set = Objects.requireNonNull(set, "set");
      this.format = Objects.requireNonNull(format, "format");
      this.fallback = Objects.requireNonNull(fallback, "fallback");
      this.onlyWhenSet = onlyWhenSet;
    }

    /** Optional, with this default (which may depend on what was read before) when absent. */
    public Value<X, T> orElse(Function<X, T> defaultValue) {
      return new Value<>(key, parse, get, set, format, Optional.of(defaultValue), onlyWhenSet);
    }

    /** Written only when the value differs from the default, so files that never set it stay. */
    public Value<X, T> whenSet() {
      if (fallback.isEmpty()) {
        throw new IllegalStateException(key + ": only an optional setting can be left out");
      }
      return new Value<>(key, parse, get, set, format, fallback, true);
    }

    @Override
    public String key() {
      return key;
    }

    @Override
    public void read(YamlNode mapping, Map<String, YamlNode> entries, X target) {
      Optional<YamlNode> n = YamlNode.optional(entries, key);
      if (n.isPresent()) {
        set.accept(target, parse.apply(n.get(), target));
      } else if (fallback.isEmpty()) {
        mapping.require(entries, key); // throws: missing required key, at the mapping's line
      } else {
        set.accept(target, fallback.get().apply(target));
      }
    }

    @Override
    public void write(X source, Map<String, Object> out) {
      T v = get.apply(source);
      if (onlyWhenSet && v.equals(fallback.orElseThrow().apply(source))) {
        return;
      }
      out.put(key, format.apply(v));
    }
  }
}
