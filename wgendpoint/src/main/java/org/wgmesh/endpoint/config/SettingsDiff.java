package org.wgmesh.endpoint.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * What changed between two versions of the endpoint settings, one line per setting: {@code key: old
 * -> new}, {@code key: (unset) -> new}, {@code key: old -> (unset)}. Nested maps become dotted keys
 * ({@code site.fingerprint}); lists are shown as {@code [a, b]}.
 */
final class SettingsDiff {
  private static final String UNSET = "(unset)";

  private SettingsDiff() {}

  /** The changed settings, in the order of {@code after} (then removed keys). */
  static List<String> between(Map<String, Object> before, Map<String, Object> after) {
    Map<String, String> a = flatten(before);
    Map<String, String> b = flatten(after);
    Set<String> keys = new LinkedHashSet<>(b.keySet());
    keys.addAll(a.keySet());
    List<String> out = new ArrayList<>();
    for (String k : keys) {
      String was = a.getOrDefault(k, UNSET);
      String now = b.getOrDefault(k, UNSET);
      if (!Objects.equals(was, now)) {
        out.add(k + ": " + was + " -> " + now);
      }
    }
    return out;
  }

  private static Map<String, String> flatten(Map<String, Object> m) {
    Map<String, String> out = new LinkedHashMap<>();
    flatten("", m, out);
    return out;
  }

  private static void flatten(String prefix, Map<?, ?> m, Map<String, String> out) {
    for (Map.Entry<?, ?> e : m.entrySet()) {
      String key = prefix + e.getKey();
      if (e.getValue() instanceof Map<?, ?> child) {
        flatten(key + ".", child, out);
      } else if (e.getValue() instanceof List<?> list) {
        out.put(key, list.toString());
      } else {
        out.put(key, String.valueOf(e.getValue()));
      }
    }
  }
}
