package org.wgmesh.core.metrics;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a file in the Prometheus text exposition format (version 0.0.4), as node_exporter's
 * textfile collector reads it: each metric family once, with its {@code # HELP} and {@code # TYPE}
 * lines before its samples, label values escaped. Families come out in the order first declared.
 */
public final class PrometheusText {
  private final Map<String, StringBuilder> families = new LinkedHashMap<>();
  private final Map<String, Integer> headerLength = new LinkedHashMap<>();

  /** Declares a gauge (a value that goes up and down) and returns this builder. */
  public PrometheusText gauge(String name, String help) {
    return declare(name, "gauge", help);
  }

  /** Declares a counter (a value that only grows; its name ends in {@code _total}). */
  public PrometheusText counter(String name, String help) {
    if (!name.endsWith("_total")) {
      throw new IllegalArgumentException("a counter's name ends in _total: " + name);
    }
    return declare(name, "counter", help);
  }

  /**
   * Adds a sample of a declared family.
   *
   * @param labels label names and values, alternating ({@code "interface", "wg2", ...})
   */
  public PrometheusText sample(String name, double value, String... labels) {
    StringBuilder b = families.get(name);
    if (b == null) {
      throw new IllegalArgumentException("metric not declared: " + name);
    }
    if (labels.length % 2 != 0) {
      throw new IllegalArgumentException("labels come in name/value pairs: " + List.of(labels));
    }
    b.append(name);
    if (labels.length > 0) {
      b.append('{');
      for (int i = 0; i < labels.length; i += 2) {
        b.append(i == 0 ? "" : ",")
            .append(labels[i])
            .append("=\"")
            .append(escape(labels[i + 1]))
            .append('"');
      }
      b.append('}');
    }
    b.append(' ').append(format(value)).append('\n');
    return this;
  }

  /** The file text; a family without samples is left out. */
  public String text() {
    StringBuilder out = new StringBuilder();
    families.forEach(
        (name, b) -> {
          if (b.length() > headerLength.get(name)) {
            out.append(b);
          }
        });
    return out.toString();
  }

  private PrometheusText declare(String name, String type, String help) {
    if (!name.matches("[a-zA-Z_:][a-zA-Z0-9_:]*")) {
      throw new IllegalArgumentException("not a metric name: " + name);
    }
    families.computeIfAbsent(
        name,
        n ->
            new StringBuilder()
                .append("# HELP ")
                .append(n)
                .append(' ')
                .append(help.replace("\\", "\\\\").replace("\n", "\\n"))
                .append('\n')
                .append("# TYPE ")
                .append(n)
                .append(' ')
                .append(type)
                .append('\n'));
    headerLength.putIfAbsent(name, families.get(name).length());
    return this;
  }

  private static String escape(String v) {
    return v.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n");
  }

  private static String format(double v) {
    if (v == Math.rint(v) && Math.abs(v) < 1e15) {
      return Long.toString((long) v);
    }
    return Double.toString(v);
  }
}
