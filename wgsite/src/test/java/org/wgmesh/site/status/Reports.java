package org.wgmesh.site.status;

/** Report bodies for the tests: a {@code wgdeploy --check --json} document and peers. */
final class Reports {
  private Reports() {}

  static String check(boolean healthy) {
    return "{\"status\":\""
        + (healthy ? "healthy" : "unhealthy")
        + "\",\"domain\":\"mesh.example.com\",\"namespace\":\"mesh\","
        + "\"time\":\"2026-12-05T02:00:00Z\",\"healthy\":"
        + healthy
        + ",\"checks\":[{\"name\":\"links\",\"status\":\"ok\",\"subject\":\"wg2\","
        + "\"value\":\"up\",\"hint\":\"\"},{\"name\":\"bird\",\"status\":\""
        + (healthy ? "ok" : "fail")
        + "\",\"subject\":\"bird\",\"value\":\"running\",\"hint\":\"\"}]}";
  }

  static String peer(String name, String handshakeAge) {
    return "{\"peer\":\""
        + name
        + "\",\"handshake-age\":"
        + handshakeAge
        + ",\"rx-bytes\":1200,\"tx-bytes\":3400,\"endpoint\":\"198.51.100.7:51002\"}";
  }

  static String client(String name, String iface, String handshakeAge) {
    return "{\"client\":\""
        + name
        + "\",\"interface\":\""
        + iface
        + "\",\"handshake-age\":"
        + handshakeAge
        + ",\"rx-bytes\":500,\"tx-bytes\":700,\"endpoint\":"
        + (handshakeAge.equals("null") ? "null" : "\"203.0.113.77:41641\"")
        + "}";
  }

  /** A body of a host clients attach to: {@link #body} with {@code "clients"}. */
  static String withClients(String body, String... clients) {
    return body.substring(0, body.length() - 1)
        + ",\"clients\":["
        + String.join(",", clients)
        + "]}";
  }

  static String body(long serial, boolean healthy, String... peers) {
    return "{\"serial\":"
        + serial
        + ",\"check\":"
        + check(healthy)
        + ",\"peers\":["
        + String.join(",", peers)
        + "]}";
  }
}
